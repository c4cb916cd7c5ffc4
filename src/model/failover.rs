//! LAN failover driven through the node: what `pif_down` and `pif_up` (faults.md A.8) do to
//! the requests in flight. The ports' own rules (which port carries an address, when it
//! moves) are `lan.rs`'; this file finds the requests they concern.
//!
//! Models, per PIF fault:
//! - **Failure** (`Phase::Fail`): the port stops (`Lan::fail`); the frames in its queues are
//!   lost, and so is every frame sent to it until its sessions move (`frame_lost`).
//! - **Detection** (`Phase::Detect`, `lif_detect` [I] later): logged; the gratuitous ARP goes
//!   out on the survivor.
//! - **Move** (`Phase::TakeOver`, `switch_converge` [I] after detection): the addresses the
//!   port carried move to its partner (`Lan::detected`), and every session on them rides it
//!   from now; a frame waiting for its retransmission is sent there. With no partner up (the
//!   conventional stack has no documented failover pair, [?]) the IP host is down for those
//!   addresses: [I] every request in flight on a connection to one is reset (its client
//!   gets ECONNRESET, the `reset` count), as a connection whose TCP has given up; a later
//!   frame of an established connection to it finds it reset too; a SYN to it is lost and
//!   retransmitted by the client's SYN timer (`tcpip.syn_retry`, doubling) until
//!   `tcpip.syn_retries`, then the connection counts as refused. Nothing answers the SYN
//!   (the port is dead), so no RST comes back.
//! - **Repair** (`pif_up`, at once): the port carries its address again (`Lan::repaired`);
//!   with `tcpip.shared_ip` the sessions that moved stay on the survivor, and so do their
//!   requests in flight.
//!
//! A lost frame of an established connection is sent again `tcp_rto` [I] after the loss
//! (`Event::Retransmit`), on the port that carries its address then; a lost SYN (the
//! request frame of a connection being opened) by the client's SYN timer, as a SYN dropped
//! at a full backlog is. Lost frames are counted per fault (`frames_lost`); requests failed
//! are charged to the PIF's fault, so conservation holds as for processor faults.

use crate::engine::Scheduler;

use super::fault::{Phase, Why};
use super::ids::RequestId;
use super::itinerary::Leg;
use super::lan::PortState;
use super::request::{Location, Request};
use super::{Event, Node};

impl Node {
    /// The instant `phase` of PIF fault `index` (on PIF `pif`) has come.
    pub(super) fn pif_fault(
        &mut self,
        index: usize,
        pif: u16,
        phase: Phase,
        s: &mut Scheduler<Event>,
    ) {
        if self.clims.any() {
            // A CLIM's interface: CIP's failover, not the LAN's (`clim_failover.rs`).
            return self.cip_pif_fault(index, pif, phase, s);
        }
        let now = s.now();
        let p = usize::from(pif);
        let target = format!("PIF {}", self.lan.pifs[p].name);
        // The detection and move of a failure that has been repaired since do nothing.
        let current =
            self.faults.pif_fault[p] == Some(index) && self.lan.pifs[p].state == PortState::Failed;
        match phase {
            // (Validation follows each PIF's own faults; under CIP a CLIM's failure or return
            // may have changed its port meanwhile.)
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
            Phase::TakeOver if current => {
                // The requests in flight on its addresses, and those of them whose connection
                // is established (a SYN not yet answered keeps its client's SYN timer).
                let on: Vec<(RequestId, bool)> = self
                    .requests
                    .iter()
                    .filter(|(_, req)| {
                        !req.answered() && self.on_lan(req) && self.lan.carrier(req.pif) == pif
                    })
                    .map(|(r, req)| (r, !self.connecting(req)))
                    .collect();
                let lost = Some(self.faults.frames_lost[index]);
                match self.lan.detected(pif) {
                    Some(q) => {
                        let to = format!("{target} to {}", self.lan.pifs[usize::from(q)].name);
                        let n = Some(on.len() as u64);
                        self.faults
                            .log_counted(now, index, to, "requests moved", n, None);
                    }
                    None => {
                        let established: Vec<RequestId> =
                            on.iter().filter(|o| o.1).map(|o| o.0).collect();
                        let n = established.len() as u64;
                        for r in established {
                            self.reset_for(index, r, s);
                        }
                        self.faults.log_counted(
                            now,
                            index,
                            target.clone(),
                            "connections reset",
                            Some(n),
                            None,
                        );
                    }
                }
                self.faults
                    .log_counted(now, index, target, "frames lost", lost, None);
            }
            Phase::Up => {
                if let Some(q) = self.lan.repaired(pif) {
                    // Shared address: the moved sessions' requests stay on the survivor.
                    let moved: Vec<RequestId> = self
                        .requests
                        .iter()
                        .filter(|(_, req)| self.on_lan(req) && req.pif == pif)
                        .map(|(r, _)| r)
                        .collect();
                    for r in moved {
                        self.requests.get_mut(r).pif = q;
                    }
                }
                self.faults.pif_fault[p] = None;
                self.faults.log(now, index, target, "repaired");
            }
            _ => {}
        }
    }

