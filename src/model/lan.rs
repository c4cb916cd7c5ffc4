//! LAN adapters: the ports (PIFs) frames cross between the clients and the node.
//!
//! Models: each PIF serialises frames at its bandwidth, one at a time per direction (full
//! duplex), first come first served; a frame's size is its message's bytes. The one-way
//! client-to-adapter latency (wire, switches, the client's own stack) is added on top.
//! PIFs are ports of G4SA adapters (`G4SA<adapter>.0.<A..D>`, four per adapter [F]); each LIF
//! connects to one PIF [F], so a LIF is represented by its PIF. An IP host owns one or more of
//! them: a conventional TCP/IP process is one IP host with its own PIF(s) (the manual pairs
//! them one to one [F]; several is a what-if), TCP/IPv6 has one IP host for the node with as
//! many LIFs as configured. Clients spread their connections over a host's addresses round
//! robin: the host's first connection uses its first PIF, the next the second, and so on,
//! wrapping; every request of a connection (and a retransmitted SYN) uses the connection's
//! PIF [I]. A failover pair of LIFs is recorded with each PIF's partner; both carry traffic,
//! as the TCP/IPv6 manual says of both LIFs of a pair [F].
//!
//! Simplifies: no Ethernet framing overhead, MTU segmentation, loss or retransmission; no
//! ServerNet transfer from the adapter to the processor (folded into the latency); no
//! adapter failover yet (a later fault-model issue moves a failed PIF's connections to its
//! partner).
//!
//! [`Lan`] owns the ports and the client wire: a request's frame is queued at its port
//! (`frame_in`), accounted when it has gone (`frame_in_sent`), and the reply likewise.

use crate::engine::{SimDuration, SimTime, round_ns};
use crate::stats::{PifResult, Recorder};

