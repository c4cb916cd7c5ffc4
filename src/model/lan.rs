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
//! Failover (faults.md A.8, `pif_down` / `pif_up`): each PIF's address is carried by a port,
//! itself while it is up. A failed port loses the frames in its queues and every frame sent
//! to it until its failure is detected (`lif_detect` [I]); then, TCP/IPv6 and the Parallel
//! Library [F] (V6-24 page-116; PL-CM page-62), the address and every session on it move to
//! its partner with a gratuitous ARP, TCP and UDP alike, and the switches deliver there
//! `switch_converge` [I] later. A lost frame is sent again `tcp_rto` [I] after it was lost
//! (a SYN by the client's SYN timer instead). A PIF with no partner up (the conventional
//! stack has no documented failover pair [?]) takes its IP host down for its address. On
//! repair, a non-shared address moves back with its sessions; with `shared_ip`, the moved
//! sessions stay on the survivor and new ones spread over both again [F]. A partner that
//! failed while this port was down, with nowhere to go then, moves here at the repair.
//!
//! Simplifies: no Ethernet framing overhead, MTU segmentation, or loss outside failures; no
//! ServerNet transfer from the adapter to the processor (folded into the latency); a frame
//! lost in a failing port's queue was sent microseconds before, so its timer runs from the
//! failure, and its partial serialisation is not counted as busy time; every retransmission
//! of a frame waits `tcp_rto` (no exponential back-off: with the defaults a frame is lost at
//! most once, since its sessions have moved by the time it is sent again).
//!
//! [`Lan`] owns the ports and the client wire: a request's frame is queued at its port
//! (`frame_in`), accounted when it has gone (`frame_in_sent`), and the reply likewise.

use crate::engine::{SimDuration, SimTime, round_ns};
use crate::stats::{PifResult, Recorder};

/// A port's health (`pif_down`, `pif_up`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortState {
    /// Carrying traffic.
    Up,
    /// Failed; nobody knows yet: frames sent to it are lost.
    Failed,
    /// Failed and known to be: its address is on its partner, or its IP host is down there.
    Detected,
}

/// One physical interface (an Ethernet port of a G4SA-like adapter).
#[derive(Debug)]
pub struct Pif {
    /// Name such as `G4SA0.0.A`.
    pub name: String,
    /// The other PIF of its failover pair, if it is in one.
    pub partner: Option<u16>,
    /// Up, failed, or failed and detected.
    pub state: PortState,
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
            state: PortState::Up,
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
    /// Per PIF: the port that carries its address (itself unless it has failed over).
    carrier: Vec<u16>,
    /// CIP: per PIF, its address is on no interface while its failover looks for one (the
    /// port carrying it may be up again, but the address is not brought up there before the
    /// failover's next attempt, CIP page-45); empty until a CIP failover first waits.
    unbound: Vec<bool>,
    /// The LIFs of a failover pair share one IP address (`tcpip.shared_ip`).
    shared_ip: bool,
    /// TCP's retransmission timeout for a frame lost at a failed port (`faults.tcp_rto`).
    pub tcp_rto: SimDuration,
}

