//! The words of a leg's line: what a burst does with the messages, and at what rate per
//! message end.

use super::ns;
use crate::model::itinerary::MsgWork;

/// The rate a burst's message ends with the server pay, for its line.
#[derive(Clone, Copy)]
pub(super) enum Rate {
    /// Charged before the server is chosen: ServerNet (true) or same-processor.
    Before(bool),
    /// Once the server is known: this share of the requests has it in another processor.
    Server(f64),
}

/// One message end's rate for a leg's line, when the message system charges ServerNet ends
/// differently from same-processor ones: `" 10.41 us ServerNet"`, `" 10.41 us ServerNet (67 %
/// of servers) or 5.20 us same processor"`; nothing when the rates are equal.
pub(super) fn describe_end(ipc: &crate::scenario::MessageSystem, bytes: u32, rate: Rate) -> String {
    if !ipc.cpu_differs() {
        return String::new();
    }
    let us = |cross: bool| ns(ipc.cpu(cross, bytes)) / 1e3;
    match rate {
        Rate::Before(true) => format!(" {:.2} us ServerNet", us(true)),
        Rate::Before(false) => format!(" {:.2} us same processor", us(false)),
        Rate::Server(f) if f >= 1.0 => format!(" {:.2} us ServerNet", us(true)),
        Rate::Server(f) if f <= 0.0 => format!(" {:.2} us same processor", us(false)),
        Rate::Server(f) => format!(
            " {:.2} us ServerNet ({:.0} % of servers) or {:.2} us same processor",
            us(true),
            100.0 * f,
            us(false)
        ),
    }
}

/// What a burst does with the messages, for the leg's line: `" (TCP in 3 seg; IPC 2 x
/// 4096 B)"`, or nothing when it touches no message. Where ServerNet ends cost other than
/// same-processor ones, each group of ends says its rate per end.
pub(super) fn describe(
    m: &MsgWork,
    bytes: [u32; 2],
    stack: &crate::scenario::TcpIp,
    ipc: &crate::scenario::MessageSystem,
    server: Rate,
) -> String {
    let mut parts = Vec::new();
    for (k, dir) in [(0, "in"), (1, "out")] {
        if m.tcp[k] {
            let n = stack.segments(bytes[k]);
            parts.push(format!("TCP {dir} {n} seg, {} ACK", n.div_ceil(2)));
        }
    }
    for (k, what) in [(0, "request"), (1, "reply")] {
        let b = bytes[k];
        for (n, peer, rate) in [
            (m.ipc_same[k], "", Rate::Before(false)),
            (m.ipc_cross[k], "", Rate::Before(true)),
            (m.ipc_server[k], " with the server", server),
        ] {
            if n > 0 {
                let each = describe_end(ipc, b, rate);
                let each = if each.is_empty() {
                    each
                } else {
                    format!(",{each} each")
                };
                parts.push(format!("IPC {n} x {what} {b} B{peer}{each}"));
            }
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;
    use crate::scenario::MessageSystem;

    fn ipc(cross_us: u64) -> MessageSystem {
        let us = SimDuration::from_micros;
        MessageSystem {
            cpu_per_message: us(10),
            cpu_per_kib: SimDuration::from_nanos(100),
            cpu_cross_processor_per_message: us(cross_us),
            cpu_cross_processor_per_kib: SimDuration::from_nanos(400),
            latency_same_processor: us(15),
            latency_same_processor_per_kib: SimDuration::ZERO,
            latency_cross_processor: us(30),
            latency_cross_processor_per_kib: SimDuration::ZERO,
        }
    }

    #[test]
    fn an_end_says_its_rate_only_where_servernet_costs_differ() {
        // 4 KiB: 10 + 0.4 = 10.40 us within a processor, 16 + 1.6 = 17.60 us across.
        let m = ipc(16);
        let b = 4096;
        assert_eq!(
            describe_end(&m, b, Rate::Before(true)),
            " 17.60 us ServerNet"
        );
        assert_eq!(
            describe_end(&m, b, Rate::Before(false)),
            " 10.40 us same processor"
        );
        assert_eq!(
            describe_end(&m, b, Rate::Server(1.0)),
            " 17.60 us ServerNet"
        );
        assert_eq!(
            describe_end(&m, b, Rate::Server(0.25)),
            " 17.60 us ServerNet (25 % of servers) or 10.40 us same processor"
        );
        // Equal rates (only the per-KiB part differs here, so make it equal too): nothing.
        let same = MessageSystem {
            cpu_cross_processor_per_kib: SimDuration::from_nanos(100),
            ..ipc(10)
        };
        assert_eq!(describe_end(&same, b, Rate::Server(0.5)), "");
        // A burst's line groups its ends by rate.
        let work = MsgWork::new([1, 0], false, [1, 0], [false, false]);
        let us = SimDuration::from_micros;
        let stack = crate::scenario::TcpIp {
            segment_cpu: us(15),
            ..crate::model::tcpip::free_stack(crate::scenario::StackKind::Parallel)
        };
        assert_eq!(
            describe(&work, [b, 0], &stack, &m, Rate::Before(true)),
            " (IPC 1 x request 4096 B, 10.40 us same processor each; IPC 1 x request 4096 B with the server, 17.60 us ServerNet each)"
        );
    }
}
