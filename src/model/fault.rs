//! Faults in time: when each `[[fault]]` of a scenario happens, when the other processors
//! declare a failed processor down, when its pairs have taken over, when a reloaded processor
//! is up again, when a killed pair's backup has taken over (faults.md A.1, A.3, A.10).
//!
//! Models: [F] processors exchange "I'm alive" messages and declare a quiet processor down
//! after two periods without one (NSINTRO p. 6-12/13). [?]/[I] The period is unpublished: the
//! silence before detection is U(1, 2] periods (the failure falls anywhere in the period
//! before the first missed message), then the regroup (`regroup_duration`, [I]); pairs take
//! over `takeover_delay` ([?]/[I]) after detection; a reload takes `reload_duration` ([?]).
//! The draws come from the stream `faults` alone, one per `processor_down` in time order, so
//! adding or removing a fault changes no other stream: the arrivals, think times and service
//! times of a run are the same with and without faults. A `process_kill` draws nothing: [F] a
//! process death is reported at once (no detection), and a pair's backup has taken over
//! `takeover_delay` after it.
//!
//! A PIF failure (`pif_down`, A.8) is detected `lif_detect` after it ([I]), and its sessions
//! ride its partner `switch_converge` after that ([I]); a repair (`pif_up`) acts at once. They
//! draw nothing, so adding one changes no processor failure's detection.
//!
//! Simplifies: `"busiest"` is resolved by the run (the processor whose processes used the most
//! CPU over the last whole sample interval before the fault), so the timeline names it as such.
//!
//! [`Runtime`] is the fault model's state during a run (what `failure.rs` keeps between the
//! instants of the timeline): the processors declared down, the requests nothing answers yet,
//! the log that becomes `faults.csv`, and what each fault cost.

use crate::engine::{RngStreams, SimDuration, SimTime, StreamRng};
use crate::scenario::{FaultAction, FaultTarget, Faults, RecoveryRule};
use crate::stats::{FaultResult, FaultsResult, LogRow, Tally};
use rand::RngExt;

/// The label of the faults' random stream.
pub const STREAM: &str = "faults";

/// One fault and the instants it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// A processor fails at `at`, is declared down at `detected`, and its pairs' backups
    /// have taken over at `taken_over`.
    Down {
        /// The processor, or `Busiest`.
        target: FaultTarget,
        /// The failure.
        at: SimTime,
        /// The other processors declare it down.
        detected: SimTime,
        /// Its pairs' backups have taken over.
        taken_over: SimTime,
    },
    /// A processor's reload starts at `at`; it is up at `up`.
    Reload {
        /// The processor.
        cpu: u32,
        /// The reload command.
        at: SimTime,
        /// The processor is up again.
        up: SimTime,
    },
    /// A process dies at `at`; if it is the primary of a pair whose backup's processor is
    /// up, the backup has taken over at `taken_over` (A.3: the message system reports a
    /// process death at once, so no detection delay).
    Kill {
        /// The process, by name.
        name: String,
        /// Its death.
        at: SimTime,
        /// Its pair's backup has taken over.
        taken_over: SimTime,
    },
    /// A PIF fails at `at`, its failure is detected at `detected`, and from `moved` its
    /// sessions ride its failover partner (or, without one, its IP host is down there).
    PifDown {
        /// The PIF (index in `TcpIp::hosts`' order).
        pif: u16,
        /// The failure.
        at: SimTime,
        /// Detection: the gratuitous ARP goes out on the survivor.
        detected: SimTime,
        /// The switches deliver to the survivor.
        moved: SimTime,
    },
    /// A failed PIF is repaired at `at`.
    PifUp {
        /// The PIF.
        pif: u16,
        /// The repair.
        at: SimTime,
    },
    /// A CLIM fails at `at` (CIP, `clim_failover.rs`): its failure is detected and its
    /// addresses fail over at `detected`; an address still on no interface at `given_up`
    /// has failed its failover.
    ClimDown {
        /// The CLIM (index in `TcpIp::clims`).
        clim: u16,
        /// The failure.
        at: SimTime,
        /// Detection and CLIM-to-CLIM failover.
        detected: SimTime,
        /// The end of the failover's retries.
        given_up: SimTime,
    },
    /// A failed CLIM is up again at `at`.
    ClimUp {
        /// The CLIM.
        clim: u16,
        /// It is up.
        at: SimTime,
    },
    /// A Pathway/XM LCS dies at `at` (`lcs_kill.rs`); its PATHMON restarts it
    /// `process_creation` later (an instant the run schedules: its PATHMON's).
    LcsKill {
        /// `PATHMON/CLASS`, as written (`$XM0/ORDERS`).
        name: String,
        /// Its death.
        at: SimTime,
    },
}

