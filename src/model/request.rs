//! A client request and its journey through the node.
//!
//! Every request follows one path, chosen by the TCP/IP stack and the listener model. `Stage`
//! names the next step; `Cluster::advance` (in `mod.rs`) performs it. IPC hops are counted on
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

use super::ids::{LinkId, SessionId};

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

/// One request in flight.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// The session (connection) it belongs to.
    pub session: SessionId,
    /// The listener (or TCP template) its connection reached.
    pub listener: u16,
    /// The listener instance (or TCP) that handles it.
    pub instance: u32,
    /// Index of its server class in the scenario.
    pub class: u16,
    /// Next step.
    pub stage: Stage,
    /// When the client sent it (first attempt).
    pub created: SimTime,
    /// CPU demand of its work, drawn when it was created (common random numbers).
    pub service: SimDuration,
    /// Non-CPU time of its work (I/O), drawn when it was created.
    pub io: SimDuration,
    /// True if it opens its connection (carries the SYN and the accept).
    pub opens_connection: bool,
    /// True if it closes its connection.
    pub closes_connection: bool,
    /// SYN retransmissions so far.
    pub syn_attempts: u32,
    /// IPC hops crossed so far.
    pub hops: u8,
    /// Where its Pathsend requests go: index of its route (send target and class).
    pub route: u16,
    /// The link carrying it, while it has one.
    pub link: Option<LinkId>,
    /// The server (index in `Pathway::servers`) holding it, while it has one.
    pub server: Option<u32>,
    /// The server class instance that served it (for per-class statistics).
    pub served_by: Option<u16>,
    /// Unique per request, so a timer can tell whether its request slot was reused.
    pub serial: u32,
    /// Failed with a Pathsend error while its server still works on it: the server's reply
    /// is discarded and the request leaves then.
    pub abandoned: bool,
    /// When it joined its server class queue.
    pub queued_at: SimTime,
    /// Time it waited in the server class queue.
    pub queue_wait: SimDuration,
}
