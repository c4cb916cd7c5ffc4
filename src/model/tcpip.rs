//! TCP/IP stacks: where protocol work runs and what it costs.
//!
//! Models the two subsystems the TCP/IPv6 manual compares:
//! - *Conventional* NonStop TCP/IP: a TCP/IP process (`$ZTCn`) pinned to one processor, owning
//!   one PIF, is one IP host. Protocol work (per segment, connect, close) is CPU in that process,
//!   and every socket call of the application is a message-system hop to it: one hop in with
//!   each request, one hop out with each reply.
//! - *Parallel* (NonStop TCP/IPv6, the Parallel Library): the protocol work is done by the
//!   library inside the application's own process and processor, so it costs the same CPU but
//!   no hop; the whole node is one IP host; round-robin filtering hands each new connection to
//!   the next listener sharing the port, at most one listener per processor per port.
//!
//! Both stacks hold at most `backlog` connections per listening socket that the listener has
//! not yet accepted; a SYN arriving at a full backlog is dropped and the client retransmits it
//! after `syn_retry`, doubling each time, up to `syn_retries` times (then the request fails).
//! Whether a full listener's turn is skipped by the filter is undocumented; here the SYN is
//! dropped and, under the parallel stack, the retransmission takes the next listener's turn.
//!
//! Simplifies: one segment per request and per reply (no MSS segmentation, ACK traffic,
//! windows or Nagle); TCP6MON, TCP6MAN and TCP6SAM are off the data path and not modelled;
//! socket migration for cross-processor accepts does not occur (listeners accept locally).

use crate::engine::SimDuration;
use crate::scenario::TcpIp;

use super::ids::ProcessId;

/// The TCP/IP costs of a scenario, applied by both stacks.
impl TcpIp {
    /// Inbound protocol CPU for a request (connect included when it opens the connection).
    pub fn inbound(&self, opens: bool) -> SimDuration {
        self.segment_cpu
            + if opens {
                self.connect_cpu
            } else {
                SimDuration::ZERO
            }
    }
    /// Outbound protocol CPU for a reply (close included when it closes the connection).
    pub fn outbound(&self, closes: bool) -> SimDuration {
        self.segment_cpu
            + if closes {
                self.close_cpu
            } else {
                SimDuration::ZERO
            }
    }
    /// Timeout before SYN retransmission number `attempt` (1-based): doubles each time.
    pub fn syn_timeout(&self, attempt: u32) -> SimDuration {
        SimDuration(
            self.syn_retry
                .as_nanos()
                .saturating_mul(1u64 << (attempt - 1).min(20)),
        )
    }
}

/// Where a listener instance's sockets live.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Conventional: the TCP/IP process that owns the socket. Parallel: none.
    pub tcpip: Option<ProcessId>,
    /// The PIF its traffic crosses; none for a Pathway/XM TCP, whose terminals attach directly.
    pub pif: Option<usize>,
    /// The IP host clients address (conventional: the TCP/IP process; parallel: shared).
    pub ip_host: String,
}
