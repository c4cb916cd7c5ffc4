//! NonStop processors and the processes that run in them.
//!
//! Models: a processor with `cores` cores and a priority run queue. By default every process is
//! a single-threaded consumer of CPU, as NonStop processes are: it has a FIFO of CPU bursts and
//! runs at most one burst at a time, on one core. A processor dispatches ready processes
//! highest priority first (NonStop priorities: 1-199, higher runs first) and first-come
//! first-served within a priority, which makes processes of equal priority take turns burst
//! by burst.
//!
//! Threads: a processor type may give a process kind `threads` T > 1 (a what-if [I]). A
//! process of that kind then runs up to min(T, cores) of its bursts at once, each on its own
//! core, starting them in FIFO order; each thread that has a burst to run waits in the run
//! queue as a process would (so the running bursts are always the oldest ones, a prefix of
//! its FIFO, and they may end in any order). Its busy time is the sum over its bursts, so a
//! T-thread process can be up to T x 100 % busy. A single-threaded process keeps its own
//! path (`running`) and never looks at the threads' state.
//!
//! Processor types: each processor has a speed factor and a dispatch cost. A burst whose cost
//! (as the scenario writes it, for the baseline processor) is `c` holds a core for
//! `round(c / speed) + dispatch_cpu` on that processor. Every CPU figure the processor and its
//! processes report (busy time, `cpu_total_ns`) is in that scaled time, the time the core was
//! really occupied, so the conservation check (processes' busy time = processor's busy time)
//! holds unchanged. A burst of zero cost is never submitted (no event for a zero-cost step), so
//! it pays no dispatch cost either. With speed 1 and no dispatch cost (the default) the
//! arithmetic is skipped and every number is as before. A type may give a speed per kind of
//! cost ([`CpuSplit`]: message system, TCP/IP, application): a burst then holds its core for
//! the sum of each part's cost / its kind's speed (each rounded to the nanosecond) plus
//! `dispatch_cpu`; with every kind at `speed` this is the single-speed formula, to the
//! nanosecond.
//!
//! Simplifies: dispatching is non-preemptive at burst granularity (a burst that has started runs
//! to its end; bursts here are tens to hundreds of microseconds, shorter than a dispatcher
//! quantum); no context-switch cost beyond `dispatch_cpu` and what the message system and TCP/IP
//! costs already include; no memory, cache or page-fault effects; the cores of a processor are
//! identical and share one run queue (no affinity).
//!
//! [`Cpus`] owns every processor and process: `spawn` adds a process, `submit` queues a burst
//! (scheduling `BurstDone` when a core takes it), `burst_done` frees the core, starts the next
//! ready burst and returns the [`Work`] the node continues with.
//!
//! Life cycle: every processor is up or down, every process has a [`Health`] (up, down, taking
//! over) whose changes are asserted, and a process the product runs as a pair (PATHMON, a
//! `$ZTCn`, Pathway/XM's PATHMONs and TCPs) knows its backup's processor ([`Pair`]).
//! `fail(cpu)` is what a processor failure means to the processors: the processor stops, its
//! running bursts are cancelled (their CPU so far is accounted, so CPU conservation holds),
//! and it returns the [`Lost`] processes and the work the bursts of the dead ones carried, for
//! the other subsystems to decide what that work means to them. A process whose pair has its
//! backup in a processor that is up is taking over (the takeover itself, `take_over`, is the
//! fault model's decision of when): [I] its bursts wait, and run in the backup's processor
//! after the takeover, the interrupted one from its beginning (the file system redirects a
//! pair's requests to its backup). Any other process there is down, and its bursts are lost.
//! Work later sent to a down process is swallowed ([`Cpus::take_swallowed`]): nothing
//! answers it, as nothing answers a message to a failed processor (faults.md A.1); the node
//! decides when the sender learns of it. `reload(cpu)` brings the processor back, empty: what
//! restarts in it is each subsystem's decision. No burst ever runs in a process that is not
//! up.
//! Busy time stays with the processor where it was spent: a process that moves (`take_over`,
//! `restart` elsewhere) leaves its busy time so far in its old processor's `departed_ns`, so
//! each processor's busy time by kind still equals the CPU its cores consumed.

use std::collections::VecDeque;

use crate::engine::{ActionKey, SimDuration, SimTime};

use super::ids::{LinkId, ProcessId, ProcessorId, RequestId};
use super::{Ctx, Event};
use crate::stats::{KindShare, ProcessResult, ProcessorResult};

/// What a process is, for CPU accounting by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProcessKind {
    /// A conventional TCP/IP process (`$ZTCn`).
    TcpIp,
    /// A distributor: accepts connections and relays requests through Pathsend.
    Distributor,
    /// A parallel listener doing the request's work in-process.
    Listener,
    /// A Pathway server process.
    Server,
    /// A PATHMON (grants links).
    Pathmon,
    /// A Pathway/XM terminal control process (TCP).
    Tcp,
    /// The ACS redirector (ROUT, `$ZLnn`) of a processor, when it is charged CPU per send
    /// (`pathway.redirector_cpu`); listed in results only where one exists.
    Acs,
    /// The protocol stack on a CLIM (CIP), one process per CLIM core (`clim.rs`); listed in
    /// results only where CLIMs exist.
    Clim,
    /// A Pathway/XM LCS (the proxy server of a distributed class); listed in results only
    /// where one exists.
    Lcs,
}

impl ProcessKind {
    /// Every kind, in reporting order.
    pub const ALL: [ProcessKind; 9] = [
        ProcessKind::TcpIp,
        ProcessKind::Distributor,
        ProcessKind::Listener,
        ProcessKind::Server,
        ProcessKind::Pathmon,
        ProcessKind::Tcp,
        ProcessKind::Acs,
        ProcessKind::Clim,
        ProcessKind::Lcs,
    ];

    /// Lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            ProcessKind::TcpIp => "tcpip",
            ProcessKind::Distributor => "distributor",
            ProcessKind::Listener => "listener",
            ProcessKind::Server => "server",
            ProcessKind::Pathmon => "pathmon",
            ProcessKind::Tcp => "tcp",
            ProcessKind::Acs => "acs",
            ProcessKind::Clim => "clim",
            ProcessKind::Lcs => "lcs",
        }
    }
}

/// What a burst is for: what continues when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// A step of a request's journey.
    Request(RequestId),
    /// A PATHMON granting a link.
    Grant(LinkId),
}

/// One CPU burst waiting for (or running on) a core.
#[derive(Clone, Copy, Debug)]
pub struct Burst {
    /// CPU time the burst needs.
    pub demand: SimDuration,
    /// What continues when it ends.
    pub work: Work,
    /// When the burst was queued (for run-queue wait statistics).
    pub queued_at: SimTime,
}

/// A process's health. Transitions, each asserted: `Up -> Down` (its processor failed and it
/// has no backup, or it was killed), `Up -> TakingOver` (its processor failed and its backup's
/// is up), `TakingOver -> Up` (the backup has taken over), `TakingOver -> Down` (the backup's
/// processor failed too), `Down -> Up` (restarted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "Down and TakingOver are reached through the fault model"
)]
pub enum Health {
    /// Running: may be given work.
    Up,
    /// Gone; holds no burst and gets no event.
    Down,
    /// Its primary is gone and its backup is taking over: it holds no burst until it is up.
    TakingOver,
}

