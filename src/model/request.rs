//! A client request, where it is, and the requests in flight.
//!
//! Every request follows the itinerary of its listener instance (`itinerary.rs`), leg by
//! leg; `leg` is the one it is on and [`Location`] says where that leaves it and which pending
//! event ends that leg ([`Location::pending`]), so a fault model can ask every request which
//! processor holds it and cancel exactly the event it waits for. IPC hops are counted on the request
//! as they are crossed.
//!
//! ```text
//!  client ──LAN──▶ PIF ──▶ [conventional: TCP/IP process ──hop──▶] listener ─┐
//!                                                                              │
//!     distributor: ──Pathsend hop──▶ server process (service, I/O) ──hop──▶ listener
//!                  (over a link of its processor's link manager; see pathway/)
//!     Pathway/XM distributed class: TCP ──hop──▶ LCS ──hop──▶ server (pathway/lcs.rs)
//!     parallel listener: service in the listener's own process (no hop)         │
//!                                                                              ▼
//!  client ◀──LAN── PIF ◀── [conventional: TCP/IP process ◀──hop──] listener ◀─┘
//!
//!  hops per request: conventional distributor 4, TCP/IPv6 distributor 2,
//!                    TCP/IPv6 parallel listener 0 (2 with a local server class),
//!                    conventional parallel listener 2
//! ```
//!
//! The first request of a connection carries the connection set-up: one extra client round
//! trip for the handshake, the stack's connect CPU, the listen backlog check, and the
//! listener's accept CPU. The last request of a connection carries the close CPU.
//!
//! Its client learns its outcome exactly once: its reply (completed), its error (refused, or
//! a Pathsend error), or its own patience running out (abandoned). A request can stay in the
//! node after that, *answered*: failed at its server (904, 918: the server finishes and the
//! reply is discarded at release) or abandoned (the node finishes the work for no one). An
//! answered request is not in flight, and nothing it meets later is counted as its outcome.

use crate::engine::{ActionKey, SimDuration, SimTime};

use super::ids::{LinkId, ProcessId, ProcessorId, RequestId, SessionId, Slab};

/// Where a request is while it waits for its current leg to end, with the key of the event
/// that ends that leg where the request itself is waiting for one: a failure cancels exactly
/// that event. Where the leg ends by another part's event (a burst in `Cpus`, a link from
/// Pathway, its server's burst), that part holds the key and says what its failure means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Just created, or sent again after a SYN retransmission: no leg begun yet.
    New,
    /// On the client wire (either way).
    Wire {
        /// The end of the wire time (`Step`).
        step: ActionKey,
    },
    /// Being serialised at an adapter port (either way).
    Lan {
        /// The PIF.
        pif: u16,
        /// The end of its frame (`Step`).
        step: ActionKey,
    },
    /// Its frame was lost at a failed adapter port (either way); TCP sends it again when this
    /// fires (`Retransmit`, `faults.tcp_rto` after the loss).
    Retransmit {
        /// The retransmission timer.
        step: ActionKey,
    },
    /// A fault failed its previous attempt; its requester reissues it when this fires
    /// (`Reissue`, the retry policy's backoff after the failure; `retry.rs`).
    Backoff {
        /// The reissue timer.
        retry: ActionKey,
    },
    /// Its SYN was dropped at a full listen backlog (or lost at a failed adapter port); the
    /// client retransmits when this fires.
    Backlog {
        /// The retransmission timer (`SynRetry`).
        retry: ActionKey,
    },
    /// A CPU burst for it is queued at, or running in, a process (the process's running
    /// burst's `BurstDone` key is kept by `Cpus`).
    Cpu {
        /// The process.
        process: ProcessId,
    },
    /// A message for it is in the message system, to a process in `to`.
    Transit {
        /// The receiving processor.
        to: ProcessorId,
        /// The message's arrival (`Step`); none for a message that takes no time, which the
        /// node moves on before the event that sent it ends (no other event sees it).
        step: Option<ActionKey>,
    },
    /// Waiting at a link manager for a link (its call timeout, if any, is `Send::call_timeout`).
    LinkWait {
        /// The link manager.
        lm: u32,
    },
    /// At a Pathway/XM LCS: in its receive or send burst for the request (whose key `Cpus`
    /// keeps), or in its queue.
    Lcs {
        /// The LCS (index in Pathway's LCSs).
        lcs: u32,
    },
    /// In a server's $RECEIVE queue, or being served (its receive-and-service burst, whose
    /// key `Cpus` keeps).
    Server {
        /// The server (index in Pathway's servers).
        server: u32,
    },
    /// In I/O issued by a process.
    Io {
        /// The process.
        process: ProcessId,
        /// The I/O's completion (`Step`).
        step: ActionKey,
    },
}

impl Location {
    /// The key of the event the request waits for here, if the request holds it.
    pub fn pending(self) -> Option<ActionKey> {
        match self {
            Location::Wire { step }
            | Location::Lan { step, .. }
            | Location::Retransmit { step }
            | Location::Io { step, .. } => Some(step),
            Location::Backlog { retry } | Location::Backoff { retry } => Some(retry),
            Location::Transit { step, .. } => step,
            Location::New
            | Location::Cpu { .. }
            | Location::LinkWait { .. }
            | Location::Lcs { .. }
            | Location::Server { .. } => None,
        }
    }
}

/// What a request's work needs, drawn when it is created (common random numbers).
#[derive(Clone, Copy, Debug)]
pub struct Demand {
    /// CPU demand of its work.
    pub service: SimDuration,
    /// Non-CPU time of its work (I/O).
    pub io: SimDuration,
}

