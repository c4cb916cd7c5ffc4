//! CLIM failure under CIP (`clim_down`, `clim_up`; faults.md A.4 "CIP", nonstop.md a.8):
//! CLIM-to-CLIM failover driven through the node. The ports' rules are `lan.rs`'; the CLIM's
//! processor and stack processes are `Cpus`'; this file says what a CLIM's failure means.
//!
//! Models, per `clim_down`:
//! - **Failure** (`Phase::Fail`): the CLIM stops. Its stack processes die with it, and the
//!   protocol work their bursts held waits, answered by nobody (as in a failed processor);
//!   its interfaces fail: the frames in their queues are lost, and so is every frame sent to
//!   them, each sent again after `faults.tcp_rto` [I] (a SYN by the client's SYN timer).
//! - **Failover** (`Phase::Detect`, `faults.lif_detect` [I] later): the failure is known and
//!   the CLIM's addresses migrate to their failover interfaces (`tcpip.failover`, on other
//!   CLIMs) where those are up [F CIP pages 37, 45-47], with the listening sockets, which
//!   live in the host's listeners anyway. **TCP connections are lost** [F]: every request in
//!   flight on an established connection whose address the CLIM carried is reset (its
//!   client gets ECONNRESET, counted as `reset` and charged to this fault, and retried by
//!   `workload.retry` where that applies); so is the protocol work its stack held. A SYN
//!   not yet accepted keeps its client's SYN timer and reaches the address's new interface.
//!   An address whose failover interface is down waits on no interface: SYNs to it are
//!   lost and retransmitted.
//! - **End of the retries** (`Phase::TakeOver`, [`FAILOVER_RETRY`] after the failover):
//!   CIP retries the home and the failover interface alternately, 10 s apart, and the
//!   failover fails if neither is up within 10 s [F]: an address still waiting moves to its
//!   failover interface if that is up now, stays home if the CLIM is up again, else its
//!   failover has failed (logged) and it stays down until `clim_up`.
//! - **`clim_up`** (`Phase::Up`): the CLIM and its stack processes run again and its
//!   interfaces carry traffic; no automatic failback [F]: addresses that moved stay on the
//!   other CLIM (an operator's SCF SWITCH is not modelled).
//!
//! A host processor's failure under CIP loses only the sockets of its own processes [I], as
//! under TCP/IPv6 (`failure.rs`): the CLIMs are not touched.
//!
//! Simplifies: detection is `lif_detect`, the LAN's; the alternate retries within the 10 s
//! are not stepped (an address moves at the failover or at its end); UDP and SCTP are not
//! modelled.

use crate::engine::{Scheduler, SimDuration};

use super::Event;
use super::Node;
use super::fault::Phase;
use super::ids::{RequestId, SlabKey};
use super::lan::PortState;
use super::processor::Health;

/// [F CIP pages 45-47] How long CIP retries an address's home and failover interfaces
/// before its failover fails: 10 s.
pub const FAILOVER_RETRY: SimDuration = SimDuration::from_secs(10);

