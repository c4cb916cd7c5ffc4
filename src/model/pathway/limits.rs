//! Pathsend limits: what a link manager refuses before a send reaches a link.
//!
//! The TS/MP manuals document a limit on sends, links and requesters per link manager
//! (TSMP-SM page-363 for the TS/MP 2.0 LINKMON; TSMP25-SM page-318 and PS25 page-122 for the
//! TS/MP 2.5 ACS; `shared/domain/nonstop.md` b.5, b.7) [F]:
//!
//! | error | when | LINKMON | ACS |
//! | --- | --- | --- | --- |
//! | 924 | a requester already has this many sends outstanding | 255 | 255 |
//! | 924 (LINKMON), 947 with file-system error 30 (ACS) | the processor's link manager already has this many sends outstanding | 512 | 1600 |
//! | 923 | a send finds no link and the link manager holds this many links already | 1750 | 1750 |
//! | 925 | a requester opens a link manager that serves this many requesters already | 256 | 1024 |
//!
//! Under ACS, a send past the per-processor send limit fails with 947, file-system error 30,
//! not 924 (LR (H06.05+) page-74; PS-J page-125) [F]; the per-requester limit keeps 924.
//!
//! Links per ACS process: TSMP25-SM page-318 gives 1750, PS25 page-122 gives 8191 [F, the
//! manuals disagree]. The default is 1750, the system-management table's figure;
//! `[pathway] links_per_link_manager = 8191` gives the other.
//!
//! How they are applied here:
//! - A send is *outstanding* from `SERVERCLASS_SEND_` until its server replies, or until it
//!   fails (any Pathsend error, a TIMEOUT or the call's own timeout). The counts are per
//!   requester process and per processor (one link manager per processor serves every send
//!   target; `Pathway::lms` splits it by route only to keep the queues apart).
//! - 924 and 925 are checked when the send is made: a refused send fails at once, having
//!   cost only the CPU its path spent before the Pathsend (the error costs no CPU of its own
//!   and reaches the client at once, as a 905 does).
//! - "255 sends or LINKDEPTH to the same server, whichever is smaller" (PS25 page-122) [F]:
//!   here a link carries one send, and a link manager holds at most LINKDEPTH links to one
//!   server, so a requester never has more than LINKDEPTH sends at one server; sends beyond
//!   that wait for a link instead of failing [I]. Only the 255 is checked.
//! - 923 is the 905 rule with a different cause: when the link manager holds no link to the
//!   class, none is on its way, and it may not ask for another because it holds its limit of
//!   links to other classes, its waiting sends fail with 923 [I: the manuals give the limit,
//!   not what happens to queued sends]. While it holds a link to the class, sends wait.
//! - A requester is counted at its link manager from its first send on (it opens the link
//!   manager then) and never leaves (requesters here live for the run).
//!
//! A Pathway/XM TCP is a link manager itself (TSMP-SM page-102; ITS p. 5-3) [F]: its terminals
//! send through the TCP's own links, not through its processor's LINKMON, so the table above
//! does not apply to it. Its one limit is its template's MAXSERVERPROCESSES: PATHMON grants a
//! TCP a new link only while the TCP's links to all server processes are fewer (ITS p. 5-3)
//! [F]. A TCP at that limit with no link to the class fails its waiting sends as a LINKMON at
//! its 1750 does, counted with 923 [I: for a TCP the manual says only that the SEND goes to
//! the SCREEN COBOL error routine, or the TERM is suspended]. MAXSERVERCLASSES is not
//! modelled (a scenario's classes are few). Each TCP's counters are its own, so two TCPs in
//! one processor never share a limit.

use crate::scenario::{LinkManagerKind, PathwayLimits};

use super::super::ids::ProcessId;

/// A Pathsend error a link manager can return before a send reaches a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 924: the requester has its limit of sends outstanding.
    RequesterSends,
    /// 924: the processor's link manager (LINKMON) has its limit of sends outstanding.
    ProcessorSends,
    /// 947 with file-system error 30: the processor's ACS processes have their limit of sends
    /// outstanding.
    AcsProcessorSends,
    /// 925: the link manager serves its limit of requesters.
    Requesters,
}

/// Sends to one route that failed, by Pathsend error (904 and 905 are counted where they
/// always were, on the class and the route).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorCounts {
    /// 918: the call's own timeout expired (file-system error 40).
    pub e918: u64,
    /// 923: no link, and the link manager holds its limit of links.
    pub e923: u64,
    /// 924 because the requester had its limit of sends outstanding.
    pub e924_requester: u64,
    /// 924 because the processor's link manager had its limit of sends outstanding.
    pub e924_processor: u64,
    /// 947 (file-system error 30): under ACS, the processor had its limit of sends
    /// outstanding.
    pub e947: u64,
    /// 925: the link manager serves its limit of requesters.
    pub e925: u64,
    /// 902: both halves of the PATHMON were gone (file-system error 201 or 14), or (40) the
    /// link manager's I/O to it timed out (faults.md A.3, A.5).
    pub e902: u64,
    /// 915: the link manager had given up on the PATHMON (A.3).
    pub e915: u64,
    /// 916: a dynamic server was needed and no processor of CPUS was up (A.5).
    pub e916: u64,
}

