//! `process_kill`: one process dies while its processor runs on (faults.md A.2, A.3, A.5 to
//! A.7), driven through the subsystems' life-cycle verbs as a processor failure is
//! (`failure.rs`).
//!
//! Models:
//! - **No detection delay** [F]: the message system reports a process death at once
//!   (Process-Deletion message, AVAIL p. 7-10), so what the process held fails at `at`, and
//!   work sent to it later fails as it arrives (`Node::reap_swallowed`).
//! - **A pair** (a PATHMON with a `backup`, a conventional `$ZTCn`, a listener with `pair`)
//!   whose backup's processor is up is taken over by its backup [F] (AVAIL p. 7-10)
//!   `takeover_delay` after the death ([?]/[I], A.3); [I] its work waits and runs in the
//!   backup's processor after the takeover, the interrupted burst from its beginning. A
//!   PATHMON taking over grants no link meanwhile, while open links work [I]; it logs message
//!   1077. A `$ZTCn` that takes over resets every established connection [F] (V6MIG page-29)
//!   and keeps its listen sockets. A listener's takeover is `Node::take_over`'s (failure.rs):
//!   under the parallel stack its connections are reset, and it fails where another listener
//!   has its port.
//! - **A process that is not a pair** (or whose backup's processor is down) dies:
//!   - every request whose work it held (a burst, an I/O it issued) fails: 904 with
//!     file-system error 201 if it was at or on its way to a server (PS-J page-122) [F], else a
//!     reset of its connection;
//!   - a **server**: every send outstanding at it (on its way, in its $RECEIVE queue, being
//!     served, in its I/O) fails with 904/FS 201 [F]; the link managers drop their links to it
//!     [F] (A.6); AUTORESTART restarts a static one after `process_creation`, [I] in its own
//!     processor first (a process death leaves it up), within its limit of n in 10 minutes [F]
//!     (TSMP-SM page-247; the kill counts against it); a dynamic one is created again on
//!     demand;
//!   - a **listener instance** (distributor or parallel listener) or a **TCP/IP process**:
//!     every connection through it is reset, wherever its request is (the request goes on until
//!     it holds nothing, as after a processor failure); under the parallel stack the
//!     round-robin filter skips the dead listener [I]; under the conventional stack a SYN to
//!     its IP host finds no listener and is refused [I] (A.4);
//!   - a **PATHMON** whose both halves are gone grants nothing [I]: its grants in progress are
//!     lost, and its link managers' waiting requests with no link fail with 902, file-system
//!     error 14 (its processor is up) [F] (faults.md A.5; `pathway/pathsend.rs`).
//!
//! Simplifies: a process that dies stays dead until its processor is reloaded (no monitor
//! restarts a listener or a TCP/IP process, A.10 [I]); a pair's backup is not re-created.
//! Pathway/XM processes are not killed yet.

use crate::engine::Scheduler;

use super::fault::{Phase, Planned};
use super::ids::{ProcessId, RequestId};
use super::pathway::Lost;
use super::processor::{Health, ProcessKind, Work};
use super::request::Location;
use super::{Ctx, Event, Node};

impl Node {
    /// The instant `phase` of `process_kill` fault `index`: the death (`Fail`), or the end of a
    /// pair's takeover (`TakeOver`).
    #[cold]
    #[inline(never)]
    pub(super) fn process_kill(&mut self, index: usize, phase: Phase, s: &mut Scheduler<Event>) {
        let Planned::Kill { ref name, .. } = self.faults.plan[index] else {
            unreachable!("a process_kill fault")
        };
        let name = name.clone();
        let now = s.now();
        match phase {
            Phase::Fail => self.kill(index, name, s),
            Phase::TakeOver => {
                let Some(p) = self.cpus.find(&name) else {
                    return;
                };
                if self.faults.cpu[index].is_none() || self.cpus.health(p) != Health::TakingOver {
                    return;
                }
                self.faults.current = Some(index);
                if self.take_over(index, p, s) {
                    self.faults.kill_takeover[index] = Some(now);
                }
            }
            _ => unreachable!("a kill has a death and a takeover"),
        }
    }

