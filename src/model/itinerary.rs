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
//! the request opens its connection, the close CPU if it closes it, the class's service
//! demand where the work is done, and the work on the request's or reply's message that the
//! burst does, which depends on the message's size: each end (send or receive) of an IPC
//! message (`MessageSystem::cpu`), and the TCP protocol work on it (`TcpIp::protocol_cpu`). A
//! leg that costs nothing for a request (zero CPU, zero latency, an empty frame) is skipped by
//! the interpreter, not scheduled, so a model reduced to a textbook queue runs as few events as
//! a hand-written loop.
//!
//! An IPC end pays the same-processor or the ServerNet rate (`MsgWork`): an end whose peer is
//! a fixed process (a conventional TCP/IP process and its listener) is resolved here, from
//! the two processes' processors; an end whose peer is the request's server (or, in the
//! server's bursts, its requester) is resolved per request (`Costing::server_cross`) from the
//! server's processor against the requester's; before Pathway has chosen the server (the
//! requester's own send) it is ServerNet unless the route is local (`message_system.rs`).
//!
//! Simplifies: the itinerary does not depend on the class or the server's processor; the
//! server is chosen at run time by Pathway, and the hop latency to it (same or cross
//! processor) is looked up when the hop is crossed. `explain` prints both cases.

use crate::engine::SimDuration;
use crate::scenario::{MessageSystem, TcpIp};

use super::processor::CpuSplit;

/// Which of a request's two messages a hop or a burst's work carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The request, client to server.
    Request = 0,
    /// The reply, server to client.
    Reply = 1,
}

/// The work a burst does on the request's messages, whose cost depends on their sizes.
/// Counts are of IPC message ends (a send or a receive) of the request \[0\] and the reply
/// \[1\], by the rate they pay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsgWork {
    /// Ends whose peer is a fixed process in the same processor.
    pub ipc_same: [u8; 2],
    /// Ends whose peer is a fixed process in another processor (across ServerNet).
    pub ipc_cross: [u8; 2],
    /// Ends whose peer is the request's server (the requester's send and reply receive) or
    /// its requester (the server's receive and reply send): the rate is the request's.
    pub ipc_server: [u8; 2],
    /// TCP protocol work on the request \[0\] (inbound) and the reply \[1\] (outbound).
    pub tcp: [bool; 2],
    /// CIP: the CLIM's protocol work on the request \[0\] and the reply \[1\], at the
    /// CLIM's costs (`Costing::clim`).
    pub clim: [bool; 2],
}

impl MsgWork {
    /// `fixed` ends whose peer is a fixed process (in another processor if `cross`), `server`
    /// ends whose peer is the request's server or requester, and TCP work `tcp`.
    pub fn new(fixed: [u8; 2], cross: bool, server: [u8; 2], tcp: [bool; 2]) -> MsgWork {
        let none = [0, 0];
        MsgWork {
            ipc_same: if cross { none } else { fixed },
            ipc_cross: if cross { fixed } else { none },
            ipc_server: server,
            tcp,
            clim: [false, false],
        }
    }

    /// Its CPU for messages of `bytes` (request, reply), when the request's server is in
    /// another processor than its requester (`server_cross`; see `Costing::server_cross`).
    pub fn cpu(
        &self,
        bytes: [u32; 2],
        server_cross: bool,
        ipc: &MessageSystem,
        stack: &TcpIp,
    ) -> SimDuration {
        let (ipc, tcp) = self.cpu_parts(bytes, server_cross, ipc, stack);
        ipc + tcp
    }

    /// [`cpu`](Self::cpu) in its two kinds: (message-system ends, TCP protocol work).
    pub fn cpu_parts(
        &self,
        bytes: [u32; 2],
        server_cross: bool,
        ipc: &MessageSystem,
        stack: &TcpIp,
    ) -> (SimDuration, SimDuration) {
        let (mut d, mut tcp) = (SimDuration::ZERO, SimDuration::ZERO);
        for (k, &b) in bytes.iter().enumerate() {
            let each = |n: u8, cross: bool| {
                if n == 0 {
                    SimDuration::ZERO
                } else {
                    SimDuration::from_nanos(u64::from(n) * ipc.cpu(cross, b).as_nanos())
                }
            };
            d += each(self.ipc_same[k], false)
                + each(self.ipc_cross[k], true)
                + each(self.ipc_server[k], server_cross);
            if self.tcp[k] {
                tcp += stack.protocol_cpu(b);
            }
        }
        (d, tcp)
    }
}