impl Refusal {
    /// The Pathsend error (and file-system error) the requester gets.
    pub fn error(self) -> SendError {
        match self {
            Refusal::RequesterSends | Refusal::ProcessorSends => SendError::new(924, 0),
            Refusal::AcsProcessorSends => SendError::new(947, 30),
            Refusal::Requesters => SendError::new(925, 0),
        }
    }
}

/// A Pathsend error as its requester sees it: the error number and the file-system error
/// that comes with it (0 when none), faults.md A.5. It travels with the failed request from
/// where it failed to the node, which counts it and asks the requester's retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SendError {
    /// The Pathsend error number (902 to 947).
    pub code: u16,
    /// The file-system error (201 path down, 14 no such process, 40 timed out, 30 no
    /// resources), or 0.
    pub fs: u16,
}

impl SendError {
    /// Error `code` with file-system error `fs`.
    pub const fn new(code: u16, fs: u16) -> Self {
        SendError { code, fs }
    }
    /// How reports name it: `905`, or `904/201` with its file-system error.
    pub fn label(self) -> String {
        if self.fs == 0 {
            self.code.to_string()
        } else {
            format!("{}/{}", self.code, self.fs)
        }
    }
}

impl ErrorCounts {
    /// Counts one send failed because a PATHMON was lost or could not create a server (902,
    /// 915, 916).
    pub fn pathmon_lost(&mut self, e: SendError) {
        match e.code {
            902 => self.e902 += 1,
            915 => self.e915 += 1,
            916 => self.e916 += 1,
            _ => unreachable!("not a PATHMON error: {e:?}"),
        }
    }

    /// Counts one refusal.
    pub fn refused(&mut self, why: Refusal) {
        match why {
            Refusal::RequesterSends => self.e924_requester += 1,
            Refusal::ProcessorSends => self.e924_processor += 1,
            Refusal::AcsProcessorSends => self.e947 += 1,
            Refusal::Requesters => self.e925 += 1,
        }
    }
}

/// The limits in force (`u32::MAX` where there is none).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Sends outstanding per requester.
    pub sends_per_requester: u32,
    /// Sends outstanding per processor's link manager.
    pub sends_per_processor: u32,
    /// Links per processor's link manager (held or asked for).
    pub links_per_link_manager: u32,
    /// Requesters per processor's link manager.
    pub requesters_per_processor: u32,
    /// The link managers are ACS's: the per-processor send limit returns 947, not 924.
    pub acs: bool,
}

impl Default for Limits {
    /// No limit.
    fn default() -> Self {
        Limits {
            sends_per_requester: u32::MAX,
            sends_per_processor: u32::MAX,
            links_per_link_manager: u32::MAX,
            requesters_per_processor: u32::MAX,
            acs: false,
        }
    }
}

impl From<&PathwayLimits> for Limits {
    fn from(l: &PathwayLimits) -> Self {
        let or_none = |v: Option<u32>| v.unwrap_or(u32::MAX);
        Limits {
            sends_per_requester: or_none(l.sends_per_requester),
            sends_per_processor: or_none(l.sends_per_processor),
            links_per_link_manager: or_none(l.links_per_link_manager),
            requesters_per_processor: or_none(l.requesters_per_processor),
            acs: l.link_manager == LinkManagerKind::Acs,
        }
    }
}

/// One link manager host, all routes together: a processor's LINKMON (or ACS processes),
/// or a Pathway/XM TCP.
#[derive(Clone, Debug, Default)]
pub struct HostLm {
    /// Sends outstanding.
    pub sends: u32,
    /// Links held or asked for.
    pub links: u32,
    /// Requesters that have opened it.
    pub requesters: u32,
    /// Its own limits (a TCP's); `None` for a processor's link manager, which has
    /// [`SendAccounts::limits`].
    pub own: Option<Limits>,
}

/// One requester process.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequesterState {
    /// Sends outstanding.
    pub sends: u32,
    /// It has opened its processor's link manager.
    pub registered: bool,
}

/// The counters the limits are checked against.
#[derive(Clone, Debug, Default)]
pub struct SendAccounts {
    /// The limits of the processors' link managers.
    pub limits: Limits,
    /// Per link manager host: the processors first (host = processor number), then the
    /// Pathway/XM TCPs in plan order.
    pub hosts: Vec<HostLm>,
    /// Per requester, indexed by process id (grown when a new requester first sends).
    pub requesters: Vec<RequesterState>,
}

impl SendAccounts {
    /// Counters for `processors` processors under `limits`.
    pub fn new(processors: u32, limits: Limits) -> Self {
        SendAccounts {
            limits,
            hosts: vec![HostLm::default(); processors as usize],
            requesters: Vec::new(),
        }
    }

    /// One more link manager host with limits of its own (a Pathway/XM TCP); returns its
    /// index.
    pub fn add_host(&mut self, own: Limits) -> u32 {
        self.hosts.push(HostLm {
            own: Some(own),
            ..HostLm::default()
        });
        u32::try_from(self.hosts.len() - 1).expect("fewer than 2^32 link managers")
    }

