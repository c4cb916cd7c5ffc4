//! NonStop processors and the processes that run in them.
//!
//! Models: a processor with `cores` cores and a priority run queue. Every process is a
//! single-threaded consumer of CPU: it has a FIFO of CPU bursts and runs at most one burst at a
//! time, on one core. A processor dispatches ready processes highest priority first (NonStop
//! priorities: 1-199, higher runs first) and first-come first-served within a priority, which
//! makes processes of equal priority take turns burst by burst.
//!
//! Simplifies: dispatching is non-preemptive at burst granularity (a burst that has started runs
//! to its end; bursts here are tens to hundreds of microseconds, shorter than a dispatcher
//! quantum); no dispatch or context-switch cost beyond what the message system and TCP/IP costs
//! already include; no memory, cache or page-fault effects.

use std::collections::{BinaryHeap, VecDeque};

use crate::engine::{SimDuration, SimTime};

use super::pathway::LinkId;
use super::request::RequestId;

/// Index of a processor in the node (its CPU number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProcessorId(pub u32);

/// Index of a process in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProcessId(pub u32);

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
}

impl ProcessKind {
    /// Every kind, in reporting order.
    pub const ALL: [ProcessKind; 6] = [
        ProcessKind::TcpIp,
        ProcessKind::Distributor,
        ProcessKind::Listener,
        ProcessKind::Server,
        ProcessKind::Pathmon,
        ProcessKind::Tcp,
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
        }
    }
}

/// What a burst is for: what continues when it ends.
#[derive(Clone, Copy, Debug)]
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

/// A process: a name, a home processor, a priority and a FIFO of bursts.
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
    /// Bursts in arrival order; the front one is running when `running` is set.
    pub bursts: VecDeque<Burst>,
    /// True while its front burst holds a core.
    pub running: bool,
    /// CPU time used inside the measurement window [ns].
    pub busy_ns: u64,
    /// Bursts started inside the measurement window.
    pub bursts_started: u64,
    /// Summed run-queue wait of those bursts [ns].
    pub ready_wait_ns: u64,
}

/// A processor: cores and a run queue of ready processes.
#[derive(Debug)]
pub struct Processor {
    /// Cores.
    pub cores: u32,
    /// Cores not running a burst.
    pub idle_cores: u32,
    /// CPU time its cores spent on bursts inside the measurement window [ns], accounted by
    /// the processor independently of the processes, for the CPU conservation check.
    pub busy_ns: u64,
    /// Ready processes, highest priority first, then first-ready first.
    ready: BinaryHeap<ReadyEntry>,
    ready_seq: u64,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ReadyEntry {
    priority: u8,
    // Reversed so that among equal priorities the earliest-ready pops first from the max-heap.
    seq: std::cmp::Reverse<u64>,
    process: u32,
}

impl Processor {
    /// A processor with `cores` idle cores.
    pub fn new(cores: u32) -> Self {
        assert!(cores >= 1, "a processor needs a core");
        Processor {
            cores,
            idle_cores: cores,
            busy_ns: 0,
            ready: BinaryHeap::new(),
            ready_seq: 0,
        }
    }

    /// Puts a process with work at the back of its priority level.
    pub fn make_ready(&mut self, process: ProcessId, priority: u8) {
        self.ready_seq += 1;
        self.ready.push(ReadyEntry {
            priority,
            seq: std::cmp::Reverse(self.ready_seq),
            process: process.0,
        });
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