impl Node {
    /// The instant `phase` of CLIM fault `index` (on CLIM `c`) has come.
    pub(super) fn clim_fault(
        &mut self,
        index: usize,
        c: usize,
        phase: Phase,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        let target = format!("CLIM {}", self.clims.list[c].name);
        let cpu = self.clims.list[c].processor;
        let ports = self.clims.ports(c);
        // The failover and the end of the retries of a failure that has been mended since do
        // nothing.
        let current = self.faults.clim_fault[c] == Some(index);
        match phase {
            Phase::Fail => {
                if !self.cpus.is_up(cpu) {
                    self.faults.log(now, index, target, "already down");
                    return;
                }
                self.faults.clim_fault[c] = Some(index);
                self.faults.current = Some(index);
                self.faults.log(now, index, target, "failed");
                self.processor_fails(cpu, s);
                for p in ports {
                    if self.lan.pifs[usize::from(p)].state == PortState::Up {
                        self.port_fails(index, p, s);
                    }
                }
            }
            Phase::Detect if current => {
                self.faults.declared[cpu.0 as usize] = true;
                self.faults.log(now, index, target.clone(), "detected");
                // The addresses it carried (its own, and any that failed over to it), and the
                // requests in flight on connections to them, before they move.
                let homes: Vec<u16> = (0..self.lan.pifs.len() as u16)
                    .filter(|&q| ports.contains(&self.lan.carrier(q)))
                    .collect();
                let on: Vec<(RequestId, bool)> = self
                    .requests
                    .iter()
                    .filter(|(_, req)| {
                        !req.answered() && self.on_lan(req) && homes.contains(&req.pif)
                    })
                    .map(|(r, req)| (r, !self.connecting(req)))
                    .collect();
                for &p in &ports {
                    if self.lan.pifs[usize::from(p)].state != PortState::Failed {
                        continue;
                    }
                    self.lan.mark_detected(p);
                    let name = self.lan.pifs[usize::from(p)].name.clone();
                    match self.lan.fail_over(p) {
                        Some(q) => {
                            let to = &self.lan.pifs[usize::from(q)].name;
                            self.faults
                                .log(now, index, format!("{name} to {to}"), "failed over");
                        }
                        None => self.faults.log(now, index, name, "failover pending"),
                    }
                }
                // What its stack held, then every established connection: reset [F].
                let limbo: Vec<RequestId> = self
                    .faults
                    .limbo
                    .iter()
                    .filter(|&&(k, _)| k == cpu.0)
                    .map(|&(_, r)| r)
                    .collect();
                self.faults.limbo.retain(|&(k, _)| k != cpu.0);
                let latest = self.faults.current.replace(index);
                for &r in &limbo {
                    self.fail_held(r, s);
                }
                self.faults.current = latest;
                let mut n = limbo.len() as u64;
                for (r, established) in on {
                    if established && !limbo.contains(&r) {
                        self.reset_for(index, r, s);
                        n += 1;
                    }
                }
                self.faults.log_counted(
                    now,
                    index,
                    target.clone(),
                    "connections reset",
                    Some(n),
                    None,
                );
                // Connections with no request in flight are lost too: each client opens a new
                // one for its next request [I].
                let mut busy: Vec<u32> = self
                    .requests
                    .iter()
                    .map(|(_, req)| req.session.slot())
                    .collect();
                busy.sort_unstable();
                let (lan, homes) = (&self.lan, &homes);
                let idle = self.clients.drop_connections(|id| {
                    busy.binary_search(&id.slot()).is_err()
                        && lan
                            .session_port(id.slot() as usize)
                            .is_some_and(|p| homes.contains(&p))
                });
                self.faults.log_counted(
                    now,
                    index,
                    target.clone(),
                    "idle connections lost",
                    Some(idle),
                    None,
                );
                let lost = Some(self.faults.frames_lost[index]);
                self.faults
                    .log_counted(now, index, target, "frames lost", lost, None);
            }
            Phase::TakeOver if current => {
                for &p in &ports {
                    // Still carried by its failed home port: retried one last time.
                    if self.lan.carrier(p) != p
                        || self.lan.pifs[usize::from(p)].state == PortState::Up
                    {
                        continue;
                    }
                    let name = self.lan.pifs[usize::from(p)].name.clone();
                    match self.lan.fail_over(p) {
                        Some(q) => {
                            let to = &self.lan.pifs[usize::from(q)].name;
                            self.faults
                                .log(now, index, format!("{name} to {to}"), "failed over");
                        }
                        None => self.faults.log(now, index, name, "failover failed"),
                    }
                }
            }
            Phase::Up => {
                if self.cpus.is_up(cpu) {
                    self.faults.log(now, index, target, "already up");
                    return;
                }
                self.cpus.reload(cpu);
                self.faults.declared[cpu.0 as usize] = false;
                for &p in &self.clims.list[c].cores {
                    if self.cpus.health(p) == Health::Down {
                        self.cpus.restart(p, cpu);
                    }
                }
                for &p in &ports {
                    if self.lan.pifs[usize::from(p)].state != PortState::Up {
                        self.lan.restored(p);
                    }
                    self.faults.pif_fault[usize::from(p)] = None;
                }
                self.faults.clim_fault[c] = None;
                self.faults.log(now, index, target, "up");
            }
            _ => {}
        }
    }
}