impl Planned {
    /// When the fault happens.
    pub fn at(&self) -> SimTime {
        match *self {
            Planned::Down { at, .. }
            | Planned::Reload { at, .. }
            | Planned::Kill { at, .. }
            | Planned::PifDown { at, .. }
            | Planned::PifUp { at, .. }
            | Planned::ClimDown { at, .. }
            | Planned::ClimUp { at, .. }
            | Planned::LcsKill { at, .. } => at,
        }
    }
}

/// The label of the random processor failures' stream (`[faults] mtbf`): their own, so that
/// the explicit faults' detection draws are the same with and without them.
pub const RANDOM_STREAM: &str = "faults/random";

/// The faults of a run in time order: the scenario's, with their detection drawn from the
/// `faults` stream of master seed `seed`, and with `mtbf` set the random failures of each of
/// `processors` processors before `end`, with their reloads.
pub fn timeline(faults: &Faults, seed: u64, processors: u32, end: SimDuration) -> Vec<Planned> {
    let mut plan = listed(faults, seed);
    if let Some(mtbf) = faults.mtbf {
        plan.extend(random(faults, mtbf, seed, processors, end));
        // Stable: the listed faults first among equal times, then by processor.
        plan.sort_by_key(Planned::at);
    }
    plan
}

/// Random processor failures [I]: each processor fails after an exponential time of mean
/// `mtbf`, is reloaded an exponential time of mean `mttr` later (not before the failure can
/// have been declared down), is up `reload_duration` after that, and fails again an
/// exponential time after it is up; processors in numeric order, each to the run's `end`.
fn random(
    faults: &Faults,
    mtbf: SimDuration,
    seed: u64,
    processors: u32,
    end: SimDuration,
) -> Vec<Planned> {
    let mut rng = RngStreams::new(seed).stream(RANDOM_STREAM);
    let exp = |rng: &mut StreamRng, mean: SimDuration| {
        let u: f64 = rng.random();
        SimDuration::from_nanos((-(1.0 - u).ln() * mean.as_nanos() as f64).round() as u64)
    };
    let end = SimTime::ZERO + end;
    let latest = faults.imalive_period + faults.imalive_period + faults.regroup_duration;
    let mut out = Vec::new();
    for cpu in 0..processors {
        let mut t = SimTime::ZERO + exp(&mut rng, mtbf);
        while t < end {
            let detected = t + silence(&mut rng, faults.imalive_period) + faults.regroup_duration;
            out.push(Planned::Down {
                target: FaultTarget::Processor(cpu),
                at: t,
                detected,
                taken_over: detected + faults.takeover_delay,
            });
            let reload = t + exp(&mut rng, faults.mttr).max(latest);
            let up = reload + faults.reload_duration;
            if reload < end {
                out.push(Planned::Reload {
                    cpu,
                    at: reload,
                    up,
                });
            }
            t = up + exp(&mut rng, mtbf);
        }
    }
    out
}

/// The scenario's own faults, in time order.
fn listed(faults: &Faults, seed: u64) -> Vec<Planned> {
    let mut rng = RngStreams::new(seed).stream(STREAM);
    faults
        .list
        .iter()
        .map(|f| {
            let at = SimTime::ZERO + f.at;
            match f.action {
                // No draw: adding a kill leaves the processor failures' detection alone.
                FaultAction::ProcessKill(ref name) => Planned::Kill {
                    name: name.clone(),
                    at,
                    taken_over: at + faults.takeover_delay,
                },
                FaultAction::ProcessorDown(target) => {
                    let detected =
                        at + silence(&mut rng, faults.imalive_period) + faults.regroup_duration;
                    Planned::Down {
                        target,
                        at,
                        detected,
                        taken_over: detected + faults.takeover_delay,
                    }
                }
                FaultAction::ProcessorReload(cpu) => Planned::Reload {
                    cpu,
                    at,
                    up: at + faults.reload_duration,
                },
                FaultAction::PifDown(pif) => Planned::PifDown {
                    pif,
                    at,
                    detected: at + faults.lif_detect,
                    moved: at + faults.lif_detect + faults.switch_converge,
                },
                FaultAction::PifUp(pif) => Planned::PifUp { pif, at },
                FaultAction::ClimDown(clim) => Planned::ClimDown {
                    clim,
                    at,
                    detected: at + faults.lif_detect,
                    given_up: at
                        + faults.lif_detect
                        + super::clim_failover::failover_fails_after(faults.clim_retry_interval),
                },
                FaultAction::ClimUp(clim) => Planned::ClimUp { clim, at },
                // No draw either: an LCS's death is reported at once.
                FaultAction::LcsKill(ref name) => Planned::LcsKill {
                    name: name.clone(),
                    at,
                },
            }
        })
        .collect()
}