/// The backup half of a process pair: the process itself is the primary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The processor of the backup process.
    pub backup: ProcessorId,
}

/// The running burst of a process: the key of its end and when it took its core.
#[derive(Clone, Copy, Debug)]
pub struct Running {
    /// Its `BurstDone` event.
    pub key: ActionKey,
    /// When it took its core.
    pub since: SimTime,
}

/// A process: a name, a home processor, a priority, its threads and a FIFO of bursts.
#[derive(Debug)]
pub struct Process {
    /// Guardian-style name.
    pub name: String,
    /// Kind, for accounting.
    pub kind: ProcessKind,
    /// The processor it runs in.
    pub processor: ProcessorId,
    /// Dispatch priority (higher first).
    pub priority: u8,
    /// Bursts in arrival order; the front one is running when `running` is set (the first
    /// `thread_runs.len()` when it has several threads).
    pub bursts: VecDeque<Burst>,
    /// Single-threaded: while its front burst holds a core, that burst's end and start.
    pub running: Option<Running>,
    /// Bursts it may run at once: its kind's threads in its processor's type, at most the
    /// processor's cores (1: single-threaded, the default).
    pub threads: u32,
    /// With more than one thread: the running bursts, `thread_runs[i]` for `bursts[i]`
    /// (`running` is then always `None`).
    pub thread_runs: Vec<Running>,
    /// Up, down or taking over.
    pub health: Health,
    /// Its backup, if the product runs it as a pair (and it still has one).
    pub pair: Option<Pair>,
    /// CPU time used inside the measurement window [ns], wherever it ran.
    pub busy_ns: u64,
    /// The part of `busy_ns` it used in processors it has since left (a takeover, a
    /// restart elsewhere): counted by those processors, not by the one it is in now.
    pub busy_left_ns: u64,
    /// Bursts started inside the measurement window.
    pub bursts_started: u64,
    /// Summed run-queue wait of those bursts [ns].
    pub ready_wait_ns: u64,
    /// CPU time of every burst it finished, whole run [ns] (for conservation checks).
    pub cpu_total_ns: u64,
}

/// A burst's CPU cost as the scenario writes it (for the baseline processor), by the kind of
/// work, each kind scaled by its own speed on a processor of a type that gives one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuSplit {
    /// The ends of message-system messages.
    pub message_system: SimDuration,
    /// TCP/IP: protocol work, and the bursts of TCP/IP processes.
    pub tcpip: SimDuration,
    /// Everything else: listeners, distributors, TCPs, PATHMONs, servers' service.
    pub application: SimDuration,
}

impl CpuSplit {
    /// A cost that is all application work.
    pub fn application(cost: SimDuration) -> Self {
        CpuSplit {
            application: cost,
            ..CpuSplit::default()
        }
    }
    /// A cost that is all message-system work.
    pub fn message_system(cost: SimDuration) -> Self {
        CpuSplit {
            message_system: cost,
            ..CpuSplit::default()
        }
    }
    /// The whole cost.
    pub fn total(&self) -> SimDuration {
        self.message_system + self.tcpip + self.application
    }
}

/// A processor: cores and a run queue of ready processes.
#[derive(Debug)]
pub struct Processor {
    /// Cores.
    pub cores: u32,
    /// Speed relative to the baseline processor the costs are written for.
    pub speed: f64,
    /// Speeds per kind of cost, [message system, TCP/IP, application] (`CpuSplit`).
    pub kind_speeds: [f64; 3],
    /// CPU added to every burst for its dispatch (in this processor's time).
    pub dispatch: SimDuration,
    /// Cores not running a burst.
    pub idle_cores: u32,
    /// False from its failure until its reload.
    pub up: bool,
    /// CPU time its cores spent on bursts inside the measurement window [ns], accounted by
    /// the processor independently of the processes, for the CPU conservation check.
    pub busy_ns: u64,
    /// Per kind (`ProcessKind as usize`): the busy time inside the measurement window that
    /// processes which have since moved out (a takeover, a restart elsewhere) spent here [ns].
    /// Busy time stays with the processor where it was spent.
    pub departed_ns: [u64; ProcessKind::ALL.len()],
    /// Threads per process kind (`ProcessKind as usize`), each at most `cores`.
    pub threads: [u32; ProcessKind::ALL.len()],
    /// Ready processes (one entry per thread with a burst to start), highest priority first,
    /// then first-ready first.
    ready: RunQueue,
}

/// A ready process in a run queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ReadyEntry {
    process: u32,
}

/// A processor's run queue: highest priority first, first-ready first within a priority.
/// A processor's processes use a few priorities (one per kind, as configured), so it is a
/// short list of FIFOs in decreasing priority, not a heap that compares on every push and pop.
#[derive(Debug, Default)]
struct RunQueue {
    /// Each priority seen and its ready processes, in decreasing priority; a level stays
    /// when it empties (it is met again soon).
    levels: Vec<(u8, VecDeque<ReadyEntry>)>,
}

impl RunQueue {
    /// `process` is ready at `priority`: behind every ready process of that priority.
    fn push(&mut self, priority: u8, process: u32) {
        let i = match self.levels.iter().position(|&(p, _)| p <= priority) {
            Some(i) if self.levels[i].0 == priority => i,
            Some(i) => {
                self.levels.insert(i, (priority, VecDeque::new()));
                i
            }
            None => {
                self.levels.push((priority, VecDeque::new()));
                self.levels.len() - 1
            }
        };
        self.levels[i].1.push_back(ReadyEntry { process });
    }
    /// The first ready process of the highest priority that has one.
    fn pop(&mut self) -> Option<ReadyEntry> {
        self.levels.iter_mut().find_map(|(_, q)| q.pop_front())
    }
    /// Keeps the ready processes `keep` accepts, in their order.
    fn retain(&mut self, mut keep: impl FnMut(&ReadyEntry) -> bool) {
        for (_, q) in &mut self.levels {
            q.retain(&mut keep);
        }
    }
    /// Empties the queue.
    fn clear(&mut self) {
        for (_, q) in &mut self.levels {
            q.clear();
        }
    }
}

impl Processor {
    /// A processor with `cores` idle cores.
    pub fn new(cores: u32) -> Self {
        assert!(cores >= 1, "a processor needs a core");
        Processor {
            cores,
            speed: 1.0,
            kind_speeds: [1.0; 3],
            dispatch: SimDuration::ZERO,
            idle_cores: cores,
            up: true,
            busy_ns: 0,
            departed_ns: [0; ProcessKind::ALL.len()],
            threads: [1; ProcessKind::ALL.len()],
            ready: RunQueue::default(),
        }
    }

    /// A processor of a given type: `cores` cores at `speed`, `dispatch` per burst.
    pub fn of_type(cores: u32, speed: f64, dispatch: SimDuration) -> Self {
        assert!(speed > 0.0, "a processor's speed must be positive");
        Processor {
            speed,
            kind_speeds: [speed; 3],
            dispatch,
            ..Processor::new(cores)
        }
    }

