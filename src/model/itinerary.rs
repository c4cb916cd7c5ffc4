//! A request's path as data: the legs a request crosses, built once per listener instance (or
//! Pathway/XM TCP) from the scenario, then interpreted by `Node::run` (`path.rs`).
//!
//! ```text
//!  conventional distributor (Figure 3-3), 4 hops:
//!    wire -> PIF -> cpu $ZTCn -> hop -> cpu $DIST -> Pathsend (hop) -> server work -> I/O
//!         -> cpu server (reply) -> release -> hop -> cpu $DIST -> hop -> cpu $ZTCn -> PIF -> wire
//!  TCP/IPv6 distributor, 2 hops:   wire -> PIF -> cpu $DIST -> Pathsend ... hop -> cpu $DIST -> PIF
//!  TCP/IPv6 parallel listener, 0:  wire -> PIF -> cpu $LSNR (service) -> I/O -> cpu $LSNR -> PIF
//! ```
//!
//! A leg's cost may depend on the request: its CPU is fixed, plus the connect / accept CPU if
//! the request opens its connection, the close CPU if it closes it, and the class's service
//! demand where the work is done. A leg that costs nothing for a request (zero CPU, zero
//! latency, an empty frame) is skipped by the interpreter, not scheduled, so a model reduced
//! to a textbook queue runs as few events as a hand-written loop.
//!
//! Simplifies: the itinerary does not depend on the class or the server's processor; the
//! server is chosen at run time by Pathway, and the hop latency to it (same or cross
//! processor) is looked up when the hop is crossed. `explain` prints both cases.

use crate::engine::SimDuration;
use crate::scenario::{MessageSystem, TcpIp};

use super::ids::ProcessId;

/// Who runs a burst, sends or receives a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// A fixed process: a TCP/IP process, a listener instance, a Pathway/XM TCP.
    Process(ProcessId),
    /// The server process Pathway gave the request to.
    Server,
}

/// The CPU cost of a burst for one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Paid by every request.
    pub fixed: SimDuration,
    /// Added when the request opens its connection (connect, accept).
    pub open: SimDuration,
    /// Added when the request closes its connection.
    pub close: SimDuration,
    /// The class's service demand is done here.
    pub service: bool,
}

impl Cost {
    /// The cost for a request with these flags and this service demand.
    pub fn of(&self, opens: bool, closes: bool, service: SimDuration) -> SimDuration {
        let mut d = self.fixed;
        if opens {
            d += self.open;
        }
        if closes {
            d += self.close;
        }
        if self.service {
            d += service;
        }
        d
    }
}

/// One leg of a request's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    /// Client to adapter: one way, plus the SYN / SYN-ACK round trip when the request opens
    /// its connection (a terminal: one way).
    WireIn,
    /// The request frame is serialised inbound at a PIF.
    LanIn {
        /// The PIF.
        pif: u16,
    },
    /// An opening request's SYN meets the listen backlog: queued for accept or dropped.
    Admit,
    /// A CPU burst.
    Cpu {
        /// The process.
        who: Who,
        /// Its cost.
        cost: Cost,
    },
    /// An IPC message (a hop).
    Hop {
        /// Sender.
        from: Who,
        /// Receiver.
        to: Who,
    },
    /// The listener has handled the request's inbound part (accept and request counters).
    Handled,
    /// `SERVERCLASS_SEND_`: a link from the requester's link manager, then one hop to the
    /// server.
    Pathsend,
    /// The server's $RECEIVE queue, then one burst: receive (one message) and the service
    /// demand.
    ServerWork,
    /// The request's I/O (non-CPU time), issued by `who`.
    Io {
        /// The process waiting for the I/O.
        who: Who,
    },
    /// The server has sent its reply: its link is free, it takes its next request.
    Release,
    /// The reply frame is serialised outbound at a PIF, then crosses the wire.
    LanOut {
        /// The PIF.
        pif: u16,
    },
    /// Node to terminal: one way.
    WireOut,
    /// The reply reached the client.
    Done,
}

/// The legs of one listener instance's requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Itinerary {
    /// Legs in order; the last is `Done`.
    pub legs: Vec<Leg>,
    /// CPU of the server's receive-and-service burst, excluding the service demand.
    pub server_receive: SimDuration,
}

/// What the itinerary of a listener instance is built from.
#[derive(Clone, Copy, Debug)]
pub struct PathSpec {
    /// The listener instance's (or TCP's) process.
    pub listener: ProcessId,
    /// Conventional stack: the TCP/IP process owning its socket.
    pub tcpip: Option<ProcessId>,
    /// The PIF its traffic crosses (none for a Pathway/XM TCP).
    pub pif: Option<u16>,
    /// Sends every request through Pathsend (else does the work in-process).
    pub relays: bool,
    /// CPU to accept a connection.
    pub accept: SimDuration,
    /// CPU per request and per reply handled.
    pub handle: SimDuration,
}