/// The request's place in its TCP connection.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    /// True if it opens its connection (carries the SYN and the accept).
    pub opens: bool,
    /// True if it closes its connection.
    pub closes: bool,
    /// SYN retransmissions so far.
    pub syn_attempts: u32,
}

/// Where its Pathsend goes and what carries it there.
#[derive(Clone, Copy, Debug)]
pub struct Send {
    /// Index of its route (send target and class).
    pub route: u16,
    /// The requester (listener instance or TCP) process that sends it.
    pub requester: ProcessId,
    /// The link carrying it, while it has one.
    pub link: Option<LinkId>,
    /// The server (index in `Pathway::servers`) that holds or held it.
    pub server: Option<u32>,
    /// The server class instance that served it (for per-class statistics).
    pub served_by: Option<u16>,
    /// When it joined its link manager's queue.
    pub queued_at: SimTime,
    /// Time it waited there.
    pub queue_wait: SimDuration,
    /// Its TIMEOUT timer, while it is at its server.
    pub timeout: Option<ActionKey>,
    /// Its Pathsend call timeout timer, while the send is outstanding.
    pub call_timeout: Option<ActionKey>,
    /// Counted as outstanding against the link manager's limits (from the send until the
    /// reply or the error).
    pub outstanding: bool,
}

/// One request in flight.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// The session (connection) it belongs to.
    pub session: SessionId,
    /// The listener (or TCP template) its connection reached.
    pub listener: u16,
    /// The listener instance (or TCP) that handles it.
    pub instance: u32,
    /// Index of its class name.
    pub class: u16,
    /// The leg of its itinerary it is on.
    pub leg: u8,
    /// Where that leaves it.
    pub at: Location,
    /// When the client sent it (first attempt: a reissue keeps its original's).
    pub created: SimTime,
    /// Its attempt: 0 for the client's send, n for the requester's n-th reissue after a fault
    /// (`retry.rs`). A reissue is the same request as its original: it inherits the
    /// original's session, class, work, sizes and `created`.
    pub attempt: u8,
    /// Its work.
    pub demand: Demand,
    /// Sizes of its request and its reply \[bytes\] (0 for a Pathway/XM terminal's).
    pub bytes: [u32; 2],
    /// The PIF its connection uses (the IP host's address it connected to).
    pub pif: u16,
    /// Its connection.
    pub conn: Conn,
    /// IPC hops crossed so far.
    pub hops: u8,
    /// Its Pathsend.
    pub send: Send,
    /// When its current leg began.
    pub leg_started: SimTime,
    /// Time so far in each part of its latency (`stats::LEG_KINDS` order) [ns].
    pub spent_ns: [u64; 9],
    /// Failed with a Pathsend error (904, 918) while its server still works on it: the
    /// server's reply is discarded and the request leaves then.
    pub send_failed: bool,
    /// Its client stopped waiting for it (abandonment): the node goes on with its work, which
    /// no one waits for, until it leaves (see `Node::abandon`).
    pub client_gone: bool,
    /// The client's abandonment timer, while the client waits for its reply.
    pub patience: Option<ActionKey>,
    /// Its connection is gone with a failure (its client has its error): it leaves the node
    /// at its next Pathsend or at the client, uncounted, or with its reply discarded at its
    /// server (`failure.rs`).
    pub lost: bool,
}

impl Request {
    /// Its client has its outcome (an error, or it abandoned the request), yet the request
    /// is still in the node: no longer in flight, and nothing it does is counted again.
    pub fn answered(&self) -> bool {
        self.send_failed || self.client_gone
    }
}

/// The requests in flight.
#[derive(Debug, Default)]
pub struct Requests {
    slab: Slab<Request, RequestId>,
    /// Requests in the node whose client has its outcome ([`Request::answered`]): counted as
    /// failed, not in flight.
    answered: usize,
}

impl Requests {
    /// Adds a request.
    pub fn insert(&mut self, r: Request) -> RequestId {
        self.slab.insert(r)
    }
    /// Removes a request that has left. It is dropped where it is, not returned: a request
    /// is a few hundred bytes, and the node reads what it needs of it before.
    pub fn remove(&mut self, r: RequestId) {
        if self.slab.get(r).answered() {
            self.answered -= 1;
        }
        self.slab.free(r);
    }
    /// `r` failed with a Pathsend error at its server: its reply will be discarded.
    pub fn fail_at_server(&mut self, r: RequestId) {
        let req = self.slab.get_mut(r);
        if !req.answered() {
            self.answered += 1;
        }
        req.send_failed = true;
    }
    /// The client of `r` stopped waiting for it.
    pub fn client_left(&mut self, r: RequestId) {
        let req = self.slab.get_mut(r);
        if !req.answered() {
            self.answered += 1;
        }
        req.client_gone = true;
    }
    /// The request `r` (panics if it has left: a dangling id is a bug).
    pub fn get(&self, r: RequestId) -> &Request {
        self.slab.get(r)
    }
    /// The request `r`, mutably.
    pub fn get_mut(&mut self, r: RequestId) -> &mut Request {
        self.slab.get_mut(r)
    }
    /// True when no request is in the node.
    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }
    /// Requests in the node, answered ones included (what memory holds).
    pub fn len(&self) -> usize {
        self.slab.len()
    }
    /// Requests in flight: in the node and not yet counted as failed.
    pub fn in_flight(&self) -> usize {
        self.slab.len() - self.answered
    }
    /// Every request in the node with its id, answered ones included.
    pub fn iter(&self) -> impl Iterator<Item = (RequestId, &Request)> {
        self.slab.iter()
    }
}