    /// How long a burst of baseline cost `cost`, split by kind, holds one of its cores: each
    /// part at its kind's speed. With every kind at `speed`, exactly [`scaled`](Self::scaled)
    /// of the total.
    pub fn scaled_split(&self, cost: CpuSplit) -> SimDuration {
        if self.kind_speeds.iter().all(|&s| s == self.speed) {
            return self.scaled(cost.total());
        }
        let part = |c: SimDuration, speed: f64| {
            if speed == 1.0 {
                c.as_nanos()
            } else {
                (c.as_nanos() as f64 / speed).round() as u64
            }
        };
        let [m, t, a] = self.kind_speeds;
        SimDuration(part(cost.message_system, m) + part(cost.tcpip, t) + part(cost.application, a))
            + self.dispatch
    }

    /// How long a burst of baseline cost `cost` holds one of its cores.
    pub fn scaled(&self, cost: SimDuration) -> SimDuration {
        if self.speed == 1.0 {
            return cost + self.dispatch;
        }
        let ns = (cost.as_nanos() as f64 / self.speed).round() as u64;
        SimDuration(ns) + self.dispatch
    }

    /// Puts a process with work at the back of its priority level.
    pub fn make_ready(&mut self, process: ProcessId, priority: u8) {
        self.ready.push(priority, process.0);
    }

    /// The next process to run, if a core is idle and a process is ready; claims the core.
    pub fn next_to_run(&mut self) -> Option<ProcessId> {
        if self.idle_cores == 0 {
            return None;
        }
        let entry = self.ready.pop()?;
        self.idle_cores -= 1;
        Some(ProcessId(entry.process))
    }

    /// Returns a core after a burst ends that used `busy_ns` of the measurement window.
    pub fn release_core(&mut self, busy_ns: u64) {
        self.busy_ns += busy_ns;
        assert!(
            self.idle_cores < self.cores,
            "released a core that was not busy"
        );
        self.idle_cores += 1;
    }
}

/// The node's processors and the processes that run in them.
#[derive(Debug)]
pub struct Cpus {
    processors: Vec<Processor>,
    processes: Vec<Process>,
    /// Work submitted to a process that is down (its processor failed, or it was killed),
    /// with the processor it was sent to: nothing answers it. The node decides what that
    /// means once the failure is known (`Node::reap_swallowed`).
    swallowed: Vec<(ProcessorId, Work)>,
}

impl Cpus {
    /// `processors` processors of `cores` cores each, with no process yet.
    #[cfg(test)]
    pub fn new(processors: u32, cores: u32) -> Self {
        Cpus {
            processors: (0..processors).map(|_| Processor::new(cores)).collect(),
            processes: Vec::new(),
            swallowed: Vec::new(),
        }
    }

    /// One processor per entry, of that type: (cores, speed, dispatch cost).
    pub fn of_types(types: impl IntoIterator<Item = (u32, f64, SimDuration)>) -> Self {
        Cpus {
            processors: types
                .into_iter()
                .map(|(c, speed, d)| Processor::of_type(c, speed, d))
                .collect(),
            processes: Vec::new(),
            swallowed: Vec::new(),
        }
    }

    /// Adds a processor of `cores` cores after the others (a CLIM's, under CIP); returns its
    /// number.
    pub fn add_processor(&mut self, cores: u32) -> ProcessorId {
        self.processors.push(Processor::new(cores));
        ProcessorId(u32::try_from(self.processors.len() - 1).expect("few processors"))
    }

    /// Adds a process (at build time, and when PATHMON creates a server).
    pub fn spawn(&mut self, name: String, kind: ProcessKind, cpu: u32, priority: u8) -> ProcessId {
        assert!(
            (cpu as usize) < self.processors.len(),
            "process {name} on missing processor {cpu}"
        );
        // A process created in a processor that has failed unnoticed is born dead.
        let health = if self.processors[cpu as usize].up {
            Health::Up
        } else {
            Health::Down
        };
        let threads = self.processors[cpu as usize].threads[kind as usize];
        self.processes.push(Process {
            name,
            kind,
            processor: ProcessorId(cpu),
            priority,
            bursts: Default::default(),
            running: None,
            threads,
            thread_runs: Vec::new(),
            health,
            pair: None,
            busy_ns: 0,
            busy_left_ns: 0,
            bursts_started: 0,
            ready_wait_ns: 0,
            cpu_total_ns: 0,
        });
        ProcessId(u32::try_from(self.processes.len() - 1).expect("fewer than 2^32 processes"))
    }

    /// The process `p`.
    pub fn process(&self, p: ProcessId) -> &Process {
        &self.processes[p.0 as usize]
    }
    /// Every process, in creation order.
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }
    /// Every processor, by CPU number.
    pub fn processors(&self) -> &[Processor] {
        &self.processors
    }
    /// The processor process `p` runs in.
    pub fn processor_of(&self, p: ProcessId) -> ProcessorId {
        self.processes[p.0 as usize].processor
    }

    /// Queues a CPU burst of baseline cost `demand` for process `p` (it holds a core for
    /// that cost scaled by the processor's type); `work` continues when it ends.
    ///
    /// Work for a process that is down is swallowed (see [`take_swallowed`](Self::take_swallowed));
    /// work for a process whose backup is taking over waits for the takeover [I].
    pub fn submit(&mut self, p: ProcessId, demand: SimDuration, work: Work, ctx: &mut Ctx) {
        self.submit_split(p, CpuSplit::application(demand), work, ctx);
    }

    /// [`submit`](Self::submit) for a burst whose baseline cost is split by kind, each part
    /// scaled by its kind's speed ([`Processor::scaled_split`]).
    pub fn submit_split(&mut self, p: ProcessId, demand: CpuSplit, work: Work, ctx: &mut Ctx) {
        let now = ctx.now();
        let proc_ = &mut self.processes[p.0 as usize];
        if proc_.health == Health::Down {
            self.swallow(p, work);
            return;
        }
        let demand = self.processors[proc_.processor.0 as usize].scaled_split(demand);
        proc_.bursts.push_back(Burst {
            demand,
            work,
            queued_at: now,
        });
        // A thread takes the new burst if one is free: with one thread, when it is the only
        // burst (none runs); with T, when it is among the first T (the others all run or wait
        // in the run queue already).
        if proc_.health == Health::Up && proc_.bursts.len() <= proc_.threads as usize {
            let cpu = proc_.processor.0 as usize;
            self.processors[cpu].make_ready(p, proc_.priority);
            self.dispatch(cpu, ctx);
        }
    }

    /// Starts bursts on idle cores of processor `cpu` while processes are ready.
    fn dispatch(&mut self, cpu: usize, ctx: &mut Ctx) {
        let now = ctx.now();
        while let Some(p) = self.processors[cpu].next_to_run() {
            let proc_ = &mut self.processes[p.0 as usize];
            // The oldest burst not yet running: the front one when single-threaded.
            let next = proc_.thread_runs.len();
            let b = proc_.bursts[next];
            if now >= ctx.rec.warmup() && now < ctx.rec.end() {
                proc_.bursts_started += 1;
                proc_.ready_wait_ns += (now - b.queued_at).as_nanos();
            }
            let run = Running {
                key: ctx.sched.schedule_in(b.demand, Event::BurstDone(p)),
                since: now,
            };
            if proc_.threads == 1 {
                debug_assert!(proc_.running.is_none(), "{} runs twice", proc_.name);
                proc_.running = Some(run);
            } else {
                proc_.thread_runs.push(run);
            }
        }
    }

    /// Process `p`'s running burst has ended: accounts its CPU, frees the core, starts the
    /// next ready burst, and returns what continues.
    pub fn burst_done(&mut self, p: ProcessId, ctx: &mut Ctx) -> Work {
        let proc_ = &mut self.processes[p.0 as usize];
        assert!(
            proc_.health == Health::Up,
            "a burst ended in {}, which is not up",
            proc_.name
        );
        let b = if proc_.threads == 1 {
            proc_.running = None;
            proc_.bursts.pop_front().expect("a finished burst")
        } else {
            // The running burst that ends now; of several, the first started, whose end
            // event was scheduled first and so is delivered first (the queue's FIFO ties).
            let now = ctx.now();
            let i = (0..proc_.thread_runs.len())
                .find(|&i| proc_.thread_runs[i].since + proc_.bursts[i].demand == now)
                .expect("a running burst ends now");
            proc_.thread_runs.remove(i);
            proc_.bursts.remove(i).expect("a running burst")
        };
        let busy = ctx.rec.window_overlap(ctx.now() - b.demand, b.demand);
        proc_.busy_ns += busy;
        proc_.cpu_total_ns += b.demand.as_nanos();
        let cpu = proc_.processor.0 as usize;
        self.processors[cpu].release_core(busy);
        // The freed thread takes the oldest burst no thread holds, if there is one.
        if proc_.bursts.len() >= proc_.threads as usize {
            self.processors[cpu].make_ready(p, proc_.priority);
        }
        self.dispatch(cpu, ctx);
        b.work
    }
}

