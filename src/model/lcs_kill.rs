//! `lcs_kill`: a Pathway/XM LCS dies and its PATHMON restarts it (faults.md A.9; seed 003,
//! "Availability"; AVAIL page-164/165), driven through Pathway's LCS verbs (`pathway/lcs.rs`)
//! as a process kill is (`kill.rs`).
//!
//! Models:
//! - **No detection delay** [F]: the message system reports a process death at once (AVAIL
//!   p. 7-10), so what the LCS held is lost at `at`.
//! - **What is lost** [F seed 003]: "all pending transactions sent to the LCS process are
//!   lost and must be retried". [I] A requester's send to a distributed class is an I/O on its
//!   open of the LCS, answered by the LCS, so every send the LCS has not answered is pending
//!   there: those in its queue, in its receive or forward burst, on their way to it, and [I]
//!   those it forwarded to a server that has not replied yet. Each gets 904 with file-system
//!   error 201 ([I], faults.md A.9: "a communication error") and is retried or failed by the
//!   terminals' retry policy (`pathway_xm.retry`, `retry.rs`), counted per fault
//!   (`requests_lost`, `retried`) and per LCS (`requests_lost`). It reached a server only if
//!   the LCS had forwarded it (so a non-idempotent one the LCS had only queued is always
//!   reissued).
//! - **Requests in service** [I]: the server does not know its LCS died: it finishes the
//!   request (its CPU and I/O are spent) and its reply is discarded, as after a TIMEOUT.
//! - **While it is down** [I]: a send reaching the dead LCS fails at once with 904/201, the
//!   same error, charged to its latest `lcs_kill`.
//! - **Restart** [F]: its PATHMON restarts it after its `process_creation`, [I] in the same
//!   processor, with empty queue and fresh arrival and service averages; it asks the process
//!   broker for its NUMSTATIC share at once and for more as its controller wants. The class
//!   stays available.
//! - **Its reservations** [?] (`[faults] lcs_reservations`): `"held"` (default) keeps them at
//!   the PB until they expire (their servers take no new request and count against
//!   MAXSERVERS; a busy one finishes first), `"released"` ends them at once (see `lcs.rs`).
//!
//! Simplifies: the PATHMON is assumed up (validation refuses failures of processors hosting
//! PATHMONs or LCSs); a second `lcs_kill` of an LCS that is down logs `not running`.

use crate::engine::Scheduler;

use super::fault::{Phase, Planned, Why};
use super::ids::RequestId;
use super::itinerary::Leg;
use super::processor::{Health, Work};
use super::{Ctx, Event, Node};

impl Node {
    /// The instant `phase` of `lcs_kill` fault `index`: the death (`Fail`), or the restart
    /// by its PATHMON (`Up`).
    #[cold]
    #[inline(never)]
    pub(super) fn lcs_kill(&mut self, index: usize, phase: Phase, s: &mut Scheduler<Event>) {
        let Planned::LcsKill { ref name, .. } = self.faults.plan[index] else {
            unreachable!("an lcs_kill fault")
        };
        let name = name.clone();
        let now = s.now();
        let lcs = self
            .pathway
            .lcs_named(&crate::scenario::lcs_process_name(&name))
            .expect("validated: an LCS of the scenario");
        let p = self.pathway.lcs_process(lcs as u32);
        let target = self.cpus.process(p).name.clone();
        match phase {
            Phase::Fail => {
                if self.cpus.health(p) != Health::Up {
                    self.faults.log(now, index, target, "not running");
                    return;
                }
                self.faults.cpu[index] = Some(self.cpus.processor_of(p).0);
                self.faults.current = Some(index);
                if self.faults.lcs_fault.len() <= lcs {
                    self.faults.lcs_fault.resize(lcs + 1, None);
                }
                self.faults.lcs_fault[lcs] = Some(index);
                self.faults.log(now, index, target.clone(), "killed");
                let mut ctx = Ctx {
                    sched: s,
                    rec: &mut self.rec,
                };
                let in_burst: Vec<RequestId> = self
                    .cpus
                    .kill(p, &mut ctx)
                    .into_iter()
                    .map(|w| match w {
                        Work::Request(r) => r,
                        Work::Grant(_) => unreachable!("an LCS grants no link"),
                    })
                    .collect();
                let (queued, creation) = {
                    let mut pw = self.pathway_at(s);
                    pw.pathway.lcs_killed(lcs, &in_burst, &mut pw.x)
                };
                let before = self.faults.lcs_lost[index];
                for r in in_burst.into_iter().chain(queued) {
                    self.lcs_request_lost(lcs, r, true, s);
                }
                // Forwarded to a server and not answered: the server finishes, its reply is
                // discarded.
                let forwarded: Vec<RequestId> = self
                    .requests
                    .iter()
                    .filter(|(_, req)| {
                        !req.answered()
                            && req.send.server.is_some()
                            && self.pathway.lcs_of_route(req.send.route) == Some(lcs)
                            && {
                                let legs = &self.listeners.list[req.listener as usize].instances
                                    [req.instance as usize]
                                    .path
                                    .legs;
                                legs.iter()
                                    .position(|l| matches!(l, Leg::Release))
                                    .is_some_and(|release| usize::from(req.leg) < release)
                            }
                    })
                    .map(|(r, _)| r)
                    .collect();
                for r in forwarded {
                    self.lcs_request_lost(lcs, r, false, s);
                }
                let lost = self.faults.lcs_lost[index] - before;
                self.faults.log_counted(
                    now,
                    index,
                    target,
                    "requests lost at death",
                    Some(lost),
                    None,
                );
                s.schedule_in_unkeyed(
                    creation,
                    Event::Fault {
                        index: u16::try_from(index).expect("fewer than 65536 faults"),
                        phase: Phase::Up,
                    },
                );
            }
            Phase::Up => {
                if self.cpus.health(p) != Health::Down {
                    return;
                }
                let cpu = self.cpus.processor_of(p);
                self.cpus.restart(p, cpu);
                self.faults.lcs_up[index] = Some(now);
                self.faults.log(now, index, target.clone(), "restarted");
                // With the sends that reached it while it was down: `requests_lost` in
                // summary.json.
                let lost = self.faults.lcs_lost[index];
                self.faults.log_counted(
                    now,
                    index,
                    target,
                    "requests lost in all",
                    Some(lost),
                    None,
                );
                let mut pw = self.pathway_at(s);
                pw.pathway.lcs_restarted(lcs, &mut pw.x);
            }
            _ => unreachable!("an LCS kill has a death and a restart"),
        }
    }

    /// Request `r`, sent to LCS `lcs`, is lost with it: 904/201 to its requester, which
    /// retries it or fails it, charged to the LCS's latest `lcs_kill`. `remove`: it leaves
    /// now (it is nowhere else); otherwise a server holds it and discards its reply.
    pub(super) fn lcs_request_lost(
        &mut self,
        lcs: usize,
        r: RequestId,
        remove: bool,
        s: &mut Scheduler<Event>,
    ) {
        self.pathway.lcs_count_lost(lcs);
        let blame = self.faults.lcs_fault.get(lcs).copied().flatten();
        if let Some(f) = blame {
            self.faults.lcs_lost[f] += 1;
        }
        let latest = self.faults.current;
        self.faults.current = blame.or(latest);
        self.fault_failed(r, Why::Lcs, s);
        self.faults.current = latest;
        if remove {
            self.requests.remove(r);
        }
    }
}