use super::ids::ProcessId;

/// Who runs a burst, sends or receives a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// A fixed process: a TCP/IP process, a listener instance, a Pathway/XM TCP.
    Process(ProcessId),
    /// CIP: the stack process of the CLIM carrying the request's connection, on the
    /// connection's core (`clim.rs`).
    Clim,
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
    /// Work on the request's messages (IPC ends, TCP protocol).
    pub msgs: MsgWork,
}

/// What a burst's cost depends on, besides the burst: the request and the costs of messages.
#[derive(Clone, Copy, Debug)]
pub struct Costing<'a> {
    /// The request opens its connection.
    pub opens: bool,
    /// The request closes its connection.
    pub closes: bool,
    /// Its service demand.
    pub service: SimDuration,
    /// Its request and reply sizes \[bytes\].
    pub bytes: [u32; 2],
    /// Its messages to and from its server cross ServerNet: the server is in another
    /// processor than the requester; before Pathway has chosen the server, true unless the
    /// route is local (the server is then in the requester's processor).
    pub server_cross: bool,
    /// Message-system costs.
    pub ipc: &'a MessageSystem,
    /// TCP/IP costs.
    pub stack: &'a TcpIp,
    /// CIP: the protocol CPU per socket call and per KiB of the CLIM carrying the request's
    /// connection (zero under the other stacks).
    pub clim: [SimDuration; 2],
}

