//! Pathway/XM TCPs as link managers.
//!
//! A Pathway/iTS TCP is a link manager itself, as a LINKMON is for Pathsend requesters
//! (TSMP-SM page-102; ITS p. 5-3, page-105) [F]: it shares its links among its terminals' SEND
//! statements, keeps its own link queue per server class, and asks PATHMON for links in its own
//! name. So here each TCP has a link manager per route of its own (after the processors' ones
//! in `Pathway::lms`), counted against its own limit, never its processor's LINKMON and its
//! 923 to 925 limits: two TCPs in one processor hold separate links, queues and counts.
//!
//! What a TCP does, as the manuals give it [F]:
//! - a terminal's SEND takes a free link of the TCP, or joins the TCP's link queue while the
//!   TCP asks for a link: at once while static links remain, after CREATEDELAY otherwise (the
//!   same rule as a LINKMON's, `pathsend.rs`; ITS p. 5-3);
//! - PATHMON grants a new link only while the TCP's links to all server processes are fewer
//!   than the template's MAXSERVERPROCESSES (ITS p. 5-3; `limits.rs`);
//! - "when the TCP calculates that insufficient server resources are available, the TCP delays
//!   all future link requests ... by the value of CREATEDELAY or by 60 seconds, whichever is
//!   greater" (TSMP-MP page-117; ITS p. 5-3): the back-off.
//!
//! Simplifies [I]: the TCP "calculates" insufficient resources exactly when a LINKMON would
//! find no link obtainable: no PATHMON server can take one more link from it (MAXSERVERS,
//! MAXLINKS, LINKDEPTH), or it is at MAXSERVERPROCESSES. The back-off lasts max(CREATEDELAY of
//! the class asked for, 60 s) and covers every class of the TCP (one PATHMON per TCP in
//! Pathway/XM). During it the TCP asks for no link: sends take its free links or wait in its
//! link queue, and when it ends the TCP asks for links for whoever still waits (its
//! CREATEDELAY timer doubles as the wake-up). Requests that found neither a link held nor one
//! on its way when the link was denied fail as a LINKMON's do (905, or 923 at
//! MAXSERVERPROCESSES); the manual sends them to the SCREEN COBOL error routine. TCP takeover
//! moves its link managers to the backup's processor (`tcp_moved`).

use crate::engine::{SimDuration, SimTime};

use super::super::Event;
use super::super::ids::ProcessId;
use super::limits::Limits;
use super::{LinkManager, Pathway, PwCtx};

/// The shortest back-off of a TCP denied a link: "CREATEDELAY or 60 seconds, whichever is
/// greater" (TSMP-MP page-117).
pub const TCP_BACKOFF_MIN: SimDuration = SimDuration::from_secs(60);

/// One TCP as a link manager host.
#[derive(Debug)]
pub struct TcpHost {
    /// Process name (`$T0`, ...).
    pub name: String,
    /// Its process (the primary's id; the pair keeps it through a takeover).
    pub process: ProcessId,
    /// Its index in `SendAccounts::hosts`.
    pub host: u32,
    /// Its link managers: `Pathway::lms[first_lm..first_lm + routes]`, one per route of its
    /// send target, `first_route..first_route + routes` (a TCP sends to one PATHMON only, so
    /// it has no link manager for any other: with thousands of TCPs and PATHMONs a link
    /// manager per TCP and route would not fit in memory).
    pub first_lm: usize,
    /// The first route of its send target.
    pub first_route: usize,
    /// Routes of its send target (one per class name).
    pub routes: usize,
    /// It asks PATHMON for no link before this time.
    pub backoff_until: SimTime,
    /// Back-offs it started during the run.
    pub backoffs: u64,
}

/// A TCP for [`Pathway::add_tcps`].
#[derive(Clone, Debug)]
pub struct TcpSpec {
    /// Process name.
    pub name: String,
    /// Its process.
    pub process: ProcessId,
    /// Processor it runs in.
    pub cpu: u32,
    /// Its template's MAXSERVERPROCESSES: links it may hold to all server processes.
    pub maxserverprocesses: u32,
    /// The send target it sends to (its PATHMON in Pathway/XM).
    pub target: usize,
}

impl Pathway {
    /// Makes each TCP of `tcps` a link manager host of its own: a link manager per route of
    /// its send target and its own limit. Call once, after [`assemble`](Self::assemble), with
    /// the TCPs in process-id order (the order they were spawned).
    pub fn add_tcps(&mut self, tcps: &[TcpSpec]) {
        assert!(self.tcps.is_empty(), "TCPs are added once");
        assert!(
            tcps.windows(2).all(|w| w[0].process < w[1].process),
            "TCPs in process-id order"
        );
        for t in tcps {
            let host = self.accounts.add_host(Limits {
                links_per_link_manager: t.maxserverprocesses,
                ..Limits::default()
            });
            // A target's routes were made one after the other (`build.rs`).
            let row = &self.route_for[t.target];
            let first_route = usize::from(row[0]);
            assert!(
                row.iter()
                    .enumerate()
                    .all(|(k, &r)| usize::from(r) == first_route + k),
                "a send target's routes are contiguous"
            );
            let first_lm = self.lms.len();
            for route in first_route..first_route + row.len() {
                let mut m = LinkManager::new(t.cpu, route, self.routes[route].members.len());
                m.host = host;
                self.lms.push(m);
            }
            self.tcps.push(TcpHost {
                name: t.name.clone(),
                process: t.process,
                host,
                first_lm,
                first_route,
                routes: row.len(),
                backoff_until: SimTime::ZERO,
                backoffs: 0,
            });
        }
    }