    /// Process `name` dies now: a pair starts its takeover; any other process is down, and
    /// what it held fails.
    fn kill(&mut self, index: usize, name: String, s: &mut Scheduler<Event>) {
        let now = s.now();
        let running = self.cpus.find(&name).filter(|&p| {
            self.cpus.health(p) == Health::Up
                && (self.cpus.process(p).kind != ProcessKind::Server
                    || self
                        .pathway
                        .server_of(p)
                        .is_some_and(|sv| self.pathway.server_running(sv)))
        });
        let Some(p) = running else {
            self.faults.log(now, index, name, "not running");
            return;
        };
        let proc_ = self.cpus.process(p);
        let (kind, cpu) = (proc_.kind, proc_.processor);
        let backup_up = proc_.pair.is_some_and(|pair| self.cpus.is_up(pair.backup));
        self.faults.cpu[index] = Some(cpu.0);
        self.faults.current = Some(index);
        self.faults.log(now, index, name.clone(), "killed");
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        if backup_up {
            self.cpus.kill_primary(p, &mut ctx);
            return;
        }
        let work = self.cpus.kill(p, &mut ctx);
        let before = self.faults.tally[index].total();
        let lost = self.process_died(p, kind, work, s);
        self.log_losses(now, index, name, before, lost);
    }

    /// Process `p` of kind `kind`, not a pair, has died holding `work`: each subsystem says
    /// what its death means. Returns what Pathway lost.
    pub(super) fn process_died(
        &mut self,
        p: ProcessId,
        kind: ProcessKind,
        work: Vec<Work>,
        s: &mut Scheduler<Event>,
    ) -> Lost {
        let mut held: Vec<RequestId> = Vec::new();
        for w in work {
            match w {
                Work::Request(r) => held.push(r),
                Work::Grant(link) => {
                    let mut pw = self.pathway_at(s);
                    pw.pathway.grant_lost(link, &mut pw.x);
                }
            }
        }
        // The I/O it issued never completes.
        for (r, req) in self.requests.iter() {
            if let Location::Io { process, step } = req.at
                && process == p
            {
                s.cancel(step);
                held.push(r);
            }
        }
        let server = (kind == ProcessKind::Server).then(|| {
            self.pathway
                .server_of(p)
                .expect("a server process is one of Pathway's")
        });
        if let Some(sv) = server {
            // Every send outstanding at it: on its way there, in its $RECEIVE queue, being
            // served or in its I/O (the last two are in `held` already).
            let _queue = self.pathway.take_server_queue(sv);
            let at: Vec<RequestId> = self
                .requests
                .iter()
                .filter(|(_, req)| req.send.link.is_some() && req.send.server == Some(sv as u32))
                .map(|(r, _)| r)
                .collect();
            for r in at {
                if held.contains(&r) {
                    continue;
                }
                if let Some(key) = self.requests.get(r).at.pending() {
                    s.cancel(key);
                }
                held.push(r);
            }
        }
        for r in held {
            self.fail_held(r, s);
        }
        let mut lost = Lost::default();
        match kind {
            ProcessKind::Server => {
                let mut pw = self.pathway_at(s);
                lost = pw
                    .pathway
                    .kill_server(server.expect("set above"), &mut pw.x);
            }
            ProcessKind::Pathmon => {
                let mut pw = self.pathway_at(s);
                pw.pathway.pathmons_changed(&mut pw.x);
            }
            ProcessKind::Distributor | ProcessKind::Listener | ProcessKind::TcpIp => {
                // Connections through it, wherever their request is.
                let dead: Vec<RequestId> = self
                    .requests
                    .iter()
                    .filter(|(_, req)| {
                        !req.answered() && self.connection_dead(req.listener, req.instance)
                    })
                    .map(|(r, _)| r)
                    .collect();
                for r in dead {
                    self.reset(r, s);
                }
                if self.stack.stack.shared_host() && kind != ProcessKind::TcpIp {
                    self.listeners.process_down(p);
                }
            }
            ProcessKind::Tcp | ProcessKind::Acs | ProcessKind::Clim | ProcessKind::Lcs => {
                unreachable!(
                    "Pathway/XM processes (TCPs, LCSs), ACS redirectors and CLIM stacks are not in the kill list"
                )
            }
        }
        lost
    }
}
