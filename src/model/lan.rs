//! LAN adapters: the ports (PIFs) frames cross between the clients and the node.
//!
//! Models: each PIF serialises frames at its bandwidth, one at a time per direction (full
//! duplex), first come first served; a frame's size is its message's bytes. The one-way
//! client-to-adapter latency (wire, switches, the client's own stack) is added on top.
//! Conventional TCP/IP needs a PIF per TCP/IP process (each is its own IP host); TCP/IPv6 puts
//! the node's single IP host on one shared LIF/PIF and filters connections to listeners.
//!
//! Simplifies: no Ethernet framing overhead, MTU segmentation, loss or retransmission; no
//! ServerNet transfer from the adapter to the processor (folded into the latency); no
//! adapter failover (a later fault-model issue adds it).

use crate::engine::{SimDuration, SimTime};

/// One physical interface (an Ethernet port of a G4SA-like adapter).
#[derive(Debug)]
pub struct Pif {
    /// Name such as `G4SA0.0.A`.
    pub name: String,
    /// Nanoseconds to send one byte (8 / bandwidth).
    ns_per_byte: f64,
    in_free_at: SimTime,
    out_free_at: SimTime,
    /// Inbound busy time in the measurement window [ns].
    pub busy_in_ns: u64,
    /// Outbound busy time in the measurement window [ns].
    pub busy_out_ns: u64,
}

/// Direction of a frame through a PIF.
#[derive(Clone, Copy, Debug)]
pub enum Direction {
    /// From the client towards the node.
    In,
    /// From the node towards the client.
    Out,
}

impl Pif {
    /// A PIF named `name` with `bandwidth_bps` bits per second each way.
    pub fn new(name: String, bandwidth_bps: f64) -> Self {
        assert!(bandwidth_bps > 0.0, "PIF bandwidth must be positive");
        Pif {
            name,
            ns_per_byte: 8e9 / bandwidth_bps,
            in_free_at: SimTime::ZERO,
            out_free_at: SimTime::ZERO,
            busy_in_ns: 0,
            busy_out_ns: 0,
        }
    }

    /// Time the port needs to send a frame of `bytes`.
    pub fn frame_time(&self, bytes: u32) -> SimDuration {
        SimDuration::from_nanos((f64::from(bytes) * self.ns_per_byte).round() as u64)
    }

    /// Queues a frame of `bytes` at `now`; returns when its last bit has been sent.
    /// Busy time is accounted by the caller when the frame has gone (`account`), so that
    /// a measurement window cut short by `max_requests` is still measured exactly.
    pub fn transmit(&mut self, now: SimTime, bytes: u32, dir: Direction) -> SimTime {
        let d = self.frame_time(bytes);
        let free_at = match dir {
            Direction::In => &mut self.in_free_at,
            Direction::Out => &mut self.out_free_at,
        };
        let done = now.max(*free_at) + d;
        *free_at = done;
        done
    }

    /// Adds `busy_ns` of the measurement window to direction `dir`.
    pub fn account(&mut self, dir: Direction, busy_ns: u64) {
        match dir {
            Direction::In => self.busy_in_ns += busy_ns,
            Direction::Out => self.busy_out_ns += busy_ns,
        }
    }
}