/// The silence before the others notice: U(1, 2] I'm-alive periods.
fn silence(rng: &mut StreamRng, period: SimDuration) -> SimDuration {
    // random() is in [0, 1): 2 - u is in (1, 2].
    let periods = 2.0 - rng.random::<f64>();
    SimDuration::from_nanos((period.as_nanos() as f64 * periods).round() as u64)
}

/// One line per fault, for `nssim check`: `processor 1 down at 2s, declared down at 3.2s,
/// pairs taken over at 3.4s`. `pifs` names the PIFs (`TcpIp::hosts`' order).
pub fn describe(planned: &Planned, pifs: &[String], clims: &[String]) -> String {
    match *planned {
        Planned::Kill {
            ref name,
            at,
            taken_over,
        } => format!(
            "process {name} killed at {}, a pair's backup taken over at {}",
            at - SimTime::ZERO,
            taken_over - SimTime::ZERO
        ),
        Planned::Down {
            target,
            at,
            detected,
            taken_over,
        } => {
            let who = match target {
                FaultTarget::Processor(cpu) => format!("processor {cpu}"),
                FaultTarget::Busiest => "the busiest processor".to_string(),
            };
            format!(
                "{who} down at {}, declared down at {}, pairs taken over at {}",
                at - SimTime::ZERO,
                detected - SimTime::ZERO,
                taken_over - SimTime::ZERO
            )
        }
        Planned::Reload { cpu, at, up } => format!(
            "processor {cpu} reloaded at {}, up at {}",
            at - SimTime::ZERO,
            up - SimTime::ZERO
        ),
        Planned::PifDown {
            pif,
            at,
            detected,
            moved,
        } => format!(
            "PIF {} down at {}, detected at {}, {} {}",
            pifs[usize::from(pif)],
            at - SimTime::ZERO,
            detected - SimTime::ZERO,
            if clims.is_empty() {
                "sessions on its partner from"
            } else {
                // CIP: a CLIM interface's failover (`clim_failover.rs`).
                "its address fails over, its TCP connections lost, at"
            },
            moved - SimTime::ZERO
        ),
        Planned::PifUp { pif, at } => format!(
            "PIF {} repaired at {}",
            pifs[usize::from(pif)],
            at - SimTime::ZERO
        ),
        Planned::ClimDown {
            clim,
            at,
            detected,
            given_up,
        } => format!(
            "CLIM {} down at {}, its addresses fail over at {}, a failover still pending fails at {}",
            clims[usize::from(clim)],
            at - SimTime::ZERO,
            detected - SimTime::ZERO,
            given_up - SimTime::ZERO
        ),
        Planned::ClimUp { clim, at } => {
            format!(
                "CLIM {} up at {}",
                clims[usize::from(clim)],
                at - SimTime::ZERO
            )
        }
        Planned::LcsKill { ref name, at } => format!(
            "LCS {name} killed at {}, restarted by its PATHMON process_creation later",
            at - SimTime::ZERO
        ),
    }
}

/// Which instant of a fault's timeline an [`Event::Fault`](super::Event::Fault) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// The processor stops.
    Fail,
    /// The other processors declare it down.
    Detect,
    /// Its pairs' backups have taken over.
    TakeOver,
    /// A reload starts.
    Reload,
    /// The reloaded processor is up.
    Up,
    /// CIP: the next alternate attempt of a CLIM-to-CLIM failover that has not found an
    /// interface yet (`clim_failover.rs`).
    Retry,
}

/// True for a Pathsend error only a fault causes, which a fault's tally counts: 902 (a lost
/// PATHMON), 904 with file-system error 201 or 14 (a dead server or processor), 915 (the
/// link managers gave up on a lost PATHMON), 916 (no CPUS processor up) and 947 with
/// file-system error 14 (the local link manager not running). The others (905, 918, 923 to
/// 925, 904/40, 947/30) are the configuration's or the load's, and are counted in
/// `failed_by_error` only.
pub fn by_fault(error: super::pathway::SendError) -> bool {
    matches!(
        (error.code, error.fs),
        (902 | 915 | 916, _) | (904, 201 | 14) | (947, 14)
    )
}