    /// Port `pif` fails (charged to fault `index`): the frames in its queues are lost with it.
    pub(super) fn port_fails(&mut self, index: usize, pif: u16, s: &mut Scheduler<Event>) {
        self.lan.fail(pif, s.now());
        self.faults.pif_fault[usize::from(pif)] = Some(index);
        let queued: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, req)| matches!(req.at, Location::Lan { pif: q, .. } if q == pif))
            .map(|(r, _)| r)
            .collect();
        for r in queued {
            if let Some(step) = self.requests.get(r).at.pending() {
                s.cancel(step);
            }
            self.frame_lost(r, s);
        }
    }

    /// True when request `req` crosses the LAN (a TCP/IP client's, not a terminal's).
    pub(super) fn on_lan(&self, req: &Request) -> bool {
        self.listeners.list[req.listener as usize].instances[req.instance as usize]
            .endpoint
            .host
            .is_some()
    }

    /// True while request `req` opens its connection and its SYN has not been accepted: on
    /// the wire, at the adapter, or waiting to retransmit it.
    pub(super) fn connecting(&self, req: &Request) -> bool {
        req.conn.opens && matches!(self.leg(req), Leg::WireIn | Leg::LanIn { .. } | Leg::Admit)
    }

    /// Request `r`'s connection is reset by PIF fault `index`: charged to it.
    pub(super) fn reset_for(&mut self, index: usize, r: RequestId, s: &mut Scheduler<Event>) {
        let current = self.faults.current.replace(index);
        self.reset(r, s);
        self.faults.current = current;
    }

    /// The frame of request `r` at its LAN leg was lost at a failed port. A SYN is sent again
    /// by the client's SYN timer, or the connection is refused after the last; a frame of an
    /// established connection `tcp_rto` later, unless its IP host is known to be down for its
    /// address (then its connection is reset). A request whose connection is gone already
    /// leaves. Returns true if the request has left.
    pub(super) fn frame_lost(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let now = s.now();
        let req = self.requests.get(r);
        let port = usize::from(self.lan.carrier(req.pif));
        let fault = self.faults.pif_fault[port];
        if let Some(f) = fault {
            self.faults.frames_lost[f] += 1;
        }
        let syn = req.conn.opens && matches!(self.leg(req), Leg::LanIn { .. });
        if req.lost || (req.client_gone && syn) {
            // Its connection is gone, or no one retransmits its SYN: it holds nothing here.
            self.requests.remove(r);
            return true;
        }
        if syn {
            if req.conn.syn_attempts >= self.stack.syn_retries {
                self.client_waits(r, s);
                // Its requester's retry policy may reissue it (charged to the port's fault).
                let current = std::mem::replace(&mut self.faults.current, fault);
                let reissued = self.retry_after_fault(r, Why::Refused, s);
                self.faults.current = current;
                if reissued {
                    self.requests.remove(r);
                    return true;
                }
                self.rec.refused(now);
                if let Some(f) = fault {
                    self.faults.charge_to(f, Why::Refused);
                }
                self.request_finished(r, true, s);
                return true;
            }
            let req = self.requests.get_mut(r);
            req.conn.syn_attempts += 1;
            let retry = s.schedule_in(
                self.stack.syn_timeout(req.conn.syn_attempts),
                Event::SynRetry(r),
            );
            req.at = Location::Backlog { retry };
            return false;
        }
        if self.lan.pifs[port].state == PortState::Detected {
            // No partner took the address: the connection is known dead.
            let f = fault.expect("a detected port has its fault");
            let current = self.faults.current.replace(f);
            self.fault_failed(r, Why::Reset, s);
            self.faults.current = current;
            self.requests.remove(r);
            return true;
        }
        let step = s.schedule_in(self.lan.tcp_rto, Event::Retransmit(r));
        self.requests.get_mut(r).at = Location::Retransmit { step };
        false
    }

    /// TCP sends the lost frame of request `r` again, on the port carrying its address now.
    #[cold]
    #[inline(never)]
    pub(super) fn retransmit(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        if self.requests.get(r).lost {
            // Its connection was reset meanwhile: nothing is sent.
            self.requests.remove(r);
            return;
        }
        self.run(r, s);
    }

    /// The leg request `req` is on.
    fn leg(&self, req: &Request) -> Leg {
        self.listeners.list[req.listener as usize].instances[req.instance as usize]
            .path
            .leg(req.leg)
    }
}
