//! A client request and its journey through the node.
//!
//! Every request follows one path, chosen by the TCP/IP stack and the listener model. `Stage`
//! names the next step; `Node::advance` (in `path.rs`) performs it. IPC hops are counted on
//! the request as they are crossed.
//!
//! ```text
//!  client ──LAN──▶ PIF ──▶ [conventional: TCP/IP process ──hop──▶] listener ─┐
//!                                                                              │
//!     distributor: ──Pathsend hop──▶ server process (service, I/O) ──hop──▶ listener
//!                  (over a link of its processor's link manager; see pathway.rs)
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

use crate::engine::{SimDuration, SimTime};

use super::ids::{LinkId, ProcessId, RequestId, SessionId, Slab};

/// The next step of a request's journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// On the wire from the client; at the adapter port next: serialise the frame inbound.
    AtAdapterIn,
    /// Delivered by the adapter to the stack's processor: inbound protocol work.
    StackIn,
    /// Conventional: the TCP/IP process finished inbound work; IPC hop to the listener.
    StackInDone,
    /// Delivered to the listener process: receive, accept, handle (and, for a parallel
    /// listener, do the work).
    ListenerIn,
    /// The listener's inbound burst ended: Pathsend (distributor) or I/O / reply (parallel).
    ListenerInDone,
    /// Delivered to its server process: receive and service.
    ServerIn,
    /// The server's service burst ended: I/O, then reply.
    ServiceDone,
    /// The server's I/O ended: reply burst.
    ServerIoDone,
    /// The server's reply burst ended: server freed, IPC hop back to the listener.
    ServerReplyDone,
    /// A parallel listener's I/O ended: reply burst.
    ListenerIoDone,
    /// Delivered back to the listener (distributor) with the reply: relay it.
    ListenerOut,
    /// The listener's outbound burst ended: to the stack (conventional hop) or the adapter.
    ListenerOutDone,
    /// Conventional: delivered to the TCP/IP process for outbound protocol work.
    StackOut,
    /// Outbound protocol work done: serialise the reply at the adapter.
    StackOutDone,
    /// The reply is serialised; on the wire to the client.
    ToClient,
    /// The reply reached the client.
    Done,
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
    /// The server (index in `Pathway::servers`) holding it, while it has one.
    pub server: Option<u32>,
    /// The server class instance that served it (for per-class statistics).
    pub served_by: Option<u16>,
    /// When it joined its link manager's queue.
    pub queued_at: SimTime,
    /// Time it waited there.
    pub queue_wait: SimDuration,
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
    /// Next step.
    pub stage: Stage,
    /// When the client sent it (first attempt).
    pub created: SimTime,
    /// Its work.
    pub demand: Demand,
    /// Its connection.
    pub conn: Conn,
    /// IPC hops crossed so far.
    pub hops: u8,
    /// Its Pathsend.
    pub send: Send,
    /// Unique per request, so a timer can tell whether its request slot was reused.
    pub serial: u32,
    /// Failed with a Pathsend error while its server still works on it: the server's reply
    /// is discarded and the request leaves then.
    pub abandoned: bool,
}

/// The requests in flight.
#[derive(Debug, Default)]
pub struct Requests {
    slab: Slab<Request, RequestId>,
    /// Requests failed with a Pathsend error whose server still holds them (counted as failed,
    /// not in flight).
    pub abandoned: usize,
}

impl Requests {
    /// Adds a request.
    pub fn insert(&mut self, r: Request) -> RequestId {
        self.slab.insert(r)
    }
    /// Removes a request that has left.
    pub fn remove(&mut self, r: RequestId) -> Request {
        self.slab.remove(r)
    }
    /// The request `r` (panics if it has left: a dangling id is a bug).
    pub fn get(&self, r: RequestId) -> &Request {
        self.slab.get(r)
    }
    /// The request `r`, mutably.
    pub fn get_mut(&mut self, r: RequestId) -> &mut Request {
        self.slab.get_mut(r)
    }
    /// The request `r`, if it is still in the node.
    pub fn try_get(&self, r: RequestId) -> Option<&Request> {
        self.slab.try_get(r)
    }
    /// True when no request is in the node.
    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }
    /// Requests in flight: in the node and not yet counted as failed.
    pub fn in_flight(&self) -> usize {
        self.slab.len() - self.abandoned
    }
}