/// One physical interface (an Ethernet port of a G4SA-like adapter).
#[derive(Debug)]
pub struct Pif {
    /// Name such as `G4SA0.0.A`.
    pub name: String,
    /// The other PIF of its failover pair, if it is in one.
    pub partner: Option<u16>,
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
            partner: None,
            ns_per_byte: 8e9 / bandwidth_bps,
            in_free_at: SimTime::ZERO,
            out_free_at: SimTime::ZERO,
            busy_in_ns: 0,
            busy_out_ns: 0,
        }
    }

    /// Time the port needs to send a frame of `bytes`.
    pub fn frame_time(&self, bytes: u32) -> SimDuration {
        SimDuration::from_nanos(round_ns(f64::from(bytes) * self.ns_per_byte))
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

/// An IP host: the PIFs its addresses are on, and whose turn the next connection is.
#[derive(Debug, Default)]
pub struct Host {
    /// Its PIFs (indices into `Lan::pifs`), in configuration order.
    pub pifs: Vec<u16>,
    next: usize,
}

impl Host {
    /// A host on these PIFs.
    pub fn new(pifs: Vec<u16>) -> Self {
        assert!(!pifs.is_empty(), "an IP host has an address");
        Host { pifs, next: 0 }
    }
    /// The PIF a new connection to this host uses: round robin over its addresses.
    pub fn connect(&mut self) -> u16 {
        let pif = self.pifs[self.next];
        self.next = (self.next + 1) % self.pifs.len();
        pif
    }
}

/// The node's LAN side: its ports, IP hosts and the wire to the clients.
#[derive(Debug)]
pub struct Lan {
    /// PIFs, by index.
    pub pifs: Vec<Pif>,
    /// IP hosts (conventional: one per TCP/IP process, in order; parallel: one).
    pub hosts: Vec<Host>,
    /// One-way client-to-adapter latency.
    pub client_latency: SimDuration,
    /// The PIF each session's connection uses, by session slot.
    session_pif: Vec<u16>,
}

impl Lan {
    /// A LAN with no port yet (Pathway/XM's terminals cross none).
    pub fn new(client_latency: SimDuration) -> Self {
        Lan {
            pifs: Vec::new(),
            hosts: Vec::new(),
            client_latency,
            session_pif: Vec::new(),
        }
    }

    /// The PIF the connection of the session in `slot` uses, to IP host `host`: a new
    /// connection (`opens`) goes to the host's next address, and the connection keeps it.
    pub fn session_pif(&mut self, slot: usize, host: u16, opens: bool) -> u16 {
        if self.session_pif.len() <= slot {
            self.session_pif.resize(slot + 1, 0);
        }
        if opens {
            self.session_pif[slot] = self.hosts[usize::from(host)].connect();
        }
        self.session_pif[slot]
    }

    /// The scenario's IP hosts and their PIFs: one host per conventional TCP/IP process, in
    /// order, and the parallel stack's one host after them; PIFs in the order the hosts list
    /// them, each host connecting over its own; failover partners recorded on both.
    pub fn build(sc: &crate::scenario::Scenario) -> Self {
        let mut lan = Lan::new(sc.lan.client_latency);
        let mut host_pifs: Vec<&[String]> =
            sc.tcpip.processes.iter().map(|t| &t.pifs[..]).collect();
        if sc.tcpip.stack == crate::scenario::StackKind::Parallel {
            host_pifs.push(&sc.tcpip.pifs);
        }
        for names in host_pifs {
            let first = lan.pifs.len();
            for name in names {
                lan.pifs
                    .push(Pif::new(name.clone(), sc.lan.pif_bandwidth_bps));
            }
            let ids = (first..lan.pifs.len())
                .map(|p| u16::try_from(p).expect("fewer than 65536 PIFs"))
                .collect();
            lan.hosts.push(Host::new(ids));
        }
        for [a, b] in &sc.tcpip.failover {
            let at = |n: &String| {
                lan.pifs
                    .iter()
                    .position(|p| &p.name == n)
                    .expect("validated: a pair of the hosts' PIFs") as u16
            };
            let (a, b) = (at(a), at(b));
            lan.pifs[usize::from(a)].partner = Some(b);
            lan.pifs[usize::from(b)].partner = Some(a);
        }
        lan
    }

    /// Client to adapter: one way, plus the SYN / SYN-ACK round trip for a new connection.
    pub fn wire_in_delay(&self, opens: bool) -> SimDuration {
        let one_way = self.client_latency;
        if opens {
            one_way + one_way + one_way
        } else {
            one_way
        }
    }
    /// Queues a request frame of `bytes` at `pif`; returns when it has been delivered.
    pub fn frame_in(&mut self, pif: usize, bytes: u32, now: SimTime) -> SimTime {
        self.pifs[pif].transmit(now, bytes, Direction::In)
    }
    /// The request frame of `bytes` delivered at `now` has gone: accounts its serialisation.
    pub fn frame_in_sent(&mut self, pif: usize, bytes: u32, now: SimTime, rec: &Recorder) {
        let d = self.pifs[pif].frame_time(bytes);
        let busy = rec.window_overlap(now - d, d);
        self.pifs[pif].account(Direction::In, busy);
    }
    /// Queues a reply frame of `bytes` at `pif`; returns when it reaches the client.
    pub fn frame_out(&mut self, pif: usize, bytes: u32, now: SimTime) -> SimTime {
        self.pifs[pif].transmit(now, bytes, Direction::Out) + self.client_latency
    }
    /// Per PIF, in order: its busy ratio each way over the measurement window.
    pub fn results(&self, rec: &Recorder) -> Vec<PifResult> {
        let window_ns = rec.window().as_nanos() as f64;
        self.pifs
            .iter()
            .map(|p| PifResult {
                name: p.name.clone(),
                busy_ratio_in: p.busy_in_ns as f64 / window_ns,
                busy_ratio_out: p.busy_out_ns as f64 / window_ns,
            })
            .collect()
    }
    /// The reply of `bytes` reached the client at `now`: accounts its serialisation.
    pub fn frame_out_arrived(&mut self, pif: usize, bytes: u32, now: SimTime, rec: &Recorder) {
        let d = self.pifs[pif].frame_time(bytes);
        let sent = now - self.client_latency;
        let busy = rec.window_overlap(sent - d, d);
        self.pifs[pif].account(Direction::Out, busy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_queue_per_direction_at_the_port_bandwidth() {
        // 1 Gb/s: 1,000 bytes take 8 us.
        let mut lan = Lan {
            pifs: vec![Pif::new("G4SA0.0.A".into(), 1e9)],
            hosts: vec![Host::new(vec![0])],
            client_latency: SimDuration::from_micros(100),
            session_pif: Vec::new(),
        };
        assert_eq!(lan.frame_in(0, 1000, SimTime(0)), SimTime(8_000));
        // A second frame at once waits for the first: done at 16 us.
        assert_eq!(lan.frame_in(0, 1000, SimTime(0)), SimTime(16_000));
        // Outbound is the other direction: not queued behind them; plus the wire.
        assert_eq!(lan.frame_out(0, 1000, SimTime(0)), SimTime(108_000));
        assert_eq!(lan.wire_in_delay(true).as_nanos(), 300_000);
        assert_eq!(lan.wire_in_delay(false).as_nanos(), 100_000);
    }

    #[test]
    fn busy_time_counts_only_inside_the_window() {
        let rec = Recorder::new(
            SimTime(10_000),
            SimTime(1_000_000),
            SimDuration::from_millis(1),
            0,
        );
        let mut lan = Lan {
            pifs: vec![Pif::new("p".into(), 1e9)],
            hosts: vec![Host::new(vec![0])],
            client_latency: SimDuration::ZERO,
            session_pif: Vec::new(),
        };
        // A 20 us frame ending at 25 us started at 5 us: 15 us fall inside [10 us, 1 ms).
        lan.frame_in_sent(0, 2500, SimTime(25_000), &rec);
        assert_eq!(lan.pifs[0].busy_in_ns, 15_000);
    }

    #[test]
    fn connections_spread_round_robin_over_a_hosts_addresses() {
        let mut h = Host::new(vec![2, 0, 5]);
        let got: Vec<u16> = (0..7).map(|_| h.connect()).collect();
        assert_eq!(got, vec![2, 0, 5, 2, 0, 5, 2]);
    }
}