/// Why a fault failed a request (each counted in `RequestCounts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Its connection was reset: the TCP/IP process that owned it took over (conventional,
    /// A.4), or the process holding it died (a listener, a distributor, its requester).
    Reset,
    /// Pathsend error 904 with file-system error 201: its server, or the server's processor,
    /// failed while the send was outstanding (A.5).
    Server,
    /// Its connection was refused: no listener on the port any more (A.4 [I]).
    Refused,
    /// Its LCS died while it was sent there and not answered (A.9): [I] 904 with
    /// file-system error 201, as `Server`; it reached a server only if the LCS had
    /// forwarded it.
    Lcs,
}

/// The fault model's state during a run: the timeline, which processors have failed and
/// been declared down, the requests and grants nothing answers yet, the log, and what each
/// fault cost.
#[derive(Debug)]
pub struct Runtime {
    /// The timeline, in time order.
    pub plan: Vec<Planned>,
    /// Per fault: the processor it names (`"busiest"` resolved at its failure).
    pub cpu: Vec<Option<u32>>,
    /// Per processor: failed and declared down, until reloaded.
    pub declared: Vec<bool>,
    /// Requests held in failed processors not yet declared down (nothing answers them).
    pub limbo: Vec<(u32, super::RequestId)>,
    /// PATHMON grants lost with a PATHMON's processor, not yet declared down.
    pub grants: Vec<(u32, super::LinkId)>,
    /// What happened, in time order.
    pub log: Vec<LogRow>,
    /// Per fault: what it did to requests.
    pub tally: Vec<Tally>,
    /// Per fault: requests it failed that their requester reissued (`retry.rs`).
    pub retried: Vec<u64>,
    /// The fault that failures are charged to: the latest processor failure.
    pub current: Option<usize>,
    /// When some fault names `"busiest"`: each processor's CPU so far at the last two samples
    /// [ns], to find the busiest over the last sample window.
    pub busy_samples: Option<[Vec<u64>; 2]>,
    /// When a failure counts as recovered.
    pub recovery: RecoveryRule,
    /// What moves back after a reload (`[faults] rebalance`).
    pub rebalance: crate::scenario::Rebalance,
    /// Per fault: when a killed pair's backup took over (`process_kill` of a pair only).
    pub kill_takeover: Vec<Option<SimTime>>,
    /// The PIFs' names, in the LAN's order.
    pub pifs: Vec<String>,
    /// Per PIF: its latest `pif_down`, which its lost frames are charged to.
    pub pif_fault: Vec<Option<usize>>,
    /// Per fault: frames lost at its failed PIF (`pif_down`) or CLIM (`clim_down`).
    pub frames_lost: Vec<u64>,
    /// The CLIMs' names (CIP), in scenario order.
    pub clims: Vec<String>,
    /// Per CLIM: its latest `clim_down` while it is down.
    pub clim_fault: Vec<Option<usize>>,
    /// CIP: the failovers still looking for an interface, and their retry interval.
    pub cip: super::clim_failover::Retries,
    /// Per fault: requests an `lcs_kill` lost (queued at, on their way to, or forwarded by
    /// the dead LCS), retried or failed.
    pub lcs_lost: Vec<u64>,
    /// Per fault: when an `lcs_kill`'s LCS ran again.
    pub lcs_up: Vec<Option<SimTime>>,
    /// Per LCS (Pathway's order): its latest `lcs_kill`, which what it loses is charged to.
    pub lcs_fault: Vec<Option<usize>>,
}

impl Runtime {
    /// The runtime state of the faults `faults` with master seed `seed`, for `processors`
    /// processors and the PIFs named `pifs`.
    pub fn new(
        faults: &Faults,
        seed: u64,
        processors: u32,
        end: SimDuration,
        pifs: Vec<String>,
    ) -> Self {
        let plan = timeline(faults, seed, processors, end);
        let busiest = plan.iter().any(|p| {
            matches!(
                p,
                Planned::Down {
                    target: FaultTarget::Busiest,
                    ..
                }
            )
        });
        let n = processors as usize;
        Runtime {
            cpu: plan
                .iter()
                .map(|p| match *p {
                    Planned::Down {
                        target: FaultTarget::Processor(c),
                        ..
                    } => Some(c),
                    Planned::Down { .. }
                    | Planned::Kill { .. }
                    | Planned::PifDown { .. }
                    | Planned::PifUp { .. }
                    | Planned::ClimDown { .. }
                    | Planned::ClimUp { .. }
                    | Planned::LcsKill { .. } => None,
                    Planned::Reload { cpu, .. } => Some(cpu),
                })
                .collect(),
            tally: vec![Tally::default(); plan.len()],
            retried: vec![0; plan.len()],
            kill_takeover: vec![None; plan.len()],
            frames_lost: vec![0; plan.len()],
            lcs_lost: vec![0; plan.len()],
            lcs_up: vec![None; plan.len()],
            lcs_fault: Vec::new(),
            pif_fault: vec![None; pifs.len()],
            pifs,
            clims: Vec::new(),
            clim_fault: Vec::new(),
            cip: super::clim_failover::Retries::new(faults.clim_retry_interval),
            plan,
            declared: vec![false; n],
            busy_samples: busiest.then(|| [vec![0; n], vec![0; n]]),
            recovery: faults.recovery,
            rebalance: faults.rebalance,
            limbo: Vec::new(),
            grants: Vec::new(),
            log: Vec::new(),
            current: None,
        }
    }