    /// The limits of link manager host `host`.
    pub fn limits_of(&self, host: u32) -> Limits {
        self.hosts[host as usize].own.unwrap_or(self.limits)
    }

    /// A send from `requester` through link manager host `host`: counted as outstanding, or
    /// refused.
    pub fn admit(&mut self, host: u32, requester: ProcessId) -> Result<(), Refusal> {
        let i = requester.0 as usize;
        if self.requesters.len() <= i {
            self.requesters.resize(i + 1, RequesterState::default());
        }
        let limits = self.limits_of(host);
        let lm = &mut self.hosts[host as usize];
        let rq = &mut self.requesters[i];
        if !rq.registered {
            if lm.requesters >= limits.requesters_per_processor {
                return Err(Refusal::Requesters);
            }
            rq.registered = true;
            lm.requesters += 1;
        }
        if rq.sends >= limits.sends_per_requester {
            return Err(Refusal::RequesterSends);
        }
        if lm.sends >= limits.sends_per_processor {
            return Err(if limits.acs {
                Refusal::AcsProcessorSends
            } else {
                Refusal::ProcessorSends
            });
        }
        rq.sends += 1;
        lm.sends += 1;
        Ok(())
    }

    /// An admitted send from `requester` through host `host` is over (replied or failed).
    pub fn send_over(&mut self, host: u32, requester: ProcessId) {
        let lm = &mut self.hosts[host as usize];
        let rq = &mut self.requesters[requester.0 as usize];
        assert!(rq.sends > 0 && lm.sends > 0, "a send ended twice");
        rq.sends -= 1;
        lm.sends -= 1;
    }

    /// Link manager host `host` may ask for one more link.
    pub fn link_room(&self, host: u32) -> bool {
        self.hosts[host as usize].links < self.limits_of(host).links_per_link_manager
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(per_requester: u32, per_processor: u32, requesters: u32) -> SendAccounts {
        SendAccounts::new(
            2,
            Limits {
                sends_per_requester: per_requester,
                sends_per_processor: per_processor,
                links_per_link_manager: 3,
                requesters_per_processor: requesters,
                acs: false,
            },
        )
    }

    #[test]
    fn the_256th_send_of_a_requester_gets_924_and_a_reply_makes_room() {
        let mut a = accounts(255, 512, 256);
        let r = ProcessId(7);
        for _ in 0..255 {
            assert_eq!(a.admit(0, r), Ok(()));
        }
        assert_eq!(a.admit(0, r), Err(Refusal::RequesterSends));
        a.send_over(0, r);
        assert_eq!(a.admit(0, r), Ok(()));
    }

    #[test]
    fn a_processor_limit_counts_every_requester_of_that_processor_only() {
        // 3 per processor: two requesters in CPU 0 share it; CPU 1 has its own.
        let mut a = accounts(255, 3, 256);
        let (p, q) = (ProcessId(0), ProcessId(1));
        assert_eq!(a.admit(0, p), Ok(()));
        assert_eq!(a.admit(0, q), Ok(()));
        assert_eq!(a.admit(0, p), Ok(()));
        assert_eq!(a.admit(0, q), Err(Refusal::ProcessorSends));
        assert_eq!(a.admit(1, ProcessId(2)), Ok(()));
    }

    #[test]
    fn under_acs_the_processor_send_limit_gives_947_and_the_requester_limit_924() {
        // Issue 16 item 1.1: LR page-74, PS-J page-125.
        let mut a = accounts(2, 3, 256);
        a.limits.acs = true;
        let (p, q) = (ProcessId(0), ProcessId(1));
        assert_eq!(a.admit(0, p), Ok(()));
        assert_eq!(a.admit(0, p), Ok(()));
        assert_eq!(a.admit(0, p), Err(Refusal::RequesterSends));
        assert_eq!(a.admit(0, q), Ok(()));
        assert_eq!(a.admit(0, q), Err(Refusal::AcsProcessorSends));
        let mut e = ErrorCounts::default();
        e.refused(Refusal::AcsProcessorSends);
        assert_eq!((e.e947, e.e924_processor), (1, 0));
    }

    #[test]
    fn a_requester_past_the_limit_gets_925_on_every_send() {
        let mut a = accounts(255, 512, 2);
        assert_eq!(a.admit(0, ProcessId(0)), Ok(()));
        assert_eq!(a.admit(0, ProcessId(1)), Ok(()));
        assert_eq!(a.admit(0, ProcessId(2)), Err(Refusal::Requesters));
        assert_eq!(a.admit(0, ProcessId(2)), Err(Refusal::Requesters));
        // The ones already counted go on sending.
        assert_eq!(a.admit(0, ProcessId(0)), Ok(()));
    }

    #[test]
    fn links_are_limited_per_processor() {
        let mut a = accounts(255, 512, 256);
        a.hosts[0].links = 3;
        assert!(!a.link_room(0));
        assert!(a.link_room(1));
        assert!(SendAccounts::new(1, Limits::default()).link_room(0));
    }
}
