//! CLIM and CLIM-interface failure under CIP (`clim_down`, `clim_up`, and `pif_down`,
//! `pif_up` of a CLIM's interface; faults.md A.4 "CIP", nonstop.md a.8): CLIM-to-CLIM
//! failover driven through the node. The ports' rules are `lan.rs`'; the CLIM's processor and
//! stack processes are `Cpus`'; this file says what a CLIM's or its interface's failure
//! means.
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
//! - **Retries** (`Phase::Retry`, every `faults.clim_retry_interval` [F CIP page-45], 10 s,
//!   while an address waits): the host tries the home and the failover interface
//!   alternately, the home one first (the failover one was tried at the failover); the
//!   address comes up on the first that is up (on its home interface it is still a failover:
//!   its connections were lost all the same [F]). An attempt that finds neither is logged; if
//!   neither is up within [`FAILOVER_WINDOW`] (10 s [F]) of the failover, the failover has
//!   **failed** (logged), and the host goes on trying, unlogged, until one comes up [F]. A
//!   CLIM that is up again boots with its data interfaces down and no address [F CIP
//!   page-45], so an address waiting for it comes up at the next attempt, not at `clim_up`.
//! - **`clim_up`** (`Phase::Up`): the CLIM and its stack processes run again and its
//!   interfaces carry traffic; no automatic failback [F]: addresses that moved stay on the
//!   other CLIM (an operator's SCF SWITCH is not modelled).
//!
//! A `pif_down` of one CLIM interface is a CLIM-to-CLIM failover of that interface alone [F
//! CIP pages 37, 44: "a non-slave physical interface ... fails" invokes it, Table 3]: its
//! frames are lost from the failure as above, the failure is detected `lif_detect` later
//! (the CLIM's link pulse time, "a fixed value less than two seconds" [F page-44]), and
//! `switch_converge` after that its addresses migrate with their connections lost and the
//! retries above, exactly as for one interface of a failed CLIM; its stack keeps running. Its
//! `pif_up` brings the port back without failback (an address waiting for it comes up at the
//! next attempt). The LAN's rules (`failover.rs`: sessions ride the partner) are the
//! TCP/IPv6 and Parallel Library's, not CIP's.
//!
//! A host processor's failure under CIP loses only the sockets of its own processes [I], as
//! under TCP/IPv6 (`failure.rs`): the CLIMs are not touched.
//!
//! Simplifies: detection is `lif_detect`, the LAN's; the CLIM's own boot time is in the
//! fault's `clim_up` instant; UDP and SCTP are not modelled; the retries go on for the whole
//! run (an SCF STOP or ABORT CLIM that would end them is not modelled).

use crate::engine::{Scheduler, SimDuration, SimTime};

use super::Event;
use super::Node;
use super::fault::Phase;
use super::ids::{ProcessorId, RequestId, SlabKey};
use super::lan::PortState;
use super::processor::Health;

/// [F CIP page-45] How long a CLIM-to-CLIM failover may look for an interface before it has
/// failed: "if the resources cannot be brought up on either interface within 10 seconds".
pub const FAILOVER_WINDOW: SimDuration = SimDuration::from_secs(10);

/// With retries every `interval`, how long after the failover its last logged attempt comes,
/// the one that declares it failed: the first multiple of `interval` not before
/// [`FAILOVER_WINDOW`] (10 s with the default interval).
pub fn failover_fails_after(interval: SimDuration) -> SimDuration {
    let (w, i) = (FAILOVER_WINDOW.as_nanos(), interval.as_nanos().max(1));
    SimDuration::from_nanos(w.div_ceil(i).max(1) * i)
}

/// The failovers still looking for an interface: per port (LAN PIF), the one whose addresses
/// wait, if any.
#[derive(Debug)]
pub struct Retries {
    /// `faults.clim_retry_interval`.
    interval: SimDuration,
    /// Per port, in the LAN's order (sized at the first wait).
    waiting: Vec<Option<Waiting>>,
}

/// One port's waiting addresses.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    /// The fault whose failover it is (its retries are that fault's `Phase::Retry`).
    fault: usize,
    /// Attempts so far: 0 is the failover interface's at the failover.
    attempt: u32,
    /// The failover.
    since: SimTime,
    /// Logged as failed.
    failed: bool,
}