/// What a processor's failure took from [`Cpus`].
#[derive(Debug, Default, PartialEq)]
#[allow(
    dead_code,
    reason = "returned by `Cpus::fail`, which the fault model calls"
)]
pub struct Lost {
    /// Every process that was up in it, in creation order (each now down or taking over).
    pub processes: Vec<ProcessId>,
    /// Processes elsewhere whose backup was in it: up, but no longer a pair.
    pub backups: Vec<ProcessId>,
    /// The work of every burst they held, running or queued, per process in creation order
    /// and each process's bursts in their order: requests and PATHMON grants whose burst will
    /// never end.
    pub work: Vec<Work>,
}

impl Cpus {
    /// One processor per processor of the scenario, of its type.
    pub fn build(sc: &crate::scenario::Scenario) -> Self {
        let mut cpus = Cpus::of_types((0..sc.system.processors).map(|cpu| {
            let t = sc.system.processor_type(cpu);
            (t.cores, t.speed, t.dispatch_cpu)
        }));
        for (cpu, p) in cpus.processors.iter_mut().enumerate() {
            let t = sc.system.processor_type(cpu as u32);
            p.kind_speeds = t.kind_speeds;
            for k in ProcessKind::ALL {
                p.threads[k as usize] = t.threads_of(k.name()).min(p.cores);
            }
        }
        cpus
    }

    /// Per processor and per process: busy ratios over the measurement window, after the CPU
    /// conservation check (the busy time of every kind of process in a processor adds up to
    /// the CPU its cores consumed, to the nanosecond). `run` and `seed` name the run in a
    /// failure message.
    pub fn results(
        &self,
        rec: &crate::stats::Recorder,
        run: &str,
        seed: u64,
    ) -> (Vec<ProcessorResult>, Vec<ProcessResult>) {
        let window_ns = rec.window().as_nanos() as f64;
        let has_acs = self.processes.iter().any(|p| p.kind == ProcessKind::Acs);
        let has_lcs = self.processes.iter().any(|p| p.kind == ProcessKind::Lcs);
        let processors = self
            .processors
            .iter()
            .enumerate()
            .map(|(id, cpu)| {
                let capacity = window_ns * f64::from(cpu.cores);
                // The busy time of kind `k` spent here: by the processes in it now (what they
                // used before they came is counted where they were) and by those that left.
                let of_kind = |k: ProcessKind| -> u64 {
                    self.processes
                        .iter()
                        .filter(|p| p.processor.0 as usize == id && p.kind == k)
                        .map(|p| p.busy_ns - p.busy_left_ns)
                        .sum::<u64>()
                        + cpu.departed_ns[k as usize]
                };
                // The ACS redirector is listed only in nodes that have one, so that results
                // without it keep their shape; a CLIM's stack only in the CLIM's processor.
                let clim_here = self
                    .processes
                    .iter()
                    .any(|p| p.kind == ProcessKind::Clim && p.processor.0 as usize == id);
                let busy_by_kind: Vec<KindShare> = ProcessKind::ALL
                    .iter()
                    .filter(|&&k| {
                        (k != ProcessKind::Acs || has_acs)
                            && (k != ProcessKind::Clim || clim_here)
                            && (k != ProcessKind::Lcs || has_lcs)
                    })
                    .map(|&k| KindShare {
                        kind: k.name().to_string(),
                        busy_ratio: of_kind(k) as f64 / capacity,
                    })
                    .collect();
                let busy_ratio = busy_by_kind
                    .iter()
                    .map(|k| k.busy_ratio)
                    .fold(0.0, |a, b| a + b);
                let by_kind_ns: u64 = ProcessKind::ALL
                    .iter()
                    .map(|&k| of_kind(k))
                    .sum();
                assert_eq!(
                    by_kind_ns, cpu.busy_ns,
                    "CPU conservation violated in '{run}' (seed {seed}), processor {id}: busy time by kind != CPU consumed"
                );
                assert!(
                    busy_ratio <= 1.0 + 1e-9,
                    "processor {id} busier than its cores"
                );
                ProcessorResult {
                    id: id as u32,
                    busy_ratio,
                    busy_by_kind,
                }
            })
            .collect();
        let processes = self
            .processes
            .iter()
            .map(|p| ProcessResult {
                name: p.name.clone(),
                kind: p.kind.name().to_string(),
                processor: p.processor.0,
                busy_ratio: p.busy_ns as f64 / window_ns,
                bursts: p.bursts_started,
                ready_wait_ms_mean: if p.bursts_started == 0 {
                    0.0
                } else {
                    p.ready_wait_ns as f64 / p.bursts_started as f64 / 1e6
                },
            })
            .collect();
        (processors, processes)
    }
}

impl Cpus {
    /// Process `p` runs as a pair whose backup is in processor `backup` (another one).
    pub fn pair(&mut self, p: ProcessId, backup: u32) {
        let proc_ = &mut self.processes[p.0 as usize];
        assert!(
            (backup as usize) < self.processors.len() && ProcessorId(backup) != proc_.processor,
            "{}: a backup in another existing processor, not {backup}",
            proc_.name
        );
        proc_.pair = Some(Pair {
            backup: ProcessorId(backup),
        });
    }

    /// The health of process `p`.
    pub fn health(&self, p: ProcessId) -> Health {
        self.processes[p.0 as usize].health
    }

    /// True while processor `cpu` is up.
    pub fn is_up(&self, cpu: ProcessorId) -> bool {
        self.processors[cpu.0 as usize].up
    }

