//! The request trace: one line per stage of a sampled request's path, for debugging a model
//! or explaining one request's latency.
//!
//! Off by default and then free: the node holds `None` and each hook is one branch. On, every
//! `every`-th request the clients send (1st, (every+1)th, ... in the order they are sent) is
//! followed from its creation to its end. A stage is a leg of its itinerary that took time
//! (legs that cost nothing for it are not listed), closed when it ends; the line says when it
//! began, how long it took, and where the request was meanwhile (a process, a PIF, a link
//! manager, a server, the wire). Its last line says how it ended. Lines come in the order
//! stages end, so one request's lines are in path order and the file is in time order of
//! their ends. The CSV columns:
//!
//! `request,class,start_ns,duration_ns,stage,at`
//!
//! `request` is the request's number in send order (from 0), `class` its class name, `stage`
//! the leg (`wire-in`, `lan-in`, `admit`, `cpu`, `hop`, `pathsend`, `server`, `io`, `lan-out`,
//! `wire-out`) or the outcome (`done`, `failed`, `timed-out`, `abandoned`).
//! Writing is buffered; the first write error stops the trace and is reported at the end.

use std::io::{self, BufWriter, Write};

use crate::engine::SimTime;

use super::ids::RequestId;
use super::itinerary::Leg;
use super::request::Location;

/// A request trace being written.
pub struct RequestTrace {
    out: BufWriter<Box<dyn Write + Send>>,
    every: u64,
    /// Requests sent so far.
    sent: u64,
    /// Sampled requests in flight and their numbers.
    live: Vec<(RequestId, u64)>,
    /// Lines written.
    pub lines: u64,
    error: Option<io::Error>,
}

impl std::fmt::Debug for RequestTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestTrace")
            .field("every", &self.every)
            .field("sent", &self.sent)
            .field("lines", &self.lines)
            .finish_non_exhaustive()
    }
}

/// The stage name of a leg.
pub fn stage(leg: Leg) -> &'static str {
    match leg {
        Leg::WireIn => "wire-in",
        Leg::LanIn { .. } => "lan-in",
        Leg::Admit => "admit",
        Leg::Cpu { .. } => "cpu",
        Leg::Hop { .. } => "hop",
        Leg::Handled => "handled",
        Leg::Pathsend => "pathsend",
        Leg::ServerWork => "server",
        Leg::Io { .. } => "io",
        Leg::Release => "release",
        Leg::LanOut { .. } => "lan-out",
        Leg::WireOut => "wire-out",
        Leg::Done => "done",
    }
}

impl RequestTrace {
    /// A trace of every `every`-th request (at least 1) into `out`; writes the header.
    pub fn new(out: Box<dyn Write + Send>, every: u64) -> Self {
        let mut t = RequestTrace {
            out: BufWriter::with_capacity(1 << 16, out),
            every: every.max(1),
            sent: 0,
            live: Vec::new(),
            lines: 0,
            error: None,
        };
        t.write(format_args!(
            "request,class,start_ns,duration_ns,stage,at\n"
        ));
        t
    }

    fn write(&mut self, line: std::fmt::Arguments) {
        if self.error.is_none() {
            match self.out.write_fmt(line) {
                Ok(()) => self.lines += 1,
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// A request was sent: follow it if it is the next sampled one.
    pub fn sent(&mut self, r: RequestId) {
        if self.sent.is_multiple_of(self.every) {
            self.live.push((r, self.sent));
        }
        self.sent += 1;
    }

    /// The number of request `r` if it is followed.
    pub fn followed(&self, r: RequestId) -> Option<u64> {
        self.live.iter().find(|(id, _)| *id == r).map(|&(_, n)| n)
    }

    /// A stage of request `r` that began at `start` has ended at `now`; `at` says where
    /// (written only when it took time).
    pub fn stage(
        &mut self,
        r: RequestId,
        class: &str,
        leg: Leg,
        start: SimTime,
        now: SimTime,
        at: &str,
    ) {
        let Some(n) = self.followed(r) else { return };
        let d = now.0 - start.0;
        if d > 0 {
            self.write(format_args!(
                "{n},{class},{},{d},{},{at}\n",
                start.0,
                stage(leg)
            ));
        }
    }

    /// Request `r` has ended at `now` with `outcome`; it is no longer followed.
    pub fn ended(&mut self, r: RequestId, class: &str, now: SimTime, outcome: &str) {
        let Some(i) = self.live.iter().position(|(id, _)| *id == r) else {
            return;
        };
        let (_, n) = self.live.swap_remove(i);
        self.write(format_args!("{n},{class},{},0,{outcome},\n", now.0));
    }

    /// Flushes the file; the first error the trace met, if any.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }
}

/// Where a request at `at` waits, for a trace line; `process` names a process, `server` a
/// server, by index.
pub fn place(
    at: Location,
    process: impl Fn(super::ids::ProcessId) -> String,
    server: impl Fn(u32) -> String,
) -> String {
    match at {
        Location::New | Location::Wire { .. } => "wire".into(),
        Location::Lan { pif, .. } => format!("pif{pif}"),
        Location::Retransmit { .. } => "retransmit".into(),
        Location::Backlog { .. } => "backlog".into(),
        Location::Backoff { .. } => "backoff".into(),
        Location::Cpu { process: p } => process(p),
        Location::Transit { to, .. } => format!("ipc to cpu{}", to.0),
        Location::LinkWait { lm } => format!("link manager {lm}"),
        Location::Lcs { lcs } => format!("lcs {lcs}"),
        Location::Server { server: s } => server(s),
        Location::Io { process: p, .. } => format!("io {}", process(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer into a shared buffer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_nth_request_is_followed_and_zero_time_stages_are_not_written() {
        let buf = Shared::default();
        let mut t = RequestTrace::new(Box::new(buf.clone()), 2);
        let ids: Vec<RequestId> = (0..4)
            .map(|slot| RequestId {
                slot,
                generation: 0,
            })
            .collect();
        for &r in &ids {
            t.sent(r);
        }
        assert_eq!(t.followed(ids[0]), Some(0));
        assert_eq!(t.followed(ids[1]), None);
        assert_eq!(t.followed(ids[2]), Some(2));
        t.stage(ids[0], "A", Leg::WireIn, SimTime(0), SimTime(50), "wire");
        t.stage(ids[0], "A", Leg::Admit, SimTime(50), SimTime(50), "wire");
        t.stage(ids[1], "A", Leg::WireIn, SimTime(0), SimTime(50), "wire");
        t.ended(ids[0], "A", SimTime(80), "done");
        t.stage(ids[0], "A", Leg::WireOut, SimTime(80), SimTime(90), "wire");
        t.finish().unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            text,
            "request,class,start_ns,duration_ns,stage,at\n0,A,0,50,wire-in,wire\n0,A,80,0,done,\n"
        );
        assert_eq!(t.lines, 3);
    }
}