    /// Every instant of the timeline, to schedule at the start of the run.
    pub fn instants(&self) -> Vec<(SimTime, u16, Phase)> {
        let mut out = Vec::new();
        for (i, p) in self.plan.iter().enumerate() {
            let i = u16::try_from(i).expect("fewer than 65536 faults");
            match *p {
                Planned::Down {
                    at,
                    detected,
                    taken_over,
                    ..
                } => {
                    out.push((at, i, Phase::Fail));
                    out.push((detected, i, Phase::Detect));
                    out.push((taken_over, i, Phase::TakeOver));
                }
                Planned::Reload { at, up, .. } => {
                    out.push((at, i, Phase::Reload));
                    out.push((up, i, Phase::Up));
                }
                Planned::Kill { at, taken_over, .. } => {
                    out.push((at, i, Phase::Fail));
                    out.push((taken_over, i, Phase::TakeOver));
                }
                Planned::PifDown {
                    at,
                    detected,
                    moved,
                    ..
                } => {
                    out.push((at, i, Phase::Fail));
                    out.push((detected, i, Phase::Detect));
                    out.push((moved, i, Phase::TakeOver));
                }
                Planned::PifUp { at, .. } => out.push((at, i, Phase::Up)),
                // The failover's retries are scheduled by the failover, only while an
                // address waits (`clim_failover.rs`).
                Planned::ClimDown { at, detected, .. } => {
                    out.push((at, i, Phase::Fail));
                    out.push((detected, i, Phase::Detect));
                }
                Planned::ClimUp { at, .. } => out.push((at, i, Phase::Up)),
                // Its restart (`Phase::Up`) is scheduled by the run, by its PATHMON.
                Planned::LcsKill { at, .. } => out.push((at, i, Phase::Fail)),
            }
        }
        out
    }

    /// A new sample of each processor's CPU so far [ns].
    pub fn sample_busy(&mut self, cpu_so_far: impl Iterator<Item = u64>) {
        if let Some([older, newer]) = self.busy_samples.as_mut() {
            std::mem::swap(older, newer);
            newer.clear();
            newer.extend(cpu_so_far);
        }
    }

    /// The processor busiest over the last sample window among those `up` says are up
    /// (ties: the lowest number).
    pub fn busiest(&self, up: impl Fn(u32) -> bool) -> Option<u32> {
        let [older, newer] = self.busy_samples.as_ref()?;
        (0..newer.len() as u32).filter(|&c| up(c)).max_by_key(|&c| {
            let c = c as usize;
            (
                newer[c] - older.get(c).copied().unwrap_or(0),
                std::cmp::Reverse(c),
            )
        })
    }

    /// Logs `event` at `now` for fault `fault` on `target`.
    pub fn log(&mut self, now: SimTime, fault: usize, target: String, event: &str) {
        self.log_counted(now, fault, target, event, None, None);
    }

    /// Logs `event` with a count and a message number.
    pub fn log_counted(
        &mut self,
        now: SimTime,
        fault: usize,
        target: String,
        event: &str,
        count: Option<u64>,
        message: Option<u32>,
    ) {
        self.log.push(LogRow {
            t_s: now.as_secs_f64(),
            fault,
            target,
            event: event.to_string(),
            count,
            message,
        });
    }

    /// A fault failed a request for `why`: charged to the current fault.
    pub fn charge(&mut self, why: Why) {
        if let Some(f) = self.current {
            self.charge_to(f, why);
        }
    }

    /// The latest processor fault (or fault 0) failed a request its requester reissues.
    pub fn charge_retry(&mut self) {
        if let Some(f) = self.current {
            self.retried[f] += 1;
        }
    }