    /// Processor `cpu` fails at `ctx.now()`: it stops at once. Each running burst there is
    /// cancelled and its CPU so far accounted (to the process and the processor alike, so CPU
    /// conservation holds); queued bursts are dropped. Its processes go down, or start taking
    /// over when their backup's processor is up; pairs whose backup was there lose it.
    /// Returns what was lost, for the other subsystems to say what it means to them.
    pub fn fail(&mut self, cpu: ProcessorId, ctx: &mut Ctx) -> Lost {
        let now = ctx.now();
        let c = cpu.0 as usize;
        assert!(self.processors[c].up, "processor {} fails twice", cpu.0);
        self.processors[c].up = false;
        let mut lost = Lost::default();
        for (i, proc_) in self.processes.iter_mut().enumerate() {
            let p = ProcessId(i as u32);
            if proc_.processor != cpu {
                if proc_.pair.is_some_and(|pair| pair.backup == cpu) {
                    proc_.pair = None;
                    if proc_.health == Health::TakingOver {
                        // Both halves are gone: the pair does not survive, and the work
                        // waiting for the backup (requests, a PATHMON's grants) is lost with
                        // it, as the work of the processes in the failed processor is.
                        proc_.health = Health::Down;
                        lost.processes.push(p);
                        lost.work.extend(proc_.bursts.drain(..).map(|b| b.work));
                    } else {
                        lost.backups.push(p);
                    }
                }
                continue;
            }
            if proc_.health == Health::Down {
                continue;
            }
            for run in proc_
                .running
                .take()
                .into_iter()
                .chain(proc_.thread_runs.drain(..))
            {
                assert!(
                    ctx.sched.cancel(run.key),
                    "a running burst's end is pending"
                );
                let used = now - run.since;
                let busy = ctx.rec.window_overlap(run.since, used);
                proc_.busy_ns += busy;
                proc_.cpu_total_ns += used.as_nanos();
                self.processors[c].release_core(busy);
            }
            let backup_up = proc_
                .pair
                .is_some_and(|pair| self.processors[pair.backup.0 as usize].up);
            proc_.health = match (proc_.health, backup_up) {
                (Health::Up, true) => Health::TakingOver,
                (Health::Up | Health::TakingOver, _) => Health::Down,
                (Health::Down, _) => unreachable!("skipped above"),
            };
            if proc_.health == Health::Down {
                lost.work.extend(proc_.bursts.drain(..).map(|b| b.work));
            }
            // [I] A pair's requests wait for its backup, which starts each of them again
            // (the running one from its beginning): the file system redirects them.
            lost.processes.push(p);
        }
        let processor = &mut self.processors[c];
        processor.ready.clear();
        assert_eq!(
            processor.idle_cores, processor.cores,
            "a failed processor keeps no core busy"
        );
        lost
    }

    /// The backup of `p` has taken over: the process now runs in its backup's processor, up,
    /// and is no longer a pair (until a backup is created again).
    pub fn take_over(&mut self, p: ProcessId, ctx: &mut Ctx) {
        let proc_ = &mut self.processes[p.0 as usize];
        assert_eq!(
            proc_.health,
            Health::TakingOver,
            "{} takes over",
            proc_.name
        );
        let pair = proc_.pair.take().expect("a process taking over is a pair");
        assert!(
            self.processors[pair.backup.0 as usize].up,
            "{} takes over in a processor that is down",
            proc_.name
        );
        proc_.health = Health::Up;
        self.move_to(p, pair.backup);
        let proc_ = &self.processes[p.0 as usize];
        if !proc_.bursts.is_empty() {
            let cpu = pair.backup.0 as usize;
            let (priority, ready) = (
                proc_.priority,
                proc_.bursts.len().min(proc_.threads as usize),
            );
            for _ in 0..ready {
                self.processors[cpu].make_ready(p, priority);
            }
            self.dispatch(cpu, ctx);
        }
    }

