//! The Guardian message system: inter-process messages (IPC "hops") over ServerNet.
//!
//! Models: a message costs CPU in the sending process and again in the receiving process
//! (`cpu_per_message`, charged inside their bursts), and takes a delivery latency that differs
//! between two processes in the same processor and two in different processors. Every
//! message a request crosses is counted as a hop.
//!
//! Simplifies: cost does not depend on message size; no ServerNet fabric contention, X/Y path
//! choice or fabric failure. No modern per-message figure is published: the defaults are
//! placeholders to calibrate (historically cross-processor was about 1.5x same-processor).

use crate::engine::SimDuration;
use crate::scenario::MessageSystem;

use super::ids::ProcessorId;

impl MessageSystem {
    /// Delivery latency of a message from a process in `a` to one in `b`.
    pub fn latency(&self, a: ProcessorId, b: ProcessorId) -> SimDuration {
        if a == b {
            self.latency_same_processor
        } else {
            self.latency_cross_processor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_processor_messages_take_the_cross_processor_latency() {
        let m = MessageSystem {
            cpu_per_message: SimDuration::from_micros(5),
            latency_same_processor: SimDuration::from_micros(10),
            latency_cross_processor: SimDuration::from_micros(15),
        };
        assert_eq!(m.latency(ProcessorId(1), ProcessorId(1)).as_nanos(), 10_000);
        assert_eq!(m.latency(ProcessorId(1), ProcessorId(2)).as_nanos(), 15_000);
    }
}
