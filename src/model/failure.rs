//! Processor failure and reload, driven through the node: the one place that turns the
//! timeline of `fault.rs` into each subsystem's life-cycle verbs (faults.md A.1 to A.4, A.10).
//!
//! Models, per processor fault:
//! - **Failure** (`Phase::Fail`): [F] the processor stops (`Cpus::fail`). Work held by its
//!   processes that are down is held *in limbo*: nothing answers it, and I/O issued there never
//!   completes. [I] A pair's requests wait for its backup. Work sent later to a process that is
//!   down is swallowed (`Cpus::take_swallowed`) and joins the limbo. Nobody knows yet: SYNs
//!   still reach its listeners, where they are lost and the client retransmits (A.1).
//! - **Detection** (`Phase::Detect`, U(1, 2] I'm-alive periods plus the regroup later): every
//!   request in limbo there, or held there by Pathway, fails: 904 with file-system error 201
//!   if it was at (or on its way to) a server, else a reset of its connection (A.4 [I]: the
//!   MASTER TCP6MON resets what reaches no listener). Every request whose connection belongs to
//!   a listener instance that died is reset too, wherever it is: it goes on until it holds
//!   nothing and then leaves, uncounted (`Request::lost`). Pathway drops links and servers and
//!   AUTORESTARTs (`pathway/fail.rs`); the round-robin filter (parallel stack) stops handing
//!   connections to the dead listeners. Under the conventional stack the clients keep
//!   addressing the IP host; with its distributor gone the connection is refused (A.4 [I]).
//! - **Takeover** (`Phase::TakeOver`, `takeover_delay` after detection): every pair there
//!   whose backup is up now runs in the backup's processor (PATHMON logs message 1077). [F] A
//!   conventional `$ZTCn` that takes over resets every established connection (V6MIG page-29):
//!   each request on one fails with a reset; listen sockets survive.
//! - **Reload** (`Phase::Reload`, then `Phase::Up` after `reload_duration`): the processor is up
//!   again; [I] its listeners and TCP/IP processes that died are restarted there by their
//!   monitor, and Pathway restarts its static servers there (`rebalance = off`: moved servers
//!   stay, faults.md A.7).
//!
//! Every failed request is counted once, with its reason, and charged to the latest processor
//! fault; conservation (`offered = completed + failed + in flight`) holds throughout.

use crate::engine::{Scheduler, SimTime};

use super::fault::{Phase, Planned, Why};
use super::ids::{ProcessorId, RequestId};
use super::listener::ListenerInstance;
use super::pathway::HeldAt;
use super::processor::{Health, ProcessKind, Work};
use super::request::Location;
use super::{Ctx, Event, Node};
use crate::scenario::{Rebalance, StackKind};

impl Node {
    /// Schedules every instant of the fault timeline (none without faults).
    pub(super) fn schedule_faults(&mut self, s: &mut Scheduler<Event>) {
        for (at, index, phase) in self.faults.instants() {
            s.schedule_at_unkeyed(at, Event::Fault { index, phase });
        }
    }

