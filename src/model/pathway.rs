//! Pathway server classes (first cut).
//!
//! Models: a server class is a set of single-threaded server processes spread round-robin
//! over a list of processors. A Pathsend request goes to an idle server if there is one (the
//! least recently freed, which spreads work over processors), otherwise it waits in the class's
//! FIFO queue, as the link manager queues sends when every link is busy. A server holds its
//! request from delivery until its reply has been sent: receive + service CPU, then any I/O
//! time, then the reply message. This is the behaviour of LINKDEPTH = MAXLINKS = 1 with every
//! server static.
//!
//! Simplifies: no PATHMON, links, link managers, dynamic servers, CREATEDELAY/DELETEDELAY,
//! TIMEOUT or Pathsend errors yet: the issue "Pathway server classes, links and TS/MP ACS
//! domains" replaces this queue with per-processor link managers and PATHMON link granting.

use std::collections::VecDeque;

use crate::engine::SimTime;
use crate::stats::{Recorder, TimeWeighted};

use super::processor::ProcessId;
use super::request::RequestId;

/// One server class at run time.
#[derive(Debug)]
pub struct ServerClass {
    /// Class name.
    pub name: String,
    /// Its server processes, in creation order.
    pub servers: Vec<ProcessId>,
    /// Idle servers, least recently freed first.
    idle: VecDeque<ProcessId>,
    /// Requests waiting for a server, first come first served.
    queue: VecDeque<RequestId>,
    /// Queue length over time.
    pub queue_len: TimeWeighted,
    /// Busy servers over time.
    pub busy: TimeWeighted,
}

impl ServerClass {
    /// A class whose servers are all idle.
    pub fn new(name: String, servers: Vec<ProcessId>) -> Self {
        let idle = servers.iter().copied().collect();
        ServerClass {
            name,
            servers,
            idle,
            queue: VecDeque::new(),
            queue_len: TimeWeighted::default(),
            busy: TimeWeighted::default(),
        }
    }

    /// A request arrives for the class at `now`: returns the server that takes it at once,
    /// or queues it and returns `None`.
    pub fn send(&mut self, r: RequestId, now: SimTime, rec: &Recorder) -> Option<ProcessId> {
        match self.idle.pop_front() {
            Some(s) => {
                self.busy.set(now, self.busy.level() + 1, rec);
                Some(s)
            }
            None => {
                self.queue.push_back(r);
                self.queue_len.set(now, self.queue.len() as u64, rec);
                None
            }
        }
    }

    /// Server `s` finished its request at `now`: returns the queued request it takes next,
    /// or marks it idle and returns `None`.
    pub fn server_freed(
        &mut self,
        s: ProcessId,
        now: SimTime,
        rec: &Recorder,
    ) -> Option<RequestId> {
        match self.queue.pop_front() {
            Some(r) => {
                self.queue_len.set(now, self.queue.len() as u64, rec);
                Some(r)
            }
            None => {
                self.idle.push_back(s);
                self.busy.set(now, self.busy.level() - 1, rec);
                None
            }
        }
    }
}