impl Cost {
    /// The cost for a request (what [`split`](Self::split) totals).
    #[cfg(test)]
    pub fn of(&self, c: &Costing) -> SimDuration {
        let (opens, closes, service) = (c.opens, c.closes, c.service);
        let mut d = self.fixed + self.msgs.cpu(c.bytes, c.server_cross, c.ipc, c.stack);
        for k in 0..2 {
            if self.msgs.clim[k] {
                d += c.clim[0] + super::message_system::per_kib(c.clim[1], c.bytes[k]);
            }
        }
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

    /// [`of`](Self::of) by kind of CPU: message-system ends, TCP protocol work, and the rest
    /// (the fixed, open and close costs and the service), which is TCP/IP work in a TCP/IP
    /// process (`tcpip_process`) and application work anywhere else. Its total is `of`'s.
    pub fn split(&self, c: &Costing, tcpip_process: bool) -> CpuSplit {
        let (ipc, mut tcp) = self.msgs.cpu_parts(c.bytes, c.server_cross, c.ipc, c.stack);
        // CIP: the CLIM's protocol work per socket call and per KiB is TCP/IP work.
        for k in 0..2 {
            if self.msgs.clim[k] {
                tcp += c.clim[0] + super::message_system::per_kib(c.clim[1], c.bytes[k]);
            }
        }
        let mut own = self.fixed;
        if c.opens {
            own += self.open;
        }
        if c.closes {
            own += self.close;
        }
        let mut split = CpuSplit {
            message_system: ipc,
            tcpip: tcp,
            application: SimDuration::ZERO,
        };
        if tcpip_process {
            split.tcpip += own;
        } else {
            split.application += own;
        }
        if self.service {
            split.application += c.service;
        }
        split
    }
}

/// One leg of a request's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    /// Client to adapter: one way, plus the SYN / SYN-ACK round trip when the request opens
    /// its connection (a terminal: one way).
    WireIn,
    /// The request frame is serialised inbound at the PIF of the IP host's address the
    /// request's connection uses.
    LanIn {
        /// The IP host (index into `Lan::hosts`).
        host: u16,
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
        /// The message it carries (its size sets the latency).
        msg: Msg,
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
    /// The reply frame is serialised outbound at the connection's PIF, then crosses the wire.
    LanOut {
        /// The IP host (index into `Lan::hosts`).
        host: u16,
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
}

/// What the itinerary of a listener instance is built from.
#[derive(Clone, Copy, Debug)]
pub struct PathSpec {
    /// The listener instance's (or TCP's) process.
    pub listener: ProcessId,
    /// Conventional stack: the TCP/IP process owning its socket.
    pub tcpip: Option<ProcessId>,
    /// CIP: the protocol work is on the CLIM carrying the connection (`Who::Clim`).
    pub clim: bool,
    /// The IP host whose PIFs its traffic crosses (none for a Pathway/XM TCP).
    pub host: Option<u16>,
    /// Sends every request through Pathsend (else does the work in-process).
    pub relays: bool,
    /// Conventional stack: the TCP/IP process runs in another processor than the listener,
    /// so the messages between them cross ServerNet.
    pub stack_cross: bool,
    /// CPU to accept a connection.
    pub accept: SimDuration,
    /// CPU per request and per reply handled.
    pub handle: SimDuration,
    /// Under ACS with `pathway.redirector_cpu` > 0: the redirector (`$ZLnn`) of the
    /// listener's processor, which performs each send, and its CPU per send.
    pub redirector: Option<(ProcessId, SimDuration)>,
}

impl Itinerary {
    /// Builds the path of a listener instance's requests.
    pub fn build(spec: &PathSpec, stack: &TcpIp) -> Itinerary {
        let relay = u8::from(spec.relays);
        let l = Who::Process(spec.listener);
        let mut legs = vec![Leg::WireIn];
        // The listener's own inbound work: accept a new connection, handle; then either the
        // Pathsend send (one message end) or the request's whole service demand.
        let own = Cost {
            fixed: spec.handle,
            open: spec.accept,
            close: SimDuration::ZERO,
            service: !spec.relays,
            msgs: MsgWork::new([0, 0], false, [relay, 0], [false, false]),
        };
        // The host<->CLIM messages cross ServerNet.
        let x = spec.stack_cross || spec.clim;
        // Conventional: the TCP/IP process; CIP: the CLIM.
        let stack_at = match (spec.tcpip, spec.clim) {
            (Some(t), _) => Some((Who::Process(t), 1, true, false)),
            (None, true) => Some((Who::Clim, 0, false, true)),
            (None, false) => None,
        };
        match (stack_at, spec.host) {
            (Some((t, ends, tcp, clim)), Some(host)) => {
                // Conventional: inbound protocol work and the send to the listener in the
                // TCP/IP process, a hop (the data copied through the message system), then
                // the listener receives the message. CIP: the same with the protocol work on
                // the CLIM, whose own message ends are in its call CPU.
                legs.extend([
                    Leg::LanIn { host },
                    Leg::Admit,
                    Leg::Cpu {
                        who: t,
                        cost: Cost {
                            open: stack.connect_cpu,
                            msgs: MsgWork {
                                clim: [clim, false],
                                ..MsgWork::new([ends, 0], x, [0, 0], [tcp, false])
                            },
                            ..Cost::default()
                        },
                    },
                    Leg::Hop {
                        from: t,
                        to: l,
                        msg: Msg::Request,
                    },
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            msgs: MsgWork::new([1, 0], x, [relay, 0], [false, false]),
                            ..own
                        },
                    },
                ]);
            }
            (None, Some(host)) => {
                // Parallel library: the protocol work is in the listener's own burst.
                legs.extend([
                    Leg::LanIn { host },
                    Leg::Admit,
                    Leg::Cpu {
                        who: l,
                        cost: Cost {
                            open: own.open + stack.connect_cpu,
                            msgs: MsgWork {
                                tcp: [true, false],
                                ..own.msgs
                            },
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
        if spec.relays {
            if let Some((rout, cpu)) = spec.redirector {
                // ACS: the redirector in the requester's processor performs the send.
                legs.push(Leg::Cpu {
                    who: Who::Process(rout),
                    cost: Cost {
                        fixed: cpu,
                        ..Cost::default()
                    },
                });
            }
            legs.extend([
                Leg::Pathsend,
                Leg::ServerWork,
                Leg::Io { who: Who::Server },
                Leg::Cpu {
                    who: Who::Server,
                    cost: Cost {
                        msgs: MsgWork::new([0, 0], false, [0, 1], [false, false]),
                        ..Cost::default()
                    },
                },
                Leg::Release,
                Leg::Hop {
                    from: Who::Server,
                    to: l,
                    msg: Msg::Reply,
                },
            ]);
        } else {
            legs.push(Leg::Io { who: l });
        }
        // The listener handles the reply (receiving it from the server if it relays) and
        // passes it on: to the TCP/IP process (conventional, one message) or through the
        // library (parallel: outbound protocol).
        // `ends` message ends with a fixed peer (the TCP/IP process) besides the relay's.
        let out = |ends: u8, tcp: bool, close: SimDuration| Cost {
            fixed: spec.handle,
            close,
            msgs: MsgWork::new([0, ends], x, [0, relay], [false, tcp]),
            ..Cost::default()
        };
        match (stack_at, spec.host) {
            (Some((t, ends, tcp, clim)), Some(host)) => {
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: out(1, false, SimDuration::ZERO),
                    },
                    Leg::Hop {
                        from: l,
                        to: t,
                        msg: Msg::Reply,
                    },
                    Leg::Cpu {
                        who: t,
                        cost: Cost {
                            close: stack.close_cpu,
                            msgs: MsgWork {
                                clim: [false, clim],
                                ..MsgWork::new([0, ends], x, [0, 0], [false, tcp])
                            },
                            ..Cost::default()
                        },
                    },
                    Leg::LanOut { host },
                ]);
            }
            (None, Some(host)) => {
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: out(0, true, stack.close_cpu),
                    },
                    Leg::LanOut { host },
                ]);
            }
            (_, None) => {
                legs.extend([
                    Leg::Cpu {
                        who: l,
                        cost: out(0, false, SimDuration::ZERO),
                    },
                    Leg::WireOut,
                ]);
            }
        }
        legs.push(Leg::Done);
        assert!(legs.len() < usize::from(u8::MAX), "a short path");
        Itinerary { legs }
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

    /// CPU a request spends along the path, all processes together; the server's receive
    /// burst is one message end of the request (at the request's server rate) plus the
    /// service demand.
    #[cfg(test)]
    pub fn cpu(&self, c: &Costing) -> SimDuration {
        self.legs
            .iter()
            .map(|l| match l {
                Leg::Cpu { cost, .. } => cost.of(c),
                Leg::ServerWork => c.ipc.cpu(c.server_cross, c.bytes[0]) + c.service,
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
            cpu_per_kib: us(1),
            cpu_cross_processor_per_message: us(10),
            cpu_cross_processor_per_kib: us(1),
            latency_same_processor: us(1),
            latency_same_processor_per_kib: us(0),
            latency_cross_processor: us(2),
            latency_cross_processor_per_kib: us(0),
        };
        let stack = TcpIp {
            segment_cpu: us(20),
            per_segment_cpu: us(2),
            copy_cpu_per_kib: us(1),
            ack_cpu: us(1),
            mss: 1024,
            connect_cpu: us(100),
            close_cpu: us(50),
            ..crate::model::tcpip::free_stack(StackKind::Conventional)
        };
        (ipc, stack)
    }

    fn costing<'a>(c: &'a (MessageSystem, TcpIp), edge: bool, bytes: [u32; 2]) -> Costing<'a> {
        Costing {
            opens: edge,
            closes: edge,
            service: us(500),
            bytes,
            server_cross: true,
            ipc: &c.0,
            stack: &c.1,
            clim: [SimDuration::ZERO; 2],
        }
    }