    /// Fault `f` failed a request for `why`.
    pub fn charge_to(&mut self, f: usize, why: Why) {
        let what = match why {
            Why::Reset => "reset",
            Why::Server | Why::Lcs => "904/201",
            Why::Refused => "refused",
        };
        self.tally[f].add(what);
    }

    /// A Pathsend error that only a fault causes failed a request (see [`by_fault`]): charged
    /// to the current fault, under its label (`902/201`, `904/14`, `947/14`, ...).
    pub fn charge_error(&mut self, error: super::pathway::SendError) {
        if let Some(f) = self.current
            && by_fault(error)
        {
            self.tally[f].add(&error.label());
        }
    }

    /// AUTORESTART restarted server process `name`, or found its processor down (916), or
    /// the server moved back to its reloaded processor (`rebalanced`).
    pub fn restarted(&mut self, now: SimTime, name: String, how: super::pathway::Restart) {
        use super::pathway::Restart;
        let f = self.current.unwrap_or(0);
        let event = match how {
            Restart::Restarted => "restarted",
            Restart::Rebalanced => "rebalanced",
            Restart::Failed => "916",
        };
        self.log(now, f, name, event);
    }
}

impl Runtime {
    /// The faults' results from the run's time series (`series`: one sample per `interval`,
    /// inside the arrival window) and counts.
    pub fn results(
        &self,
        series: &[crate::stats::TimeSample],
        interval: SimDuration,
        completed: u64,
        attempted: u64,
        rule: RecoveryRule,
        failed_by_error: &std::collections::BTreeMap<String, u64>,
    ) -> Option<FaultsResult> {
        if self.plan.is_empty() {
            return None;
        }
        let width = interval.as_secs_f64();
        let downtime_s = series
            .iter()
            .filter(|w| w.offered_per_s > 0.0 && w.throughput_per_s < 0.5 * w.offered_per_s)
            .count() as f64
            * width;
        let faults = self
            .plan
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let count = |event: &str| -> u64 {
                    self.log
                        .iter()
                        .filter(|r| r.fault == i && r.event == event)
                        .filter_map(|r| r.count.or(Some(1)))
                        .sum()
                };
                let mut f = FaultResult {
                    fault: i,
                    action: String::new(),
                    processor: self.cpu[i],
                    at_s: 0.0,
                    detected_s: None,
                    taken_over_s: None,
                    up_s: None,
                    failed: self.tally[i].clone(),
                    failed_total: self.tally[i].total(),
                    retried: self.retried[i],
                    servers_lost: count("servers lost"),
                    restarted: count("restarted"),
                    links_dropped: count("links dropped"),
                    process: None,
                    pre_throughput_per_s: None,
                    pre_p99_ms: None,
                    recovery_s: None,
                    pif: None,
                    frames_lost: None,
                    clim: None,
                    lcs: None,
                    requests_lost: None,
                };
                match *p {
                    Planned::Down {
                        at,
                        detected,
                        taken_over,
                        ..
                    } => {
                        f.action = "processor_down".into();
                        f.at_s = at.as_secs_f64();
                        f.detected_s = Some(detected.as_secs_f64());
                        f.taken_over_s = Some(taken_over.as_secs_f64());
                        if self.cpu[i].is_some() {
                            let (tp, p99, rec) = recovery(series, width, f.at_s, rule);
                            f.pre_throughput_per_s = tp;
                            f.pre_p99_ms = p99;
                            f.recovery_s = rec;
                        }
                    }
                    Planned::Reload { at, up, .. } => {
                        f.action = "processor_reload".into();
                        f.at_s = at.as_secs_f64();
                        f.up_s = Some(up.as_secs_f64());
                    }
                    Planned::Kill { ref name, at, .. } => {
                        f.action = "process_kill".into();
                        f.process = Some(name.clone());
                        f.at_s = at.as_secs_f64();
                        f.taken_over_s = self.kill_takeover[i].map(|t| t.as_secs_f64());
                        if self.cpu[i].is_some() {
                            let (tp, p99, rec) = recovery(series, width, f.at_s, rule);
                            f.pre_throughput_per_s = tp;
                            f.pre_p99_ms = p99;
                            f.recovery_s = rec;
                        }
                    }
                    Planned::PifDown {
                        pif,
                        at,
                        detected,
                        moved,
                    } => {
                        f.action = "pif_down".into();
                        f.pif = Some(self.pifs[usize::from(pif)].clone());
                        f.at_s = at.as_secs_f64();
                        f.detected_s = Some(detected.as_secs_f64());
                        f.taken_over_s = Some(moved.as_secs_f64());
                        f.frames_lost = Some(self.frames_lost[i]);
                        let (tp, p99, rec) = recovery(series, width, f.at_s, rule);
                        f.pre_throughput_per_s = tp;
                        f.pre_p99_ms = p99;
                        f.recovery_s = rec;
                    }
                    Planned::PifUp { pif, at } => {
                        f.action = "pif_up".into();
                        f.pif = Some(self.pifs[usize::from(pif)].clone());
                        f.at_s = at.as_secs_f64();
                        f.up_s = Some(f.at_s);
                    }
                    Planned::ClimDown {
                        clim, at, detected, ..
                    } => {
                        f.action = "clim_down".into();
                        f.clim = Some(self.clims[usize::from(clim)].clone());
                        f.at_s = at.as_secs_f64();
                        f.detected_s = Some(detected.as_secs_f64());
                        f.taken_over_s = Some(detected.as_secs_f64());
                        f.frames_lost = Some(self.frames_lost[i]);
                        let (tp, p99, rec) = recovery(series, width, f.at_s, rule);
                        f.pre_throughput_per_s = tp;
                        f.pre_p99_ms = p99;
                        f.recovery_s = rec;
                    }
                    Planned::ClimUp { clim, at } => {
                        f.action = "clim_up".into();
                        f.clim = Some(self.clims[usize::from(clim)].clone());
                        f.at_s = at.as_secs_f64();
                        f.up_s = Some(f.at_s);
                    }
                    Planned::LcsKill { ref name, at } => {
                        f.action = "lcs_kill".into();
                        f.lcs = Some(name.clone());
                        f.at_s = at.as_secs_f64();
                        f.up_s = self.lcs_up[i].map(|t| t.as_secs_f64());
                        if self.cpu[i].is_some() {
                            f.requests_lost = Some(self.lcs_lost[i]);
                            let (tp, p99, rec) = recovery(series, width, f.at_s, rule);
                            f.pre_throughput_per_s = tp;
                            f.pre_p99_ms = p99;
                            f.recovery_s = rec;
                        }
                    }
                }
                f
            })
            .collect();
        Some(FaultsResult {
            availability: if attempted == 0 {
                1.0
            } else {
                completed as f64 / attempted as f64
            },
            downtime_s,
            failed_by_error: failed_by_error.clone(),
            faults,
            log: self.log.clone(),
        })
    }
}