    /// The instant `phase` of fault `index` has come.
    #[cold]
    #[inline(never)]
    pub(super) fn fault(&mut self, index: usize, phase: Phase, s: &mut Scheduler<Event>) {
        if phase == Phase::Retry {
            return self.cip_retry(index, s);
        }
        if let Planned::Kill { .. } = self.faults.plan[index] {
            return self.process_kill(index, phase, s);
        }
        if let Planned::LcsKill { .. } = self.faults.plan[index] {
            return self.lcs_kill(index, phase, s);
        }
        if let Planned::PifDown { pif, .. } | Planned::PifUp { pif, .. } = self.faults.plan[index] {
            return self.pif_fault(index, pif, phase, s);
        }
        if let Planned::ClimDown { clim, .. } | Planned::ClimUp { clim, .. } =
            self.faults.plan[index]
        {
            return self.clim_fault(index, usize::from(clim), phase, s);
        }
        if phase == Phase::Fail
            && let Planned::Down { .. } = self.faults.plan[index]
            && self.faults.cpu[index].is_none()
        {
            let cpus = &self.cpus;
            self.faults.cpu[index] = self
                .faults
                .busiest(|c| cpus.is_up(ProcessorId(c)))
                .or(Some(0));
        }
        let cpu = ProcessorId(self.faults.cpu[index].expect("resolved above"));
        let now = s.now();
        let target = format!("processor {}", cpu.0);
        match phase {
            Phase::Fail => {
                if !self.cpus.is_up(cpu) {
                    self.faults.log(now, index, target, "already down");
                    self.faults.cpu[index] = None;
                    return;
                }
                self.faults.current = Some(index);
                self.processor_fails(cpu, s);
                self.faults.log(now, index, target, "failed");
            }
            Phase::Detect | Phase::TakeOver if self.faults.cpu[index].is_none() => {}
            Phase::Detect => {
                // What fails now is this fault's doing.
                self.faults.current = Some(index);
                self.faults.log(now, index, target.clone(), "detected");
                self.processor_declared_down(index, cpu, s);
            }
            Phase::TakeOver => {
                self.faults.current = Some(index);
                self.take_overs(index, cpu, s);
            }
            Phase::Reload => {
                if self.cpus.is_up(cpu) {
                    self.faults.log(now, index, target, "reload refused: up");
                    self.faults.cpu[index] = None;
                } else {
                    self.faults.log(now, index, target, "reload");
                }
            }
            Phase::Up => {
                if self.faults.cpu[index].is_some() && !self.cpus.is_up(cpu) {
                    self.processor_up(index, cpu, s);
                }
            }
            // (Handled above.)
            Phase::Retry => {}
        }
    }