    #[test]
    fn issue16_item10_a_burst_splits_into_message_system_tcpip_and_application_cpu() {
        // One burst: fixed 40 us, open 100 us and close 50 us (the request opens and closes),
        // one message end of each message across ServerNet (10 us + 1 us/KiB), TCP work on
        // the request (one segment of 1 KiB: 20 + 2 + 1 copy + 1 ACK = 24 us), and the 500 us
        // service.
        let c = costs();
        let cost = Cost {
            fixed: us(40),
            open: us(100),
            close: us(50),
            service: true,
            msgs: MsgWork::new([1, 1], true, [0, 0], [true, false]),
        };
        let costing = costing(&c, true, [1024, 0]);
        // Message system: (10 + 1) + 10 = 21 us. TCP: 24 us. Own: 40 + 100 + 50 = 190 us.
        let app = cost.split(&costing, false);
        assert_eq!(
            (app.message_system, app.tcpip, app.application),
            (us(21), us(24), us(190 + 500))
        );
        // In a TCP/IP process the burst's own cost is TCP/IP work; the service stays
        // application work.
        let tcp = cost.split(&costing, true);
        assert_eq!(
            (tcp.message_system, tcp.tcpip, tcp.application),
            (us(21), us(24 + 190), us(500))
        );
        assert_eq!(app.total(), cost.of(&costing));
        assert_eq!(tcp.total(), cost.of(&costing));
    }