impl Itinerary {
    /// Builds the path of a listener instance's requests.
    pub fn build(spec: &PathSpec, ipc: &MessageSystem, stack: &TcpIp) -> Itinerary {
        let m = ipc.cpu_per_message;
        let l = Who::Process(spec.listener);
        let mut legs = vec![Leg::WireIn];
        // The listener's own inbound work: accept a new connection, handle; then either the
        // Pathsend send (one message) or the request's whole service demand.
        let own = Cost {
            fixed: spec.handle + if spec.relays { m } else { SimDuration::ZERO },
            open: spec.accept,
            close: SimDuration::ZERO,
            service: !spec.relays,
        };
        match (spec.tcpip, spec.pif) {
            (Some(t), Some(pif)) => {
                // Conventional: inbound protocol work and the send to the listener in the
                // TCP/IP process, a hop, then the listener receives the message.
                let t = Who::Process(t);
                legs.extend([
                    Leg::LanIn { pif },
                    Leg::Admit,
                    Leg::Cpu {
                        who: t,
                        cost: Cost {
                            fixed: stack.segment_cpu + m,
                            open: stack.connect_cpu,
                            ..Cost::default()
                        },
                    },
                    Leg::Hop { from: t, to: l },
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            fixed: own.fixed + m,
                            ..own
                        },
                    },
                ]);
            }
            (None, Some(pif)) => {
                // Parallel library: the protocol work is in the listener's own burst.
                legs.extend([
                    Leg::LanIn { pif },
                    Leg::Admit,
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            fixed: own.fixed + stack.segment_cpu,
                            open: own.open + stack.connect_cpu,
                            ..own
                        },
                    },
                ]);
            }
            (_, None) => {
                // A Pathway/XM terminal's input reaches its TCP directly.
                legs.push(Leg::Cpu { who: l, cost: own });
            }
        }
        legs.push(Leg::Handled);
        let receive = if spec.relays {
            legs.extend([
                Leg::Pathsend,
                Leg::ServerWork,
                Leg::Io { who: Who::Server },
                Leg::Cpu {
                    who: Who::Server,
                    cost: Cost {
                        fixed: m,
                        ..Cost::default()
                    },
                },
                Leg::Release,
                Leg::Hop {
                    from: Who::Server,
                    to: l,
                },
            ]);
            m
        } else {
            legs.push(Leg::Io { who: l });
            SimDuration::ZERO
        };
        // The listener handles the reply and passes it on: to the TCP/IP process
        // (conventional, one message) or through the library (parallel: outbound protocol).
        match (spec.tcpip, spec.pif) {
            (Some(t), Some(pif)) => {
                let t = Who::Process(t);
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            fixed: receive + spec.handle + m,
                            ..Cost::default()
                        },
                    },
                    Leg::Hop { from: l, to: t },
                    Leg::Cpu {
                        who: t,
                        cost: Cost {
                            fixed: m + stack.segment_cpu,
                            close: stack.close_cpu,
                            ..Cost::default()
                        },
                    },
                    Leg::LanOut { pif },
                ]);
            }
            (None, Some(pif)) => {
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            fixed: receive + spec.handle + stack.segment_cpu,
                            close: stack.close_cpu,
                            ..Cost::default()
                        },
                    },
                    Leg::LanOut { pif },
                ]);
            }
            (_, None) => {
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            fixed: receive + spec.handle,
                            ..Cost::default()
                        },
                    },
                    Leg::WireOut,
                ]);
            }
        }
        legs.push(Leg::Done);
        assert!(legs.len() < usize::from(u8::MAX), "a short path");
        Itinerary {
            legs,
            server_receive: m,
        }
    }

    /// The leg at `i`.
    pub fn leg(&self, i: u8) -> Leg {
        self.legs[usize::from(i)]
    }

    /// IPC hops a request crosses (Pathsend's hop to the server included).
    pub fn hops(&self) -> u32 {
        self.legs
            .iter()
            .filter(|l| matches!(l, Leg::Hop { .. } | Leg::Pathsend))
            .count() as u32
    }

    /// CPU a request spends along the path, all processes together.
    #[cfg(test)]
    pub fn cpu(&self, opens: bool, closes: bool, service: SimDuration) -> SimDuration {
        self.legs
            .iter()
            .map(|l| match l {
                Leg::Cpu { cost, .. } => cost.of(opens, closes, service),
                Leg::ServerWork => self.server_receive + service,
                _ => SimDuration::ZERO,
            })
            .fold(SimDuration::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::StackKind;

    fn us(n: u64) -> SimDuration {
        SimDuration::from_micros(n)
    }

    fn costs() -> (MessageSystem, TcpIp) {
        let ipc = MessageSystem {
            cpu_per_message: us(10),
            latency_same_processor: us(1),
            latency_cross_processor: us(2),
        };
        let stack = TcpIp {
            stack: StackKind::Conventional,
            segment_cpu: us(20),
            connect_cpu: us(100),
            close_cpu: us(50),
            backlog: 10,
            syn_retry: us(1000),
            syn_retries: 3,
            processes: vec![],
            priority: 200,
        };
        (ipc, stack)
    }

    #[test]
    fn a_conventional_distributor_crosses_four_hops() {
        let (ipc, stack) = costs();
        let spec = PathSpec {
            listener: ProcessId(1),
            tcpip: Some(ProcessId(0)),
            pif: Some(0),
            relays: true,
            accept: us(30),
            handle: us(40),
        };
        let it = Itinerary::build(&spec, &ipc, &stack);
        assert_eq!(it.hops(), 4);
        // TCP/IP in: 20 + 10; listener in: 10 + 40 + 10; server: 10 + S, reply 10;
        // listener out: 10 + 40 + 10; TCP/IP out: 10 + 20. Total 200 us + S, without the
        // connection's 100 + 30 (open) and 50 (close).
        assert_eq!(it.cpu(false, false, us(500)), us(700));
        assert_eq!(it.cpu(true, true, us(500)), us(880));
    }

    #[test]
    fn a_parallel_listener_under_tcpipv6_crosses_none() {
        let (ipc, stack) = costs();
        let spec = PathSpec {
            listener: ProcessId(0),
            tcpip: None,
            pif: Some(0),
            relays: false,
            accept: us(30),
            handle: us(40),
        };
        let it = Itinerary::build(&spec, &ipc, &stack);
        assert_eq!(it.hops(), 0);
        // In: 20 + 40 + S; out: 40 + 20.
        assert_eq!(it.cpu(false, false, us(500)), us(620));
    }
}