    /// The work swallowed by processes that were down when it was sent, with the processor
    /// each was sent to, oldest first; empties the list.
    pub fn take_swallowed(&mut self) -> std::vec::Drain<'_, (ProcessorId, Work)> {
        self.swallowed.drain(..)
    }

    /// Work for process `p` that it cannot take (it is down): swallowed like any work sent to
    /// it.
    #[cold]
    #[inline(never)]
    pub fn swallow(&mut self, p: ProcessId, work: Work) {
        debug_assert_eq!(self.processes[p.0 as usize].health, Health::Down);
        self.swallowed
            .push((self.processes[p.0 as usize].processor, work));
    }

    /// True when work was swallowed since the last [`take_swallowed`](Self::take_swallowed).
    pub fn has_swallowed(&self) -> bool {
        !self.swallowed.is_empty()
    }

    /// Process `p` now runs in `cpu`: the busy time it spent where it was stays counted
    /// there.
    fn move_to(&mut self, p: ProcessId, cpu: ProcessorId) {
        let proc_ = &mut self.processes[p.0 as usize];
        let here = proc_.busy_ns - proc_.busy_left_ns;
        self.processors[proc_.processor.0 as usize].departed_ns[proc_.kind as usize] += here;
        proc_.busy_left_ns = proc_.busy_ns;
        proc_.processor = cpu;
        debug_assert!(proc_.running.is_none() && proc_.thread_runs.is_empty());
        // Its threads are those of its kind in its new processor's type.
        proc_.threads = self.processors[cpu.0 as usize].threads[proc_.kind as usize];
    }

    /// Process `p` is killed (`process_kill`, faults.md A.2/A.3): down, its bursts cancelled
    /// and returned as in [`fail`](Self::fail).
    pub fn kill(&mut self, p: ProcessId, ctx: &mut Ctx) -> Vec<Work> {
        self.stop(p, Health::Down, ctx);
        self.processes[p.0 as usize]
            .bursts
            .drain(..)
            .map(|b| b.work)
            .collect()
    }

    /// The primary of pair `p` is killed while its backup's processor is up: [I] it is taking
    /// over, and its bursts wait for [`take_over`](Self::take_over), the interrupted one from
    /// its beginning, as when its processor fails.
    pub fn kill_primary(&mut self, p: ProcessId, ctx: &mut Ctx) {
        let proc_ = &self.processes[p.0 as usize];
        assert!(
            proc_
                .pair
                .is_some_and(|pair| self.processors[pair.backup.0 as usize].up),
            "{} takes over without a backup that is up",
            proc_.name
        );
        self.stop(p, Health::TakingOver, ctx);
    }

    /// Process `p`, up, stops in a processor that runs on: its running burst is cut (its CPU
    /// so far accounted) or its run-queue entry removed, and its health becomes `health`.
    fn stop(&mut self, p: ProcessId, health: Health, ctx: &mut Ctx) {
        let now = ctx.now();
        let proc_ = &mut self.processes[p.0 as usize];
        assert_eq!(proc_.health, Health::Up, "{} stops", proc_.name);
        proc_.health = health;
        let c = proc_.processor.0 as usize;
        // Threads ready, not running: their run-queue entries go.
        let running = proc_.thread_runs.len() + usize::from(proc_.running.is_some());
        if proc_.bursts.len().min(proc_.threads as usize) > running {
            self.processors[c].ready.retain(|e| e.process != p.0);
        }
        let mut freed = false;
        for run in proc_
            .running
            .take()
            .into_iter()
            .chain(proc_.thread_runs.drain(..))
        {
            assert!(
                ctx.sched.cancel(run.key),
                "a running burst's end is pending"
            );
            let used = now - run.since;
            let busy = ctx.rec.window_overlap(run.since, used);
            proc_.busy_ns += busy;
            proc_.cpu_total_ns += used.as_nanos();
            self.processors[c].release_core(busy);
            freed = true;
        }
        if freed {
            self.dispatch(c, ctx);
        }
    }

    /// The takeover of `p` failed (its backup could not start): down, its waiting bursts
    /// returned as in [`kill`](Self::kill).
    pub fn takeover_failed(&mut self, p: ProcessId) -> Vec<Work> {
        let proc_ = &mut self.processes[p.0 as usize];
        assert_eq!(
            proc_.health,
            Health::TakingOver,
            "{} fails to take over",
            proc_.name
        );
        debug_assert!(proc_.running.is_none() && proc_.thread_runs.is_empty());
        proc_.health = Health::Down;
        proc_.pair = None;
        proc_.bursts.drain(..).map(|b| b.work).collect()
    }

    /// The process named `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<ProcessId> {
        self.processes
            .iter()
            .position(|p| p.name == name)
            .map(|i| ProcessId(i as u32))
    }

    /// A down process `p` is restarted, empty, in processor `cpu` (which is up).
    pub fn restart(&mut self, p: ProcessId, cpu: ProcessorId) {
        assert!(
            self.processors[cpu.0 as usize].up,
            "restarting in a down processor"
        );
        let proc_ = &mut self.processes[p.0 as usize];
        assert_eq!(proc_.health, Health::Down, "{} restarts", proc_.name);
        debug_assert!(
            proc_.bursts.is_empty() && proc_.running.is_none() && proc_.thread_runs.is_empty()
        );
        proc_.health = Health::Up;
        self.move_to(p, cpu);
    }

    /// Processor `cpu` is reloaded: up again, with all its cores idle and no process running
    /// in it (what restarts there is each subsystem's decision).
    pub fn reload(&mut self, cpu: ProcessorId) {
        let processor = &mut self.processors[cpu.0 as usize];
        assert!(!processor.up, "reloading processor {} that is up", cpu.0);
        processor.up = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Model, Scheduler, run_until};
    use crate::stats::Recorder;

    /// Cpus alone, driven by the engine: records which work finished when.
    struct Bench {
        cpus: Cpus,
        rec: Recorder,
        done: Vec<(u64, u32)>,
    }

    impl Model for Bench {
        type Event = Event;
        fn handle(&mut self, e: Event, s: &mut Scheduler<Event>) {
            let Event::BurstDone(p) = e else {
                unreachable!("only bursts here")
            };
            let mut ctx = Ctx {
                sched: s,
                rec: &mut self.rec,
            };
            if let Work::Grant(l) = self.cpus.burst_done(p, &mut ctx) {
                self.done.push((s.now().as_nanos(), l.slot));
            }
        }
    }

    fn bench(cores: u32) -> (Bench, Scheduler<Event>) {
        let rec = Recorder::new(
            SimTime::ZERO,
            SimTime(1_000_000),
            SimDuration::from_micros(100),
            0,
        );
        let b = Bench {
            cpus: Cpus::new(1, cores),
            rec,
            done: vec![],
        };
        (b, Scheduler::new())
    }

    fn work(tag: u32) -> Work {
        Work::Grant(LinkId {
            slot: tag,
            generation: 0,
        })
    }

    fn submit(b: &mut Bench, s: &mut Scheduler<Event>, p: ProcessId, us: u64, tag: u32) {
        let mut ctx = Ctx {
            sched: s,
            rec: &mut b.rec,
        };
        b.cpus
            .submit(p, SimDuration::from_micros(us), work(tag), &mut ctx);
    }

    #[test]
    fn a_process_runs_its_bursts_one_at_a_time_in_order() {
        // Two cores, but one process: its three 10 us bursts run back to back.
        let (mut b, mut s) = bench(2);
        let p = b.cpus.spawn("$A".into(), ProcessKind::Server, 0, 150);
        for tag in 0..3 {
            submit(&mut b, &mut s, p, 10, tag);
        }
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(10_000, 0), (20_000, 1), (30_000, 2)]);
        assert_eq!(b.cpus.process(p).busy_ns, 30_000);
        assert_eq!(b.cpus.process(p).bursts_started, 3);
    }

    #[test]
    fn higher_priority_runs_first_and_equal_priorities_take_turns() {
        // One core. $LOW queues first, then $HIGH; then two equal-priority processes.
        // Order: $LOW's first burst already holds the core (t 0-10), then $HIGH (10-20),
        // then $LOW's second (20-30).
        let (mut b, mut s) = bench(1);
        let low = b.cpus.spawn("$LOW".into(), ProcessKind::Server, 0, 100);
        let high = b.cpus.spawn("$HIGH".into(), ProcessKind::TcpIp, 0, 200);
        submit(&mut b, &mut s, low, 10, 1);
        submit(&mut b, &mut s, low, 10, 2);
        submit(&mut b, &mut s, high, 10, 3);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(10_000, 1), (20_000, 3), (30_000, 2)]);
        // $LOW's second burst waited from 0 to 20 us in the run queue; its first waited 0.
        assert_eq!(b.cpus.process(low).ready_wait_ns, 20_000);
        assert_eq!(b.cpus.processor_of(high), ProcessorId(0));
    }

    #[test]
    fn a_faster_processor_scales_every_burst_and_adds_its_dispatch_cost() {
        // Speed 2, 1 us dispatch: a 10 us burst holds the core 10 / 2 + 1 = 6 us, and a 3 ns
        // one 1.5 -> 2 ns (rounded half up) + 1 us = 1.002 us. Busy time is that scaled time,
        // in the process and in the processor alike.
        let rec = Recorder::new(
            SimTime::ZERO,
            SimTime(1_000_000),
            SimDuration::from_micros(100),
            0,
        );
        let mut b = Bench {
            cpus: Cpus::of_types([(1, 2.0, SimDuration::from_micros(1))]),
            rec,
            done: vec![],
        };
        let mut s = Scheduler::new();
        let p = b.cpus.spawn("$A".into(), ProcessKind::Server, 0, 150);
        submit(&mut b, &mut s, p, 10, 1);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        b.cpus.submit(p, SimDuration(3), work(2), &mut ctx);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(6_000, 1), (7_002, 2)]);
        assert_eq!(b.cpus.process(p).cpu_total_ns, 7_002);
        assert_eq!(b.cpus.processors()[0].busy_ns, 7_002);
    }

    #[test]
    fn a_failed_processor_cancels_its_bursts_accounts_their_cpu_and_returns_their_work() {
        // Processors 0 and 1, one core each. $A (pair, backup in 1) and $B (single) in 0;
        // $C in 1 with its backup in 0. $A's first 10 us burst runs from 0; processor 0
        // fails at 5 us.
        let (mut b, mut s) = (
            Bench {
                cpus: Cpus::new(2, 1),
                ..bench(1).0
            },
            Scheduler::new(),
        );
        let a = b.cpus.spawn("$A".into(), ProcessKind::Pathmon, 0, 150);
        let bb = b.cpus.spawn("$B".into(), ProcessKind::Server, 0, 150);
        let c = b.cpus.spawn("$C".into(), ProcessKind::TcpIp, 1, 150);
        b.cpus.pair(a, 1);
        b.cpus.pair(c, 0);
        submit(&mut b, &mut s, a, 10, 1);
        submit(&mut b, &mut s, a, 10, 2);
        submit(&mut b, &mut s, bb, 10, 3);
        submit(&mut b, &mut s, c, 10, 4);
        run_until(&mut b, &mut s, SimTime(5_000));
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        let lost = b.cpus.fail(ProcessorId(0), &mut ctx);
        assert_eq!(
            lost,
            Lost {
                processes: vec![a, bb],
                backups: vec![c],
                work: vec![work(3)],
            }
        );
        // $A's 5 us so far count, in the process and the processor alike.
        assert_eq!(b.cpus.process(a).busy_ns, 5_000);
        assert_eq!(b.cpus.process(a).cpu_total_ns, 5_000);
        assert_eq!(b.cpus.processors()[0].busy_ns, 5_000);
        assert_eq!(b.cpus.processors()[0].idle_cores, 1);
        assert_eq!(b.cpus.health(a), Health::TakingOver);
        assert_eq!(b.cpus.health(bb), Health::Down);
        assert!(b.cpus.process(c).pair.is_none(), "$C lost its backup");
        assert!(!b.cpus.is_up(ProcessorId(0)));
        // Only $C's burst ends: the cancelled one is never delivered, and $A's wait for
        // its backup; work sent to $A meanwhile waits too, work sent to $B is swallowed.
        submit(&mut b, &mut s, a, 10, 5);
        submit(&mut b, &mut s, bb, 10, 6);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(10_000, 4)]);
        assert_eq!(
            b.cpus.take_swallowed().collect::<Vec<_>>(),
            vec![(ProcessorId(0), work(6))]
        );
        // $A's backup takes over in processor 1 at 10 us and runs its three bursts there,
        // the interrupted one from its beginning.
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        b.cpus.take_over(a, &mut ctx);
        assert_eq!(
            (b.cpus.health(a), b.cpus.processor_of(a)),
            (Health::Up, ProcessorId(1))
        );
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(
            b.done,
            vec![(10_000, 4), (20_000, 1), (30_000, 2), (40_000, 5)]
        );
        // Busy time stays where it was spent: $A's 5 us in processor 0, its 30 us after the
        // takeover in processor 1 (with $C's 10 us); CPU conservation holds in both.
        assert_eq!(b.cpus.process(a).busy_ns, 35_000);
        let (processors, _) = b.cpus.results(&b.rec, "takeover", 0);
        let pathmon = |cpu: usize| {
            processors[cpu]
                .busy_by_kind
                .iter()
                .find(|k| k.kind == "pathmon")
                .expect("a pathmon share")
                .busy_ratio
        };
        // The window is 1 ms.
        assert!((pathmon(0) - 0.005).abs() < 1e-12, "{}", pathmon(0));
        assert!((pathmon(1) - 0.030).abs() < 1e-12, "{}", pathmon(1));
        assert!((processors[1].busy_ratio - 0.040).abs() < 1e-12);
        // Reloaded, processor 0 is up and empty; $B restarts there.
        b.cpus.reload(ProcessorId(0));
        b.cpus.restart(bb, ProcessorId(0));
        assert_eq!(b.cpus.health(bb), Health::Up);
    }

    #[test]
    fn a_pair_whose_backup_fails_while_taking_over_is_down() {
        let (mut b, mut s) = (
            Bench {
                cpus: Cpus::new(2, 1),
                ..bench(1).0
            },
            Scheduler::new(),
        );
        let a = b.cpus.spawn("$A".into(), ProcessKind::Pathmon, 0, 150);
        b.cpus.pair(a, 1);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        assert_eq!(b.cpus.fail(ProcessorId(0), &mut ctx).processes, vec![a]);
        let lost = b.cpus.fail(ProcessorId(1), &mut ctx);
        assert_eq!((lost.processes, lost.backups), (vec![a], vec![]));
        assert_eq!(b.cpus.health(a), Health::Down);
    }

    #[test]
    fn a_pair_killed_then_losing_its_backups_processor_gives_up_its_waiting_work() {
        // Issue 15 item 4, concern (a): PATHMON $A (processor 0, backup in 1) has two grants
        // queued when it is killed; while its backup takes over, processor 1 fails. Both
        // halves are gone: the grants that waited for the backup are lost work, for the fault
        // model to fail at the detection (they used to stay in the dead process, stranded).
        let (mut b, mut s) = (
            Bench {
                cpus: Cpus::new(2, 1),
                ..bench(1).0
            },
            Scheduler::new(),
        );
        let a = b.cpus.spawn("$A".into(), ProcessKind::Pathmon, 0, 150);
        b.cpus.pair(a, 1);
        submit(&mut b, &mut s, a, 10, 7);
        submit(&mut b, &mut s, a, 10, 8);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        b.cpus.kill_primary(a, &mut ctx);
        assert_eq!(b.cpus.health(a), Health::TakingOver);
        let lost = b.cpus.fail(ProcessorId(1), &mut ctx);
        assert_eq!(b.cpus.health(a), Health::Down);
        assert_eq!(lost.processes, vec![a]);
        assert_eq!(lost.work, vec![work(7), work(8)]);
        assert!(b.cpus.process(a).bursts.is_empty());
    }

    #[test]
    fn a_killed_process_gives_its_core_to_the_next_ready_one() {
        // One core: $A runs 0-10 us, $B waits. $A is killed at 4 us: $B runs 4-14 us.
        let (mut b, mut s) = bench(1);
        let a = b.cpus.spawn("$A".into(), ProcessKind::Server, 0, 150);
        let bb = b.cpus.spawn("$B".into(), ProcessKind::Server, 0, 150);
        submit(&mut b, &mut s, a, 10, 1);
        submit(&mut b, &mut s, bb, 10, 2);
        run_until(&mut b, &mut s, SimTime(4_000));
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        assert_eq!(b.cpus.kill(a, &mut ctx).len(), 1);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(14_000, 2)]);
        assert_eq!(b.cpus.processors()[0].busy_ns, 14_000);
    }

    #[test]
    fn no_work_reaches_a_dead_process() {
        let (mut b, mut s) = bench(1);
        let a = b.cpus.spawn("$A".into(), ProcessKind::Server, 0, 150);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        b.cpus.fail(ProcessorId(0), &mut ctx);
        submit(&mut b, &mut s, a, 10, 1);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert!(b.done.is_empty());
        assert!(b.cpus.has_swallowed());
        assert_eq!(b.cpus.take_swallowed().count(), 1);
        assert!(!b.cpus.has_swallowed());
    }

    #[test]
    fn cores_run_processes_in_parallel() {
        let (mut b, mut s) = bench(2);
        let a = b.cpus.spawn("$A".into(), ProcessKind::Server, 0, 150);
        let c = b.cpus.spawn("$C".into(), ProcessKind::Server, 0, 150);
        submit(&mut b, &mut s, a, 10, 1);
        submit(&mut b, &mut s, c, 10, 2);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(10_000, 1), (10_000, 2)]);
        assert_eq!(b.cpus.processors()[0].idle_cores, 2);
    }

    #[test]
    fn issue16_item10_a_process_of_two_threads_runs_two_bursts_at_once_in_fifo_order() {
        // Three cores; $L has two threads and bursts of 10, 30 and 10 us (tags 1-3), $S one
        // 10 us burst (tag 4). At 0 $L's first two bursts and $S's take the three cores; $L's
        // third waits for a thread, though a core is free at 10 us only. At 10 us $L's first
        // ends (its event was scheduled first), then $S's; $L's third runs 10-20 and ends
        // before its second (0-30): threads end in any order.
        let (mut b, mut s) = bench(3);
        b.cpus.processors[0].threads[ProcessKind::Listener as usize] = 2;
        let l = b.cpus.spawn("$L".into(), ProcessKind::Listener, 0, 150);
        let sv = b.cpus.spawn("$S".into(), ProcessKind::Server, 0, 150);
        assert_eq!(
            (b.cpus.process(l).threads, b.cpus.process(sv).threads),
            (2, 1)
        );
        for (us, tag) in [(10, 1), (30, 2), (10, 3)] {
            submit(&mut b, &mut s, l, us, tag);
        }
        submit(&mut b, &mut s, sv, 10, 4);
        assert_eq!(b.cpus.processors()[0].idle_cores, 0);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(
            b.done,
            vec![(10_000, 1), (10_000, 4), (20_000, 3), (30_000, 2)]
        );
        // Its busy time adds up over its threads: 10 + 30 + 10 us; its third burst waited
        // 0-10 us for a thread. CPU conservation (checked by `results`) holds: 50 + 10 us.
        let pl = b.cpus.process(l);
        assert_eq!(
            (pl.busy_ns, pl.bursts_started, pl.ready_wait_ns),
            (50_000, 3, 10_000)
        );
        assert_eq!(b.cpus.processors()[0].busy_ns, 60_000);
        let (processors, _) = b.cpus.results(&b.rec, "threads", 0);
        assert!((processors[0].busy_ratio - 60_000.0 / 3e6).abs() < 1e-12);
        assert_eq!(b.cpus.processors()[0].idle_cores, 3);
    }

    #[test]
    fn issue16_item10_a_killed_process_of_two_threads_gives_back_both_cores() {
        // Two cores: $A (two threads) runs two 10 us bursts from 0, a third and $B's wait. At
        // 4 us $A is killed: both running bursts are cut (4 us each counted), its three bursts
        // returned, and $B runs 4-14 us. The processor was busy 4 + 4 + 10 us.
        let (mut b, mut s) = bench(2);
        b.cpus.processors[0].threads[ProcessKind::Distributor as usize] = 2;
        let a = b.cpus.spawn("$A".into(), ProcessKind::Distributor, 0, 150);
        let bb = b.cpus.spawn("$B".into(), ProcessKind::Server, 0, 150);
        for tag in 1..=3 {
            submit(&mut b, &mut s, a, 10, tag);
        }
        submit(&mut b, &mut s, bb, 10, 4);
        run_until(&mut b, &mut s, SimTime(4_000));
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        assert_eq!(b.cpus.kill(a, &mut ctx), vec![work(1), work(2), work(3)]);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(14_000, 4)]);
        assert_eq!(b.cpus.process(a).busy_ns, 8_000);
        assert_eq!(b.cpus.processors()[0].busy_ns, 18_000);
        b.cpus.results(&b.rec, "kill", 0);
    }

    #[test]
    fn issue16_item10_a_pair_of_two_threads_runs_both_again_after_its_takeover() {
        // Processors 0 and 1 of two cores, pathmons of two threads in both. $P's two 10 us
        // bursts run from 0 and a third waits; processor 0 fails at 5 us (10 us of CPU
        // counted there). The backup takes over at once (5 us) and runs the first two again
        // (5-15 us), then the third (15-25 us).
        let (mut b, mut s) = (
            Bench {
                cpus: Cpus::new(2, 2),
                ..bench(1).0
            },
            Scheduler::new(),
        );
        for cpu in 0..2 {
            b.cpus.processors[cpu].threads[ProcessKind::Pathmon as usize] = 2;
        }
        let p = b.cpus.spawn("$P".into(), ProcessKind::Pathmon, 0, 150);
        b.cpus.pair(p, 1);
        for tag in 1..=3 {
            submit(&mut b, &mut s, p, 10, tag);
        }
        run_until(&mut b, &mut s, SimTime(5_000));
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        assert_eq!(b.cpus.fail(ProcessorId(0), &mut ctx).work, vec![]);
        assert_eq!(b.cpus.processors()[0].busy_ns, 10_000);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut b.rec,
        };
        b.cpus.take_over(p, &mut ctx);
        run_until(&mut b, &mut s, SimTime::MAX);
        assert_eq!(b.done, vec![(15_000, 1), (15_000, 2), (25_000, 3)]);
        assert_eq!(b.cpus.processors()[1].busy_ns, 30_000);
        b.cpus.results(&b.rec, "takeover", 0);
    }

    #[test]
    fn issue16_item10_threads_are_given_by_the_process_kinds_names() {
        // The scenario's `threads` keys are report names of process kinds (all but the
        // server, which takes one request at a time, and the CLIM, not in a processor type).
        let names: Vec<&str> = ProcessKind::ALL.iter().map(|k| k.name()).collect();
        for k in crate::scenario::THREAD_KINDS {
            assert!(names.contains(&k), "{k}");
        }
        assert_eq!(crate::scenario::THREAD_KINDS.len() + 2, names.len());
    }

    #[test]
    fn issue16_item10_each_kind_of_cpu_runs_at_its_own_speed() {
        // Speed 2 for messages, 4 for TCP/IP, 1 for the application, 1 us dispatch: a burst of
        // 1,000 ns of message-system, 2,000 ns of TCP/IP and 3,000 ns of application CPU holds
        // its core 500 + 500 + 3,000 + 1,000 = 5,000 ns.
        let split = CpuSplit {
            message_system: SimDuration(1_000),
            tcpip: SimDuration(2_000),
            application: SimDuration(3_000),
        };
        let mut p = Processor::of_type(1, 1.0, SimDuration(1_000));
        p.kind_speeds = [2.0, 4.0, 1.0];
        assert_eq!(p.scaled_split(split), SimDuration(5_000));
        // Every kind at the type's speed: the single-speed formula on the total, to the
        // nanosecond (6,000 / 3 = 2,000, plus the dispatch), as before per-kind speeds.
        let q = Processor::of_type(1, 3.0, SimDuration(1_000));
        assert_eq!(q.scaled_split(split), q.scaled(split.total()));
        assert_eq!(q.scaled_split(split), SimDuration(3_000));
        // A plain submit is application work.
        assert_eq!(
            p.scaled_split(CpuSplit::application(SimDuration(3_000))),
            SimDuration(4_000)
        );
    }
}