    #[test]
    fn a_conventional_distributor_crosses_four_hops() {
        let c = costs();
        let spec = PathSpec {
            listener: ProcessId(1),
            tcpip: Some(ProcessId(0)),
            clim: false,
            host: Some(0),
            relays: true,
            stack_cross: false,
            accept: us(30),
            handle: us(40),
            redirector: None,
        };
        let it = Itinerary::build(&spec, &c.1);
        assert_eq!(it.hops(), 4);
        // Empty messages: TCP/IP in: (20 + 2 + 1) + 10; listener in: 10 + 40 + 10; server:
        // 10 + S, reply 10; listener out: 10 + 40 + 10; TCP/IP out: 10 + 23. Total 206 us + S,
        // without the connection's 100 + 30 (open) and 50 (close).
        assert_eq!(it.cpu(&costing(&c, false, [0, 0])), us(706));
        assert_eq!(it.cpu(&costing(&c, true, [0, 0])), us(886));
        // A 2 KiB request (2 segments, 1 ACK: +2 + 2 = 4 us of TCP; 4 message ends x 2 us) and
        // a 4 KiB reply (4 segments, 2 ACKs: +6 + 4 + 1 = 11 us; 4 ends x 4 us): +12 + 27 us.
        assert_eq!(it.cpu(&costing(&c, false, [2048, 4096])), us(706 + 12 + 27));
    }

    #[test]
    fn a_parallel_listener_under_tcpipv6_crosses_none() {
        let c = costs();
        let spec = PathSpec {
            listener: ProcessId(0),
            tcpip: None,
            clim: false,
            host: Some(0),
            relays: false,
            stack_cross: false,
            accept: us(30),
            handle: us(40),
            redirector: None,
        };
        let it = Itinerary::build(&spec, &c.1);
        assert_eq!(it.hops(), 0);
        // In: 23 + 40 + S; out: 40 + 23. No message end: sizes cost only TCP work.
        assert_eq!(it.cpu(&costing(&c, false, [0, 0])), us(626));
        // 4 KiB each way: (6 + 4 + 1) x 2 more.
        assert_eq!(it.cpu(&costing(&c, false, [4096, 4096])), us(648));
    }

    #[test]
    fn each_message_end_pays_the_rate_of_its_two_processors() {
        // ServerNet ends cost 25 us + 3 us per KiB, same-processor ones 10 + 1 (`costs`).
        let (mut ipc, stack) = costs();
        ipc.cpu_cross_processor_per_message = us(25);
        ipc.cpu_cross_processor_per_kib = us(3);
        let c = (ipc, stack);
        let at = |stack_cross: bool| PathSpec {
            listener: ProcessId(1),
            tcpip: Some(ProcessId(0)),
            clim: false,
            host: Some(0),
            relays: true,
            stack_cross,
            accept: us(30),
            handle: us(40),
            redirector: None,
        };
        let beside = Itinerary::build(&at(false), &c.1);
        let apart = Itinerary::build(&at(true), &c.1);
        let b = [2048, 4096];
        // Each message has 2 ends towards the TCP/IP process and 2 towards the server.
        // Empty messages, server across ServerNet: the 706 us of the four-hop test, with the
        // 4 server ends at 25 instead of 10 us: 706 + 4 x 15 = 766 us; the TCP/IP process in
        // another processor too: 4 more ends at 25: 826 us.
        let mut k = costing(&c, false, [0, 0]);
        assert_eq!(beside.cpu(&k), us(766));
        assert_eq!(apart.cpu(&k), us(826));
        // The server in the requester's processor: its ends back at 10 us.
        k.server_cross = false;
        assert_eq!(beside.cpu(&k), us(706));
        assert_eq!(apart.cpu(&k), us(766));
        // 2 KiB request, 4 KiB reply (TCP work +4 + 11 us, as in the four-hop test): each
        // same-processor end +2 (request) or +4 (reply) us, each ServerNet end +6 or +12.
        let k = costing(&c, false, b);
        assert_eq!(beside.cpu(&k), us(766 + 15 + 2 * (2 + 4) + 2 * (6 + 12)));
        assert_eq!(apart.cpu(&k), us(826 + 15 + 4 * (6 + 12)));
        // Where the ends are: the TCP/IP process's inbound burst has its one end towards the
        // listener; the listener's inbound burst one from the TCP/IP process, one to the
        // server.
        let ends: Vec<MsgWork> = apart
            .legs
            .iter()
            .filter_map(|l| match l {
                Leg::Cpu { cost, .. } => Some(cost.msgs),
                _ => None,
            })
            .collect();
        assert_eq!(ends[0].ipc_cross, [1, 0]);
        assert_eq!((ends[1].ipc_cross, ends[1].ipc_server), ([1, 0], [1, 0]));
        assert_eq!(ends[2].ipc_server, [0, 1]);
        assert_eq!((ends[3].ipc_cross, ends[3].ipc_server), ([0, 1], [0, 1]));
        assert_eq!(ends[4].ipc_cross, [0, 1]);
        assert!(ends.iter().all(|m| m.ipc_same == [0, 0]));
    }
}
