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

use super::pathway::LinkId;

/// Index of a request in the request slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestId(pub u32);

/// Index of a client session (one TCP connection at a time) in the session slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionId(pub u32);

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

/// A slab of values with a free list: ids are reused, so memory stays flat in run length and
/// nothing is allocated per request once the slab has grown to the largest population.
#[derive(Debug)]
pub(crate) struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value`, returning its index.
    pub fn insert(&mut self, value: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            self.items[i as usize] = Some(value);
            i
        } else {
            self.items.push(Some(value));
            u32::try_from(self.items.len() - 1).expect("more than 2^32 live items")
        }
    }
    /// Removes and returns the value at `i`.
    pub fn remove(&mut self, i: u32) -> T {
        let v = self.items[i as usize]
            .take()
            .expect("slab: removing a free slot");
        self.free.push(i);
        self.live -= 1;
        v
    }
    /// The value at `i`; panics if the slot is free (a dangling id is a bug).
    pub fn get(&self, i: u32) -> &T {
        self.items[i as usize].as_ref().expect("slab: dangling id")
    }
    /// The value at `i`, if the slot is in use.
    pub fn try_get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize).and_then(Option::as_ref)
    }
    /// The value at `i`, mutably.
    pub fn get_mut(&mut self, i: u32) -> &mut T {
        self.items[i as usize].as_mut().expect("slab: dangling id")
    }
    /// Number of live values.
    pub fn len(&self) -> usize {
        self.live
    }
    /// True when no value is live.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}