/// The recovery rule over `series` (windows of `width` seconds) for a failure at `at_s`:
/// the pre-fault throughput and p99, and the recovery time.
pub fn recovery(
    series: &[crate::stats::TimeSample],
    width: f64,
    at_s: f64,
    rule: RecoveryRule,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let counts = |w: &crate::stats::TimeSample| w.throughput_per_s * width >= rule.min_completions;
    let pre: Vec<_> = series
        .iter()
        .filter(|w| {
            w.t_s >= at_s - rule.pre.as_secs_f64() - 1e-9
                && w.t_s + width <= at_s + 1e-9
                && counts(w)
        })
        .collect();
    if pre.is_empty() {
        return (None, None, None);
    }
    let n = pre.len() as f64;
    let tp = pre.iter().map(|w| w.throughput_per_s).sum::<f64>() / n;
    let p99 = pre.iter().map(|w| w.latency_ms_p99).sum::<f64>() / n;
    let good = |w: &crate::stats::TimeSample| {
        (w.throughput_per_s - tp).abs() <= rule.band * tp
            && w.latency_ms_p99 <= rule.p99_factor * p99
    };
    // The windows after the failure that count, in time order.
    let after: Vec<_> = series
        .iter()
        .filter(|w| w.t_s >= at_s - 1e-9 && counts(w))
        .collect();
    let recovered = after
        .windows(rule.windows)
        .find(|run| run.iter().all(|w| good(w)))
        .map(|run| run[0].t_s - at_s);
    (Some(tp), Some(p99), recovered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Fault;

    fn down(cpu: u32, s: u64) -> Fault {
        Fault {
            at: SimDuration::from_secs(s),
            action: FaultAction::ProcessorDown(FaultTarget::Processor(cpu)),
        }
    }

    #[test]
    fn detection_is_one_to_two_periods_then_the_regroup_and_takeover_follows() {
        let faults = Faults {
            list: (0..200).map(|i| down(i % 4, 1 + u64::from(i))).collect(),
            ..Faults::default()
        };
        let plan = timeline(&faults, 42, 4, SimDuration::from_secs(1000));
        assert_eq!(
            plan,
            timeline(&faults, 42, 4, SimDuration::from_secs(1000)),
            "same seed, same timeline"
        );
        assert_ne!(plan, timeline(&faults, 43, 4, SimDuration::from_secs(1000)));
        let (mut lo, mut hi) = (u64::MAX, 0);
        for p in plan {
            let Planned::Down {
                at,
                detected,
                taken_over,
                ..
            } = p
            else {
                unreachable!("only failures here")
            };
            let silence = (detected - at).as_nanos() - 300_000_000;
            assert!(
                silence > 1_000_000_000 && silence <= 2_000_000_000,
                "{silence}"
            );
            (lo, hi) = (lo.min(silence), hi.max(silence));
            assert_eq!(taken_over - detected, SimDuration::from_millis(200));
        }
        // 200 draws spread over the interval.
        assert!(lo < 1_100_000_000 && hi > 1_900_000_000, "{lo} {hi}");
    }

    #[test]
    fn a_fault_draws_only_from_its_own_stream() {
        // The detection of the first failure is the first draw of stream `faults`, whatever
        // the faults after it, and any other stream is the same with or without faults.
        let one = Faults {
            list: vec![down(1, 2)],
            ..Faults::default()
        };
        let two = Faults {
            list: vec![down(1, 2), down(2, 5)],
            ..Faults::default()
        };
        assert_eq!(
            timeline(&one, 7, 4, SimDuration::from_secs(1000))[0],
            timeline(&two, 7, 4, SimDuration::from_secs(1000))[0]
        );
        let streams = RngStreams::new(7);
        let before: Vec<u64> = (0..5)
            .map(|_| streams.stream("workload/arrivals").random())
            .collect();
        let _ = timeline(&two, 7, 4, SimDuration::from_secs(1000));
        let after: Vec<u64> = (0..5)
            .map(|_| streams.stream("workload/arrivals").random())
            .collect();
        assert_eq!(before, after);
    }

    #[test]
    fn a_reload_is_up_after_its_duration() {
        let faults = Faults {
            list: vec![
                down(1, 2),
                Fault {
                    at: SimDuration::from_secs(4),
                    action: FaultAction::ProcessorReload(1),
                },
            ],
            ..Faults::default()
        };
        let plan = timeline(&faults, 1, 4, SimDuration::from_secs(1000));
        assert_eq!(
            plan[1],
            Planned::Reload {
                cpu: 1,
                at: SimTime::ZERO + SimDuration::from_secs(4),
                up: SimTime::ZERO + SimDuration::from_secs(64),
            }
        );
        assert_eq!(
            describe(&plan[1], &[], &[]),
            "processor 1 reloaded at 4s, up at 64s"
        );
        assert!(
            describe(&plan[0], &[], &[]).starts_with("processor 1 down at 2s, declared down at ")
        );
    }

    #[test]
    fn random_failures_alternate_with_reloads_and_leave_the_listed_faults_alone() {
        let listed = Faults {
            list: vec![down(1, 2)],
            ..Faults::default()
        };
        let random = Faults {
            mtbf: Some(SimDuration::from_secs(3600)),
            mttr: SimDuration::from_secs(600),
            ..listed.clone()
        };
        let end = SimDuration::from_secs(100 * 3600);
        let plan = timeline(&random, 9, 4, end);
        assert_eq!(
            plan,
            timeline(&random, 9, 4, end),
            "same seed, same timeline"
        );
        // The listed fault's detection is drawn as without random faults.
        let first = timeline(&listed, 9, 4, end)[0].clone();
        assert!(plan.contains(&first));
        for cpu in 0..4 {
            let mine: Vec<&Planned> = plan
                .iter()
                .filter(|p| match p {
                    Planned::Down {
                        target: FaultTarget::Processor(c),
                        ..
                    } => *c == cpu && **p != first,
                    Planned::Reload { cpu: c, .. } => *c == cpu,
                    _ => false,
                })
                .collect();
            // Down, reload, down, reload, ...: a reload after the latest detection.
            for pair in mine.chunks(2) {
                let Planned::Down { at, .. } = *pair[0] else {
                    panic!("a failure first: {pair:?}")
                };
                if let Some(&&Planned::Reload { at: reload, .. }) = pair.get(1) {
                    assert!(reload >= at + SimDuration::from_millis(2300), "{pair:?}");
                } else {
                    assert!(pair.len() == 1);
                }
            }
            // About 100 h / (1 h + 10 min + 1 min) = 84 failures per processor.
            let failures = mine.len().div_ceil(2);
            assert!((55..=120).contains(&failures), "{failures}");
        }
    }
}