impl Retries {
    /// None waiting yet; retries every `interval`.
    pub fn new(interval: SimDuration) -> Self {
        Retries {
            interval,
            waiting: Vec::new(),
        }
    }
}

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
        // The failover of a failure that has been mended since does nothing.
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
                self.cip_fail_over(index, &ports, target, Some(cpu), s);
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
                // Up without addresses: one waiting for these ports comes up at its
                // failover's next attempt [F CIP page-45].
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

    /// The instant `phase` of PIF fault `index` on CLIM interface `pif` has come: a
    /// CLIM-to-CLIM failover of that interface alone.
    pub(super) fn cip_pif_fault(
        &mut self,
        index: usize,
        pif: u16,
        phase: Phase,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        let p = usize::from(pif);
        let target = format!("PIF {}", self.lan.pifs[p].name);
        // The detection and failover of a failure that has been repaired since do nothing.
        let current =
            self.faults.pif_fault[p] == Some(index) && self.lan.pifs[p].state == PortState::Failed;
        match phase {
            // (Validation follows each PIF's own faults; a CLIM's failure or return may have
            // changed its port meanwhile.)
            Phase::Fail if self.lan.pifs[p].state != PortState::Up => {
                self.faults.log(now, index, target, "already down");
            }
            Phase::Fail => {
                self.faults.log(now, index, target, "failed");
                self.port_fails(index, pif, s);
            }
            Phase::Up if self.lan.pifs[p].state == PortState::Up => {
                self.faults.log(now, index, target, "already up");
            }
            Phase::Detect if current => self.faults.log(now, index, target, "detected"),
            Phase::TakeOver if current => self.cip_fail_over(index, &[pif], target, None, s),
            Phase::Up => {
                // No failback; an address waiting for it comes up at the next attempt.
                self.lan.restored(pif);
                self.faults.pif_fault[p] = None;
                self.faults.log(now, index, target, "repaired");
            }
            _ => {}
        }
    }

    /// Failover of the failed ones among `ports` (fault `index`, logged as `target`): their
    /// addresses migrate to their failover interfaces where those are up, else wait for the
    /// retries; every connection to those addresses is lost [F], and so is the work held by
    /// a failed CLIM's stack (`cpu`).
    fn cip_fail_over(
        &mut self,
        index: usize,
        ports: &[u16],
        target: String,
        cpu: Option<ProcessorId>,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        // The addresses they carried (their own, and any that failed over to them), and the
        // requests in flight on connections to them, before they move.
        let homes: Vec<u16> = (0..self.lan.pifs.len() as u16)
            .filter(|&q| ports.contains(&self.lan.carrier(q)))
            .collect();
        let on: Vec<(RequestId, bool)> = self
            .requests
            .iter()
            .filter(|(_, req)| !req.answered() && self.on_lan(req) && homes.contains(&req.pif))
            .map(|(r, req)| (r, !self.connecting(req)))
            .collect();
        let mut waits = false;
        for &p in ports {
            if self.lan.pifs[usize::from(p)].state != PortState::Failed {
                continue;
            }
            self.lan.mark_detected(p);
            let name = self.lan.pifs[usize::from(p)].name.clone();
            match self.lan.fail_over(p) {
                Some(q) => {
                    self.set_waiting(p, None);
                    let to = &self.lan.pifs[usize::from(q)].name;
                    self.faults
                        .log(now, index, format!("{name} to {to}"), "failed over");
                }
                None => {
                    self.lan.unbind(p);
                    self.set_waiting(
                        p,
                        Some(Waiting {
                            fault: index,
                            attempt: 0,
                            since: now,
                            failed: false,
                        }),
                    );
                    waits = true;
                    self.faults.log(now, index, name, "failover pending");
                }
            }
        }
        if waits {
            let index = u16::try_from(index).expect("fewer than 65536 faults");
            s.schedule_in_unkeyed(
                self.faults.cip.interval,
                Event::Fault {
                    index,
                    phase: Phase::Retry,
                },
            );
        }
        // What a failed CLIM's stack held, then every established connection: reset [F].
        let limbo: Vec<RequestId> = match cpu {
            Some(cpu) => {
                let held = self
                    .faults
                    .limbo
                    .iter()
                    .filter(|&&(k, _)| k == cpu.0)
                    .map(|&(_, r)| r)
                    .collect();
                self.faults.limbo.retain(|&(k, _)| k != cpu.0);
                held
            }
            None => Vec::new(),
        };
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
        // Connections with no request in flight are lost too: each client opens a new one
        // for its next request [I].
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

    /// The next attempt of fault `index`'s failovers still waiting: alternately the home
    /// and the failover interface [F CIP page-45].
    pub(super) fn cip_retry(&mut self, index: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let mut again = false;
        for p in 0..self.faults.cip.waiting.len() {
            let Some(mut w) = self.faults.cip.waiting[p].filter(|w| w.fault == index) else {
                continue;
            };
            w.attempt += 1;
            let pif = p as u16;
            // Odd attempts: the home interface; even ones: the failover interface (the home
            // one again where none is configured).
            let tried = match self.lan.pifs[p].partner {
                Some(q) if w.attempt % 2 == 0 => q,
                _ => pif,
            };
            let up = if tried == pif {
                self.lan.bind(pif)
            } else {
                self.lan.fail_over_waiting(pif).is_some()
            };
            let route = format!(
                "{} to {}",
                self.lan.pifs[p].name,
                self.lan.pifs[usize::from(tried)].name
            );
            let attempt = Some(u64::from(w.attempt));
            if up {
                self.faults.cip.waiting[p] = None;
                self.faults
                    .log_counted(now, index, route, "failed over", attempt, None);
                continue;
            }
            if !w.failed {
                self.faults
                    .log_counted(now, index, route, "failover retry failed", attempt, None);
                if now - w.since >= FAILOVER_WINDOW {
                    w.failed = true;
                    let name = self.lan.pifs[p].name.clone();
                    self.faults.log(now, index, name, "failover failed");
                }
            }
            self.faults.cip.waiting[p] = Some(w);
            again = true;
        }
        if again {
            let index = u16::try_from(index).expect("fewer than 65536 faults");
            s.schedule_in_unkeyed(
                self.faults.cip.interval,
                Event::Fault {
                    index,
                    phase: Phase::Retry,
                },
            );
        }
    }

    /// Port `p`'s waiting failover is now `w` (`None`: it waits no more).
    fn set_waiting(&mut self, p: u16, w: Option<Waiting>) {
        let waiting = &mut self.faults.cip.waiting;
        if waiting.is_empty() && w.is_none() {
            return;
        }
        waiting.resize(self.lan.pifs.len(), None);
        waiting[usize::from(p)] = w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failover_fails_at_the_first_attempt_10_s_or_more_after_it() {
        let s = SimDuration::from_secs;
        assert_eq!(failover_fails_after(s(10)), s(10));
        assert_eq!(failover_fails_after(s(2)), s(10));
        assert_eq!(failover_fails_after(s(3)), s(12));
        assert_eq!(failover_fails_after(s(15)), s(15));
    }
}
