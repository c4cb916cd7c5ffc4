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
//! Protocol CPU of a message of `b` bytes (a request in, or a reply out), in the stack's burst:
//! `segment_cpu` (the fixed part: the socket call and the message's protocol set-up) +
//! `per_segment_cpu x n` with `n = max(1, ceil(b / mss))` segments + `copy_cpu_per_kib x b /
//! 1024` (the copy between socket buffers and the application) + `ack_cpu x ceil(n / 2)`
//! (delayed ACK: one per two segments, sent or processed by the same stack) [I]. The
//! conventional stack also copies the data through the message system to the application (the
//! IPC hop between the TCP/IP process and the listener, whose CPU and latency grow with the
//! size too); the parallel library works in the application's own process, so it has no such
//! hop. Every default is a placeholder [I].
//!
//! Simplifies: segmentation costs CPU but not time on the wire (the PIF serialises the whole
//! message as one frame); no windows, slow start, Nagle or retransmission; ACKs cost CPU but
//! no frames; TCP6MON, TCP6MAN and TCP6SAM are off the data path and not modelled; socket
//! migration for cross-processor accepts does not occur (listeners accept locally).

use crate::engine::SimDuration;
use crate::scenario::TcpIp;

use super::ids::ProcessId;
use super::message_system::per_kib;
use super::processor::{Cpus, ProcessKind};

/// The TCP/IP costs of a scenario, applied by both stacks.
impl TcpIp {
    /// Segments of a message of `bytes`: `max(1, ceil(bytes / mss))` (an empty message still
    /// takes one).
    pub fn segments(&self, bytes: u32) -> u32 {
        bytes.div_ceil(self.mss).max(1)
    }
    /// Protocol CPU of one message of `bytes` (connect and close are separate).
    pub fn protocol_cpu(&self, bytes: u32) -> SimDuration {
        let n = u64::from(self.segments(bytes));
        self.segment_cpu
            + SimDuration::from_nanos(self.per_segment_cpu.as_nanos() * n)
            + per_kib(self.copy_cpu_per_kib, bytes)
            + SimDuration::from_nanos(self.ack_cpu.as_nanos() * n.div_ceil(2))
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

/// The conventional stack's TCP/IP processes (`$ZTCn`), in scenario order (none under the
/// parallel stack), each a process pair [F V6MIG page-29]. The scenario does not name a
/// backup's processor: it is taken as the next processor [I].
pub fn spawn_processes(sc: &crate::scenario::Scenario, cpus: &mut Cpus) -> Vec<ProcessId> {
    sc.tcpip
        .processes
        .iter()
        .map(|t| {
            let p = cpus.spawn(
                t.name.clone(),
                ProcessKind::TcpIp,
                t.processor,
                sc.tcpip.priority,
            );
            if sc.system.processors > 1 {
                cpus.pair(p, (t.processor + 1) % sc.system.processors);
            }
            p
        })
        .collect()
}

/// Where a listener instance's sockets live.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Conventional: the TCP/IP process that owns the socket. Parallel: none.
    pub tcpip: Option<ProcessId>,
    /// The IP host whose PIFs its traffic crosses (index into `Lan::hosts`); none for a
    /// Pathway/XM TCP, whose terminals attach directly.
    pub host: Option<u16>,
    /// The IP host clients address (conventional: the TCP/IP process; parallel: shared).
    pub ip_host: String,
}

/// A stack of kind `stack` whose every cost is zero (MSS 1460, backlog 5), for unit tests to
/// set the costs they need with `..`.
#[cfg(test)]
pub fn free_stack(stack: crate::scenario::StackKind) -> TcpIp {
    TcpIp {
        stack,
        segment_cpu: SimDuration::ZERO,
        per_segment_cpu: SimDuration::ZERO,
        copy_cpu_per_kib: SimDuration::ZERO,
        ack_cpu: SimDuration::ZERO,
        mss: 1460,
        pifs: vec![],
        failover: vec![],
        shared_ip: false,
        connect_cpu: SimDuration::ZERO,
        close_cpu: SimDuration::ZERO,
        backlog: 5,
        syn_retry: SimDuration::from_secs(1),
        syn_retries: 3,
        processes: vec![],
        priority: 199,
        clims: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::StackKind;

    #[test]
    fn protocol_cpu_counts_segments_copy_and_acks() {
        let us = SimDuration::from_micros;
        let t = TcpIp {
            segment_cpu: us(10),
            per_segment_cpu: us(2),
            copy_cpu_per_kib: us(1),
            ack_cpu: us(3),
            ..free_stack(StackKind::Parallel)
        };
        // 30 KiB = 30,720 bytes: 22 segments of 1460, 11 ACKs: 10 + 44 + 30 + 33 = 117 us.
        assert_eq!(t.segments(30 * 1024), 22);
        assert_eq!(t.protocol_cpu(30 * 1024), us(117));
        // An empty message is one segment and one ACK.
        assert_eq!(t.protocol_cpu(0), us(15));
        // 1460 bytes is one segment, 1461 two (still one ACK).
        assert_eq!(t.segments(1460), 1);
        assert_eq!(t.segments(1461), 2);
    }
}