impl Lan {
    /// A LAN with no port yet (Pathway/XM's terminals cross none).
    pub fn new(client_latency: SimDuration) -> Self {
        Lan {
            pifs: Vec::new(),
            hosts: Vec::new(),
            client_latency,
            session_pif: Vec::new(),
            carrier: Vec::new(),
            unbound: Vec::new(),
            shared_ip: false,
            tcp_rto: SimDuration::from_secs(1),
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

    /// The PIF of the connection of the session in `slot`, if it ever had one.
    pub fn session_port(&self, slot: usize) -> Option<u16> {
        self.session_pif.get(slot).copied()
    }

    /// The scenario's IP hosts and their PIFs: one host per conventional TCP/IP process, in
    /// order, and the parallel stack's one host after them; PIFs in the order the hosts list
    /// them, each host connecting over its own; failover partners recorded on both.
    pub fn build(sc: &crate::scenario::Scenario) -> Self {
        let mut lan = Lan::new(sc.lan.client_latency);
        lan.shared_ip = sc.tcpip.shared_ip;
        lan.tcp_rto = sc.faults.tcp_rto;
        for names in sc.tcpip.hosts() {
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
        lan.carrier = (0..lan.pifs.len() as u16).collect();
        lan
    }

    // ----- failover (faults.md A.8) ---------------------------------------------------------

    /// The port that carries PIF `home`'s address now.
    pub fn carrier(&self, home: u16) -> u16 {
        self.carrier[usize::from(home)]
    }

    /// The port a frame of a connection to PIF `home`'s address crosses now, or `None` when
    /// that port is down and the frame is lost.
    pub fn port(&self, home: u16) -> Option<u16> {
        let c = self.carrier[usize::from(home)];
        let bound = !self.unbound.get(usize::from(home)).is_some_and(|&u| u);
        (bound && self.pifs[usize::from(c)].state == PortState::Up).then_some(c)
    }

    /// PIF `p` fails at `now`: the frames in its queues are lost with it (the caller retries
    /// their requests), and it sends nothing more.
    pub fn fail(&mut self, p: u16, now: SimTime) {
        let pif = &mut self.pifs[usize::from(p)];
        assert_eq!(pif.state, PortState::Up, "only a PIF that is up fails");
        pif.state = PortState::Failed;
        pif.in_free_at = pif.in_free_at.min(now);
        pif.out_free_at = pif.out_free_at.min(now);
    }

    /// PIF `p`'s failure is detected: the addresses it carries move to its partner if that
    /// is up, which is returned; `None` when they have nowhere to go (no partner, or it is
    /// down too): its IP host is down for them.
    pub fn detected(&mut self, p: u16) -> Option<u16> {
        let pif = &mut self.pifs[usize::from(p)];
        assert_eq!(pif.state, PortState::Failed, "a failure is detected once");
        pif.state = PortState::Detected;
        let q = pif.partner?;
        if self.pifs[usize::from(q)].state != PortState::Up {
            return None;
        }
        for c in self.carrier.iter_mut().filter(|c| **c == p) {
            *c = q;
        }
        Some(q)
    }

    /// CIP (`clim_failover.rs`): the addresses carried by failed port `p` move to its
    /// failover partner if that is up, which is returned; unlike [`detected`](Self::detected)
    /// it may be tried again, as CIP retries the failover.
    pub fn fail_over(&mut self, p: u16) -> Option<u16> {
        self.move_to_partner(p, false)
    }

    /// CIP: a later attempt of port `p`'s failover: the addresses it carries that wait for
    /// an interface move to its partner if that is up, which is returned (any it carries that
    /// are up, having failed over to it since it came back, stay).
    pub fn fail_over_waiting(&mut self, p: u16) -> Option<u16> {
        self.move_to_partner(p, true)
    }

    fn move_to_partner(&mut self, p: u16, only_waiting: bool) -> Option<u16> {
        let q = self.pifs[usize::from(p)].partner?;
        if self.pifs[usize::from(q)].state != PortState::Up {
            return None;
        }
        for (home, c) in self.carrier.iter_mut().enumerate() {
            let waiting = self.unbound.get(home).is_some_and(|&u| u);
            if *c == p && (waiting || !only_waiting) {
                *c = q;
                if let Some(u) = self.unbound.get_mut(home) {
                    *u = false;
                }
            }
        }
        Some(q)
    }

    /// CIP: the addresses carried by port `p` are on no interface until
    /// [`bind`](Self::bind) or [`fail_over`](Self::fail_over) finds them one.
    pub fn unbind(&mut self, p: u16) {
        self.unbound.resize(self.pifs.len(), false);
        for (home, &c) in self.carrier.iter().enumerate() {
            if c == p {
                self.unbound[home] = true;
            }
        }
    }

    /// CIP: port `p`, up again, brings up the addresses it carries (a failover that ends
    /// where it started, CIP page-45); false when it is still down.
    pub fn bind(&mut self, p: u16) -> bool {
        if self.pifs[usize::from(p)].state != PortState::Up {
            return false;
        }
        for (home, &c) in self.carrier.iter().enumerate() {
            if c == p
                && let Some(u) = self.unbound.get_mut(home)
            {
                *u = false;
            }
        }
        true
    }

    /// CIP: failed port `p` carries traffic again, without failback [F CIP page-45]: an
    /// address that moved off it stays where it is; one still waiting on it is back.
    pub fn restored(&mut self, p: u16) {
        let pif = &mut self.pifs[usize::from(p)];
        assert_ne!(pif.state, PortState::Up, "only a failed port is restored");
        pif.state = PortState::Up;
    }

    /// Marks failed port `p` as known to be failed (its addresses' failover is the
    /// caller's).
    pub fn mark_detected(&mut self, p: u16) {
        let pif = &mut self.pifs[usize::from(p)];
        assert_eq!(pif.state, PortState::Failed, "a failure is detected once");
        pif.state = PortState::Detected;
    }

    /// PIF `p` is repaired: its address comes back to it, and its partner's, if the partner
    /// has failed since with nowhere to go, moves here. With a shared IP address the
    /// sessions moved off `p` stay where they are: returns the port they stay on, so that the
    /// caller re-homes the requests in flight there too (new sessions use `p` again).
    pub fn repaired(&mut self, p: u16) -> Option<u16> {
        let i = usize::from(p);
        assert_ne!(
            self.pifs[i].state,
            PortState::Up,
            "only a failed PIF is repaired"
        );
        self.pifs[i].state = PortState::Up;
        let moved_to = (self.carrier[i] != p).then_some(self.carrier[i]);
        let stay = moved_to.filter(|_| self.shared_ip);
        if let Some(q) = stay {
            for home in self.session_pif.iter_mut().filter(|h| **h == p) {
                *home = q;
            }
        }
        self.carrier[i] = p;
        if let Some(q) = self.pifs[i].partner
            && self.pifs[usize::from(q)].state == PortState::Detected
            && self.carrier[usize::from(q)] == q
        {
            self.carrier[usize::from(q)] = p;
        }
        stay
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
            carrier: vec![0],
            unbound: Vec::new(),
            shared_ip: false,
            tcp_rto: SimDuration::from_secs(1),
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
            carrier: vec![0],
            unbound: Vec::new(),
            shared_ip: false,
            tcp_rto: SimDuration::from_secs(1),
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

    /// Two hosts: PIFs 0 and 1 a failover pair, PIF 2 alone.
    fn paired(shared_ip: bool) -> Lan {
        let mut lan = Lan::new(SimDuration::ZERO);
        for n in ["G4SA0.0.A", "G4SA1.0.A", "G4SA0.0.B"] {
            lan.pifs.push(Pif::new(n.into(), 1e9));
        }
        lan.pifs[0].partner = Some(1);
        lan.pifs[1].partner = Some(0);
        lan.hosts = vec![Host::new(vec![0, 1]), Host::new(vec![2])];
        lan.carrier = vec![0, 1, 2];
        lan.shared_ip = shared_ip;
        lan
    }

    #[test]
    fn a_failed_port_loses_frames_until_detection_then_its_partner_carries_them() {
        let mut lan = paired(false);
        assert_eq!(lan.port(0), Some(0));
        lan.fail(0, SimTime(5));
        assert_eq!(lan.port(0), None, "lost until detected");
        assert_eq!(lan.port(1), Some(1));
        assert_eq!(lan.detected(0), Some(1));
        assert_eq!(lan.port(0), Some(1), "the survivor carries its address");
        // The survivor fails too: both addresses are lost, and at its detection they have
        // nowhere to go.
        lan.fail(1, SimTime(6));
        assert_eq!((lan.port(0), lan.port(1)), (None, None));
        assert_eq!(lan.detected(1), None);
        // Repairing the first brings its address back and takes the partner's over.
        assert_eq!(lan.repaired(0), None);
        assert_eq!((lan.port(0), lan.port(1)), (Some(0), Some(0)));
        assert_eq!(lan.repaired(1), None);
        assert_eq!((lan.port(0), lan.port(1)), (Some(0), Some(1)));
    }

    #[test]
    fn a_port_without_partner_takes_its_address_down_until_repaired() {
        let mut lan = paired(false);
        lan.fail(2, SimTime(0));
        assert_eq!(lan.detected(2), None);
        assert_eq!(lan.port(2), None);
        assert_eq!(lan.repaired(2), None);
        assert_eq!(lan.port(2), Some(2));
    }

    #[test]
    fn on_repair_a_shared_address_keeps_its_moved_sessions_on_the_survivor() {
        for shared in [false, true] {
            let mut lan = paired(shared);
            // Sessions 0 and 1 connect to PIFs 0 and 1.
            assert_eq!(lan.session_pif(0, 0, true), 0);
            assert_eq!(lan.session_pif(1, 0, true), 1);
            lan.fail(0, SimTime(0));
            lan.detected(0);
            assert_eq!(lan.repaired(0), shared.then_some(1));
            let home = lan.session_pif(0, 0, false);
            assert_eq!(lan.port(home), Some(if shared { 1 } else { 0 }));
            // A new session spreads over both again.
            assert_eq!(lan.session_pif(2, 0, true), 0);
            assert_eq!(lan.port(0), Some(0));
        }
    }

    #[test]
    fn a_cip_address_waits_on_no_interface_until_an_attempt_finds_one() {
        let mut lan = paired(false);
        lan.fail(0, SimTime(0));
        lan.fail(1, SimTime(0));
        lan.mark_detected(0);
        assert_eq!(lan.fail_over(0), None);
        lan.unbind(0);
        // The port is back, but its address is not brought up before an attempt.
        lan.restored(0);
        assert_eq!(lan.port(0), None);
        assert!(lan.bind(0));
        assert_eq!(lan.port(0), Some(0));
        // Port 1's address waits too; port 0, up, takes it at a failover attempt, and only
        // the waiting addresses move: port 0's own, bound, stays.
        lan.mark_detected(1);
        lan.unbind(1);
        assert!(!lan.bind(1), "port 1 is down");
        assert_eq!(lan.port(1), None);
        assert_eq!(lan.fail_over_waiting(1), Some(0));
        assert_eq!((lan.port(0), lan.port(1)), (Some(0), Some(0)));
    }
}