    /// The link manager of host `host` (a processor's or a TCP's) for `route`.
    pub(super) fn lm_of(&self, host: u32, route: usize) -> usize {
        let Some(t) = self.tcp_at(host) else {
            return self.lm(host, route);
        };
        let tcp = &self.tcps[t];
        assert!(
            (tcp.first_route..tcp.first_route + tcp.routes).contains(&route),
            "TCP {} sends only to its own send target",
            tcp.name
        );
        tcp.first_lm + (route - tcp.first_route)
    }

    /// The link manager host of `requester` in processor `cpu`: its own if it is a TCP, else
    /// its processor's.
    pub(super) fn host_of(&self, requester: ProcessId, cpu: u32) -> u32 {
        if self.tcps.is_empty() {
            return cpu;
        }
        match self.tcps.binary_search_by_key(&requester, |t| t.process) {
            Ok(t) => self.tcps[t].host,
            Err(_) => cpu,
        }
    }

    /// The TCP whose host is `host`, if it is a TCP's.
    pub(super) fn tcp_at(&self, host: u32) -> Option<usize> {
        let first = self.tcps.first()?.host;
        host.checked_sub(first).map(|t| t as usize)
    }

    /// Back-offs each TCP started, in plan order.
    pub fn tcp_backoffs(&self) -> Vec<u64> {
        self.tcps.iter().map(|t| t.backoffs).collect()
    }

    /// The name of the TCP whose link manager `lm` is, if it is a TCP's.
    pub(super) fn lm_tcp_name(&self, lm: &LinkManager) -> Option<String> {
        self.tcp_at(lm.host).map(|t| self.tcps[t].name.clone())
    }

    /// TCP process `process` now runs in processor `cpu` (its backup took over): its link
    /// managers run there. A processor failure has already dropped their links and queues.
    pub fn tcp_moved(&mut self, process: ProcessId, cpu: u32) {
        let Ok(t) = self.tcps.binary_search_by_key(&process, |t| t.process) else {
            return;
        };
        let (first, routes) = (self.tcps[t].first_lm, self.tcps[t].routes);
        for m in &mut self.lms[first..first + routes] {
            debug_assert!(
                m.held.is_empty() && m.pending == 0,
                "a moved TCP holds no link"
            );
            m.cpu = cpu;
        }
    }

    /// Link manager `lm` was denied a link: if it is a TCP's, the TCP asks for no link for
    /// max(CREATEDELAY, 60 s), and wakes its link queue then if requests still wait.
    pub(super) fn back_off(&mut self, lm: usize, x: &mut PwCtx) {
        let Some(t) = self.tcp_at(self.lms[lm].host) else {
            return;
        };
        let now = x.ctx.now();
        let createdelay = self.routes[self.lms[lm].route]
            .members
            .iter()
            .filter_map(|m| m.0)
            .map(|c| self.classes[c].attrs.createdelay)
            .max()
            .unwrap_or(SimDuration::ZERO);
        let tcp = &mut self.tcps[t];
        if now >= tcp.backoff_until {
            tcp.backoffs += 1;
            tcp.backoff_until = now + createdelay.max(TCP_BACKOFF_MIN);
        }
        let until = tcp.backoff_until;
        self.wake_after_backoff(lm, until, x);
    }

    /// True while `lm` is a TCP's and the TCP is backing off: it asks for no link, and its
    /// waiting requests are woken when the back-off ends.
    pub(super) fn backing_off(&mut self, lm: usize, x: &mut PwCtx) -> bool {
        let Some(t) = self.tcp_at(self.lms[lm].host) else {
            return false;
        };
        let until = self.tcps[t].backoff_until;
        if x.ctx.now() >= until {
            return false;
        }
        self.wake_after_backoff(lm, until, x);
        true
    }

    /// Arms `lm`'s link-queue timer for the end of its TCP's back-off, if requests wait
    /// beyond the links on their way and it is not armed for that already.
    fn wake_after_backoff(&mut self, lm: usize, until: SimTime, x: &mut PwCtx) {
        let now = x.ctx.now();
        let m = &mut self.lms[lm];
        if m.queue.len() <= m.pending as usize || m.backoff_wake {
            return;
        }
        if let Some(key) = m.createdelay.take() {
            x.ctx.sched.cancel(key);
        }
        m.createdelay = Some(
            x.ctx
                .sched
                .schedule_in(until - now, Event::CreateDelay { lm: lm as u32 }),
        );
        m.backoff_wake = true;
    }
}