    /// The processor stops: its dead processes' work goes to limbo, and the I/O they issued
    /// never completes.
    pub(super) fn processor_fails(&mut self, cpu: ProcessorId, s: &mut Scheduler<Event>) {
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        let lost = self.cpus.fail(cpu, &mut ctx);
        for w in lost.work {
            match w {
                Work::Request(r) => self.faults.limbo.push((cpu.0, r)),
                Work::Grant(link) => self.faults.grants.push((cpu.0, link)),
            }
        }
        let stopped: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, req)| {
                matches!(req.at, Location::Io { process, .. }
                    if self.cpus.processor_of(process) == cpu
                        && self.cpus.health(process) == Health::Down)
            })
            .map(|(r, _)| r)
            .collect();
        for r in stopped {
            if let Some(key) = self.requests.get(r).at.pending() {
                s.cancel(key);
            }
            self.faults.limbo.push((cpu.0, r));
        }
    }

    /// Work swallowed by dead processes since the last event: failed at once where the
    /// processor is known to be down, or is up (the process alone died: `process_kill`, a
    /// death the message system reports at once), else held in limbo until it is.
    #[cold]
    #[inline(never)]
    pub(super) fn reap_swallowed(&mut self, s: &mut Scheduler<Event>) {
        let swallowed: Vec<_> = self.cpus.take_swallowed().collect();
        for (cpu, work) in swallowed {
            let declared = self.faults.declared[cpu.0 as usize] || self.cpus.is_up(cpu);
            match (work, declared) {
                (Work::Request(r), true) => self.fail_held(r, s),
                (Work::Request(r), false) => self.faults.limbo.push((cpu.0, r)),
                (Work::Grant(link), true) => {
                    let mut pw = self.pathway_at(s);
                    pw.pathway.grant_lost(link, &mut pw.x);
                }
                (Work::Grant(link), false) => self.faults.grants.push((cpu.0, link)),
            }
        }
    }

    /// A request nothing holds any more (in limbo, or taken from Pathway) fails: 904/FS 201
    /// if it was at a server, else a reset; it leaves the node now.
    pub(super) fn fail_held(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        if let Location::Lcs { lcs } = self.requests.get(r).at {
            // Sent to an LCS that is down (`lcs_kill.rs`).
            return self.lcs_request_lost(lcs as usize, r, true, s);
        }
        let at_server = {
            let mut pw = self.pathway_at(s);
            pw.pathway.abort_send(r, &mut pw.x)
        };
        let why = if at_server { Why::Server } else { Why::Reset };
        self.fault_failed(r, why, s);
        self.requests.remove(r);
    }

    /// A fault failed request `r` for `why`: its client learns it now (unless it already has
    /// its outcome), counted once. The caller removes the request or marks it lost.
    pub(super) fn fault_failed(&mut self, r: RequestId, why: Why, s: &mut Scheduler<Event>) {
        if self.requests.get(r).answered() {
            return;
        }
        if !self.client_waits(r, s) {
            return;
        }
        if self.retry_after_fault(r, why, s) {
            // Reissued (`retry.rs`): not a failure; the client waits on.
            return;
        }
        let now = s.now();
        let req = self.requests.get(r);
        let (session, created) = (req.session, req.created);
        match why {
            Why::Reset => self.rec.reset(now),
            Why::Server | Why::Lcs => self.rec.send_failed(now, created, "904/201".into()),
            Why::Refused => self.rec.refused(now),
        }
        self.faults.charge(why);
        self.trace_ended(r, now, "failed");
        // Answered: counted as failed, no longer in flight, nothing it does counts again.
        self.requests.fail_at_server(r);
        self.session_after_request(session, true, s);
    }

    /// Request `r` is elsewhere but its connection is gone: its client has the error now; the
    /// request goes on until it holds nothing and then leaves (`Request::lost`).
    #[cold]
    #[inline(never)]
    pub(super) fn reset(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        if let Location::Backoff { .. } = self.requests.get(r).at {
            // A reissue waiting for its backoff holds no connection: its own will be new.
            return;
        }
        self.fault_failed(r, Why::Reset, s);
        if let Location::Backlog { retry } = self.requests.get(r).at
            && s.cancel(retry)
        {
            // A SYN waiting to be retransmitted is not sent again.
            self.requests.remove(r);
            return;
        }
        self.requests.get_mut(r).lost = true;
    }

    /// A SYN reached a listener that is down: lost (retransmitted) while its processor is not
    /// yet declared down, refused once it is (or at once when the listener alone was killed).
    /// Returns true if the request has left.
    #[cold]
    #[inline(never)]
    pub(super) fn syn_to_dead_listener(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let req = self.requests.get(r);
        let inst = &self.listeners.list[req.listener as usize].instances[req.instance as usize];
        let cpu = self.cpus.processor_of(inst.process);
        if self.faults.declared[cpu.0 as usize] || self.cpus.is_up(cpu) {
            // Charged to the fault that took this listener down, not to whatever came last.
            let blame = self.fault_that_downed(inst.process, s.now());
            let latest = std::mem::replace(&mut self.faults.current, blame);
            self.faults.current = self.faults.current.or(latest);
            self.fault_failed(r, Why::Refused, s);
            self.faults.current = latest;
            self.requests.remove(r);
            return true;
        }
        false
    }

    /// The fault that took process `p` down: the latest so far that killed it by name or
    /// failed its processor.
    fn fault_that_downed(&self, p: super::ProcessId, now: SimTime) -> Option<usize> {
        let name = &self.cpus.process(p).name;
        let cpu = self.cpus.processor_of(p).0;
        (0..self.faults.plan.len()).rev().find(|&f| {
            self.faults.plan[f].at() <= now
                && match &self.faults.plan[f] {
                    Planned::Kill { name: n, .. } => n == name,
                    Planned::Down { .. } => self.faults.cpu[f] == Some(cpu),
                    _ => false,
                }
        })
    }

    /// The processor is declared down: what it held fails, and each subsystem says what its
    /// loss means.
    fn processor_declared_down(
        &mut self,
        index: usize,
        cpu: ProcessorId,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        self.reap_swallowed(s);
        self.faults.declared[cpu.0 as usize] = true;
        let before = self.faults.tally[index].total();
        // What Pathway held there: its dead link managers' queues, its dead servers' queues.
        let held = {
            let mut pw = self.pathway_at(s);
            pw.pathway.take_requests_in(cpu, &mut pw.x)
        };
        for (r, at) in held {
            debug_assert!(at == HeldAt::Server || at == HeldAt::LinkQueue);
            self.fail_held(r, s);
        }
        // What nothing answered.
        let limbo: Vec<RequestId> = self
            .faults
            .limbo
            .iter()
            .filter(|&&(c, _)| c == cpu.0)
            .map(|&(_, r)| r)
            .collect();
        self.faults.limbo.retain(|&(c, _)| c != cpu.0);
        for r in limbo {
            self.fail_held(r, s);
        }
        let grants: Vec<_> = self
            .faults
            .grants
            .iter()
            .filter(|&&(c, _)| c == cpu.0)
            .map(|&(_, l)| l)
            .collect();
        self.faults.grants.retain(|&(c, _)| c != cpu.0);
        for link in grants {
            let mut pw = self.pathway_at(s);
            pw.pathway.grant_lost(link, &mut pw.x);
        }
        // Connections whose listener instance (or TCP/IP process) died, wherever their
        // request is.
        let dead: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, req)| !req.answered() && self.connection_dead(req.listener, req.instance))
            .map(|(r, _)| r)
            .collect();
        for r in dead {
            self.reset(r, s);
        }
        let lost = {
            let mut pw = self.pathway_at(s);
            pw.pathway.fail(cpu, &mut pw.x)
        };
        if self.stack.stack.shared_host() {
            self.listeners.set_down(cpu, true);
        }
        let target = format!("processor {}", cpu.0);
        self.log_losses(now, index, target, before, lost);
    }

    /// Logs what fault `index` cost at `now`: the requests it failed since its tally's total
    /// was `before`, and what Pathway lost.
    pub(super) fn log_losses(
        &mut self,
        now: crate::engine::SimTime,
        index: usize,
        target: String,
        before: u64,
        lost: super::pathway::Lost,
    ) {
        let failed = self.faults.tally[index].total() - before;
        let f = &mut self.faults;
        let rows = [
            ("requests failed", Some(failed)),
            ("servers lost", Some(lost.servers.into())),
            ("links dropped", Some(lost.links.into())),
            (
                "autorestart",
                (lost.restarting > 0).then_some(lost.restarting.into()),
            ),
            (
                "916",
                (lost.not_restarted > 0).then_some(lost.not_restarted.into()),
            ),
        ];
        for (event, count) in rows {
            if count.is_some() {
                f.log_counted(now, index, target.clone(), event, count, None);
            }
        }
    }

    /// True when the listener instance's process, or the TCP/IP process owning its sockets,
    /// is down.
    pub(super) fn connection_dead(&self, listener: u16, instance: u32) -> bool {
        let inst = &self.listeners.list[listener as usize].instances[instance as usize];
        self.cpus.health(inst.process) == Health::Down
            || inst
                .endpoint
                .tcpip
                .is_some_and(|t| self.cpus.health(t) == Health::Down)
    }

    /// The backups of the pairs in `cpu` take over; a conventional TCP/IP process resets its
    /// established connections.
    fn take_overs(&mut self, index: usize, cpu: ProcessorId, s: &mut Scheduler<Event>) {
        let taking: Vec<_> = (0..self.cpus.processes().len())
            .map(|p| super::ProcessId(p as u32))
            .filter(|&p| {
                self.cpus.processor_of(p) == cpu && self.cpus.health(p) == Health::TakingOver
            })
            .collect();
        for p in taking {
            self.take_over(index, p, s);
        }
    }

    /// The backup of `p` takes over, unless `p` is a listener under the parallel stack whose
    /// backup's processor already has a listener on its port: [F] that backup cannot listen
    /// (V6-24 page-114), the takeover fails and `p` dies. True if it took over.
    pub(super) fn take_over(
        &mut self,
        index: usize,
        p: super::ProcessId,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let proc_ = self.cpus.process(p);
        let (kind, name) = (proc_.kind, proc_.name.clone());
        let backup = proc_.pair.expect("a process taking over is a pair").backup;
        let listener = matches!(kind, ProcessKind::Distributor | ProcessKind::Listener);
        let cpus = &self.cpus;
        if listener
            && self.stack.stack == StackKind::Parallel
            && self
                .listeners
                .port_taken(p, backup, |q| cpus.health(q) == Health::Up)
        {
            let now = s.now();
            self.faults.log(now, index, name.clone(), "takeover failed");
            let work = self.cpus.takeover_failed(p);
            let before = self.faults.tally[index].total();
            let lost = self.process_died(p, kind, work, s);
            self.log_losses(now, index, name, before, lost);
            return false;
        }
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        self.cpus.take_over(p, &mut ctx);
        self.took_over(index, p, s);
        true
    }

    /// The backup of `p` has taken over: logged (message 1077 for a PATHMON); a conventional
    /// TCP/IP process resets its established connections [F] (V6MIG page-29); a listener is
    /// back in the round-robin filter in its new processor, and under the parallel stack its
    /// connections are reset [F] (the backup gets ECONNRESET on its first socket call and
    /// closes the socket, V6-24), while under the conventional stack its backup continues on
    /// the sockets its TCP/IP process keeps [F] (A.4).
    pub(super) fn took_over(
        &mut self,
        index: usize,
        p: super::ProcessId,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        let proc_ = self.cpus.process(p);
        let (name, kind) = (proc_.name.clone(), proc_.kind);
        let message = (kind == ProcessKind::Pathmon).then_some(1077);
        self.faults
            .log_counted(now, index, name, "takeover", None, message);
        if matches!(
            kind,
            ProcessKind::Distributor | ProcessKind::Listener | ProcessKind::TcpIp
        ) {
            // The hop between a `$ZTCn` and its listeners, and the redirector a listener
            // sends through, are priced from where they run now.
            if kind != ProcessKind::TcpIp {
                self.listeners.process_moved(p, self.cpus.processor_of(p));
            }
            self.listeners.repath(&self.cpus, &self.stack);
        }
        if matches!(kind, ProcessKind::Distributor | ProcessKind::Listener)
            && self.stack.stack.shared_host()
        {
            self.reset_connections(index, p, s, |inst| inst.process == p);
        }
        if kind == ProcessKind::TcpIp {
            self.reset_connections(index, p, s, |inst| inst.endpoint.tcpip == Some(p));
        }
        if kind == ProcessKind::Tcp {
            // A Pathway/XM TCP is a link manager: its link managers move with it.
            self.pathway.tcp_moved(p, self.cpus.processor_of(p).0);
        }
    }

    /// Resets every unanswered request whose connection's listener instance `mine` accepts
    /// (the connections `p` held), and logs how many.
    fn reset_connections(
        &mut self,
        index: usize,
        p: super::ProcessId,
        s: &mut Scheduler<Event>,
        mine: impl Fn(&ListenerInstance) -> bool,
    ) {
        let held: Vec<RequestId> = self
            .requests
            .iter()
            .filter(|(_, req)| {
                !req.answered()
                    && mine(
                        &self.listeners.list[req.listener as usize].instances
                            [req.instance as usize],
                    )
            })
            .map(|(r, _)| r)
            .collect();
        let n = held.len() as u64;
        for r in held {
            self.reset(r, s);
        }
        let name = self.cpus.process(p).name.clone();
        self.faults
            .log_counted(s.now(), index, name, "connections reset", Some(n), None);
    }

    /// The reloaded processor is up: its listeners, TCP/IP processes and PATHMONs that died are
    /// restarted there, and Pathway restarts its static servers there.
    fn processor_up(&mut self, index: usize, cpu: ProcessorId, s: &mut Scheduler<Event>) {
        let now = s.now();
        self.cpus.reload(cpu);
        self.faults.declared[cpu.0 as usize] = false;
        let restart: Vec<_> = (0..self.cpus.processes().len())
            .map(|p| super::ProcessId(p as u32))
            .filter(|&p| {
                let proc_ = self.cpus.process(p);
                proc_.processor == cpu
                    && proc_.health == Health::Down
                    && proc_.kind != ProcessKind::Server
            })
            .collect();
        for &p in &restart {
            self.cpus.restart(p, cpu);
        }
        self.listeners.restarted(cpu);
        let servers = {
            let mut pw = self.pathway_at(s);
            pw.pathway.reload(cpu, &mut pw.x)
        };
        let target = format!("processor {}", cpu.0);
        self.faults.log(now, index, target.clone(), "reloaded");
        self.faults.log_counted(
            now,
            index,
            target,
            "restarted",
            Some(restart.len() as u64 + u64::from(servers)),
            None,
        );
        match self.faults.rebalance {
            Rebalance::Off => {}
            Rebalance::Auto => self.rebalance(index, cpu, s),
            Rebalance::Manual(after) => s.schedule_in_unkeyed(
                after,
                Event::Rebalance {
                    cpu: u16::try_from(cpu.0).expect("fewer than 65536 processors"),
                    fault: u16::try_from(index).expect("fewer than 65536 faults"),
                },
            ),
        }
    }

    /// The static servers AUTORESTART moved out of reloaded processor `cpu` move back
    /// (`[faults] rebalance`, faults.md A.7): logged as `rebalance` with how many move, and
    /// each as `rebalanced` once it runs there (charged, as AUTORESTART's rows, to the latest
    /// failure). Nothing moves if `cpu` has failed again.
    pub(super) fn rebalance(&mut self, index: usize, cpu: ProcessorId, s: &mut Scheduler<Event>) {
        let n = {
            let mut pw = self.pathway_at(s);
            pw.pathway.rebalance(cpu, &mut pw.x)
        };
        let target = format!("processor {}", cpu.0);
        self.faults.log_counted(
            s.now(),
            index,
            target,
            "rebalance",
            Some(u64::from(n)),
            None,
        );
    }

    /// The link managers' I/O to lost PATHMON `pm` has timed out: they drop its links
    /// (`pathway/fail.rs`), logged against the latest fault.
    #[cold]
    #[inline(never)]
    pub(super) fn pathmon_io_timeout(&mut self, pm: u32, s: &mut Scheduler<Event>) {
        let dropped = {
            let mut pw = self.pathway_at(s);
            pw.pathway.pathmon_io_timed_out(pm as usize, &mut pw.x)
        };
        if let (Some(n), Some(f)) = (dropped, self.faults.current) {
            let name = self.pathway.pathmon_name(pm as usize).to_string();
            self.faults.log_counted(
                s.now(),
                f,
                name,
                "link manager timeout",
                Some(u64::from(n)),
                None,
            );
        }
    }

    /// AUTORESTART's new process for server `server` is up.
    #[cold]
    #[inline(never)]
    pub(super) fn server_restarted(&mut self, server: u32, s: &mut Scheduler<Event>) {
        let how = {
            let mut pw = self.pathway_at(s);
            pw.pathway.server_restarted(server as usize, &mut pw.x)
        };
        let name = self
            .cpus
            .process(self.pathway.server_process(server))
            .name
            .clone();
        self.faults.restarted(s.now(), name, how);
    }
}
