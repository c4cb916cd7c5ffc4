//! `[[fault]]` and `[faults]`: when each fault happens, what it does, and the timing of
//! detection, takeover and reload (faults.md A.1, A.3, A.10).
//!
//! A fault has `at` and exactly one action. This model simulates `processor_down` (a number,
//! or `"busiest"`), `processor_reload`, `process_kill` (a process the model runs, by the
//! name `processes.csv` gives it: [`killable`] lists them), `pif_down` and `pif_up` (a PIF's
//! name, faults.md A.8), `clim_down` and `clim_up` (a CLIM's name, CIP stack, faults.md A.4),
//! `lcs_kill` (a Pathway/XM LCS as `"PATHMON/CLASS"`, faults.md A.9).
//! The processors', PIFs' and CLIMs' states are followed in time order, so a reload of a
//! processor that is up then, a second failure of one that is down, or a repair of a PIF
//! or CLIM that is up, is reported where it is written.

use super::Checker;
use crate::engine::SimDuration;
use crate::scenario::raw::{NameOrNumber, RawFault, RawFaults};
use crate::scenario::types::{
    Fault, FaultAction, FaultTarget, Faults, LcsReservations, Rebalance, RunControl,
};

/// The most random failures (`[faults] mtbf`) a run may expect: each is a handful of events
/// and a row of `faults.csv`.
const MAX_RANDOM_FAILURES: f64 = 1000.0;

/// The actions this model simulates, as messages list them.
const SUPPORTED: &str = "`processor_down = N` (or \"busiest\"), `processor_reload = N`, `process_kill = \"NAME\"`, `pif_down = \"NAME\"`, `pif_up = \"NAME\"`, `clim_down = \"NAME\"`, `clim_up = \"NAME\"`, `lcs_kill = \"PATHMON/CLASS\"`";

impl Checker {
    /// Validates the faults against the run (`at` before its end), the processors and the
    /// PIFs (`pifs`, in the LAN's order: `TcpIp::hosts`).
    pub(super) fn faults(
        &mut self,
        list: &[RawFault],
        timing: Option<&RawFaults>,
        run: &RunControl,
        processes: &Killable,
        pifs: &[String],
        lcss: Option<&[String]>,
    ) -> Faults {
        let defaults = Faults::default();
        let t = timing.cloned().unwrap_or_default();
        let d = |c: &mut Checker, key: &str, text: Option<&String>, default: SimDuration| {
            c.duration(&format!("faults.{key}"), text, &default.to_string())
        };
        let imalive_period = d(
            self,
            "imalive_period",
            t.imalive_period.as_ref(),
            defaults.imalive_period,
        );
        let regroup_duration = d(
            self,
            "regroup_duration",
            t.regroup_duration.as_ref(),
            defaults.regroup_duration,
        );
        let takeover_delay = d(
            self,
            "takeover_delay",
            t.takeover_delay.as_ref(),
            defaults.takeover_delay,
        );
        let reload_duration = d(
            self,
            "reload_duration",
            t.reload_duration.as_ref(),
            defaults.reload_duration,
        );
        // (A period that did not parse was reported already.)
        if imalive_period.is_zero()
            && t.imalive_period
                .as_deref()
                .is_some_and(|text| crate::scenario::parse_duration(text).is_ok())
        {
            self.err(
                "faults.imalive_period",
                "the I'm-alive period must be positive; write e.g. imalive_period = \"1s\"",
            );
        }
        let lif_detect = d(
            self,
            "lif_detect",
            t.lif_detect.as_ref(),
            defaults.lif_detect,
        );
        let switch_converge = d(
            self,
            "switch_converge",
            t.switch_converge.as_ref(),
            defaults.switch_converge,
        );
        let tcp_rto = d(self, "tcp_rto", t.tcp_rto.as_ref(), defaults.tcp_rto);
        if tcp_rto.is_zero()
            && t.tcp_rto
                .as_deref()
                .is_some_and(|text| crate::scenario::parse_duration(text).is_ok())
        {
            self.err(
                "faults.tcp_rto",
                "the retransmission timeout must be positive; write e.g. tcp_rto = \"1s\"",
            );
        }
        let clim_retry_interval = d(
            self,
            "clim_retry_interval",
            t.clim_retry_interval.as_ref(),
            defaults.clim_retry_interval,
        );
        if clim_retry_interval.is_zero()
            && t.clim_retry_interval
                .as_deref()
                .is_some_and(|text| crate::scenario::parse_duration(text).is_ok())
        {
            self.err(
                "faults.clim_retry_interval",
                "the failover's retry interval must be positive; write e.g. clim_retry_interval = \"10s\"",
            );
        }
        let pathmon_io_timeout = d(
            self,
            "pathmon_io_timeout",
            t.pathmon_io_timeout.as_ref(),
            defaults.pathmon_io_timeout,
        );
        if pathmon_io_timeout.is_zero()
            && t.pathmon_io_timeout
                .as_deref()
                .is_some_and(|text| crate::scenario::parse_duration(text).is_ok())
        {
            self.err(
                "faults.pathmon_io_timeout",
                "the link managers' I/O timeout must be positive; write e.g. pathmon_io_timeout = \"5min\"",
            );
        }
        let rebalance_after = d(
            self,
            "rebalance_after",
            t.rebalance_after.as_ref(),
            SimDuration::from_secs(60),
        );
        let rebalance = match t.rebalance.as_deref() {
            None | Some("off") => Rebalance::Off,
            Some("auto") => Rebalance::Auto,
            Some("manual") => Rebalance::Manual(rebalance_after),
            Some(other) => {
                self.err(
                    "faults.rebalance",
                    format!("unknown rebalance mode `{other}`: write \"off\" (moved servers stay), \"auto\" (they move back when the processor is up) or \"manual\" (they move back `rebalance_after` later)"),
                );
                Rebalance::Off
            }
        };
        if t.rebalance_after.is_some() && !matches!(rebalance, Rebalance::Manual(_)) {
            self.err(
                "faults.rebalance_after",
                "rebalance_after applies only with rebalance = \"manual\"; remove it or set rebalance = \"manual\"",
            );
        }
        let lcs_reservations = match t.lcs_reservations.as_deref() {
            None | Some("held") => LcsReservations::Held,
            Some("released") => LcsReservations::Released,
            Some(other) => {
                self.err(
                    "faults.lcs_reservations",
                    format!("unknown value `{other}`: write \"held\" (the process broker keeps a dead LCS's reservations until they expire) or \"released\" (they end at once)"),
                );
                LcsReservations::Held
            }
        };
        let mttr = d(self, "mttr", t.mttr.as_ref(), defaults.mttr);
        let mtbf = t.mtbf.as_ref().map(|text| {
            let mtbf = self.duration("faults.mtbf", Some(text), "1h");
            if mtbf < SimDuration::from_secs(1) {
                self.err(
                    "faults.mtbf",
                    format!("the mean time between failures must be at least 1s, got {mtbf}; write e.g. mtbf = \"30d\""),
                );
            } else if let Some(n) = self.processors {
                // Expected failures in the run: at most MAX_RANDOM_FAILURES.
                let cycle = (mtbf + mttr + reload_duration).as_secs_f64();
                let expected = f64::from(n) * run.duration.as_secs_f64() / cycle;
                if expected > MAX_RANDOM_FAILURES {
                    self.err(
                        "faults.mtbf",
                        format!("mtbf = {mtbf} gives about {expected:.0} random failures of {n} processors in {} (at most {MAX_RANDOM_FAILURES:.0}); raise mtbf or shorten the run", run.duration),
                    );
                }
            }
            mtbf
        });
        let defaults_rule = defaults.recovery;
        let recovery_pre = d(
            self,
            "recovery_pre",
            t.recovery_pre.as_ref(),
            defaults_rule.pre,
        );
        if recovery_pre.is_zero() {
            self.err(
                "faults.recovery_pre",
                "the pre-fault period must be positive; write e.g. recovery_pre = \"10s\"",
            );
        }
        let band = t.recovery_band.unwrap_or(defaults_rule.band);
        if !(band > 0.0 && band <= 1.0) {
            self.err(
                "faults.recovery_band",
                format!("the throughput band is a fraction in (0, 1], got {band}; write e.g. recovery_band = 0.05"),
            );
        }
        let p99_factor = t.recovery_p99.unwrap_or(defaults_rule.p99_factor);
        if !(1.0..=1000.0).contains(&p99_factor) {
            self.err(
                "faults.recovery_p99",
                format!("the p99 factor must be between 1 and 1000, got {p99_factor}; write e.g. recovery_p99 = 1.5"),
            );
        }
        let windows = t.recovery_windows.unwrap_or(defaults_rule.windows as u32);
        if !(1..=1000).contains(&windows) {
            self.err(
                "faults.recovery_windows",
                format!("the windows in a row must be between 1 and 1000, got {windows}; write e.g. recovery_windows = 3"),
            );
        }
        // (index in the file, fault), for the ones that parsed.
        let mut parsed: Vec<(usize, Fault)> = Vec::new();
        for (i, raw) in list.iter().enumerate() {
            if let Some(f) = self.fault(i, raw, run, (processes, pifs, lcss)) {
                parsed.push((i, f));
            }
        }
        parsed.sort_by_key(|(i, f)| (f.at, *i));
        // The latest a failure can be declared down (A.1): two periods and the regroup.
        let detection = imalive_period + imalive_period + regroup_duration;
        self.fault_sequence(&parsed, detection, pifs);
        Faults {
            list: parsed.into_iter().map(|(_, f)| f).collect(),
            imalive_period,
            regroup_duration,
            takeover_delay,
            reload_duration,
            mtbf,
            mttr,
            recovery: crate::scenario::types::RecoveryRule {
                pre: recovery_pre,
                band,
                p99_factor,
                windows: windows as usize,
                min_completions: defaults_rule.min_completions,
            },
            lif_detect,
            switch_converge,
            tcp_rto,
            clim_retry_interval,
            pathmon_io_timeout,
            rebalance,
            lcs_reservations,
        }
    }

    /// One `[[fault]]`, or `None` after reporting what is wrong with it.
    fn fault(
        &mut self,
        i: usize,
        raw: &RawFault,
        run: &RunControl,
        (processes, pifs, lcss): (&Killable, &[String], Option<&[String]>),
    ) -> Option<Fault> {
        let field = format!("fault[{i}]");
        let at = self.required_duration(&format!("{field}.at"), raw.at.as_ref(), "10s");
        if let Some(at) = at
            && !run.duration.is_zero()
            && at >= run.duration
        {
            self.err(
                format!("{field}.at"),
                format!(
                    "a fault at {at} is at or after the run's end (run.duration = {}): it would change nothing measured; move it before {} or lengthen run.duration",
                    run.duration, run.duration
                ),
            );
        }
        let actions = [
            ("processor_down", raw.processor_down.is_some()),
            ("processor_reload", raw.processor_reload.is_some()),
            ("process_kill", raw.process_kill.is_some()),
            ("pif_down", raw.pif_down.is_some()),
            ("pif_up", raw.pif_up.is_some()),
            ("clim_down", raw.clim_down.is_some()),
            ("clim_up", raw.clim_up.is_some()),
            ("lcs_kill", raw.lcs_kill.is_some()),
        ]
        .into_iter()
        .filter(|&(_, set)| set)
        .map(|(name, _)| name)
        .collect::<Vec<_>>();
        match actions.as_slice() {
            [] => {
                self.err(
                    field,
                    format!("a fault needs one action; write one of {SUPPORTED}"),
                );
                return None;
            }
            [_, _, ..] => {
                self.err(
                    format!("{field}.{}", actions[1]),
                    format!(
                        "a fault has exactly one action, this one has {}; write one [[fault]] per action",
                        super::list_names(&actions)
                    ),
                );
                return None;
            }
            _ => {}
        }
        let action = if let Some(NameOrNumber(target)) = &raw.processor_down {
            let target = self.fault_target(&format!("{field}.processor_down"), target)?;
            if target == FaultTarget::Busiest
                && let Some(at) = at
                && at < run.sample_interval
            {
                self.err(
                    format!("{field}.processor_down"),
                    format!(
                        "\"busiest\" is the processor busiest over the sample window before the fault, and there is none before {} (run.sample_interval); move `at` to at least {} or name the processor",
                        run.sample_interval, run.sample_interval
                    ),
                );
            }
            FaultAction::ProcessorDown(target)
        } else if let Some(NameOrNumber(name)) = &raw.process_kill
            && let Some(lcs) = lcss
                .into_iter()
                .flatten()
                .find(|l| crate::scenario::lcs_process_name(l) == *name)
        {
            // [I] Killing an LCS's process is its `lcs_kill`.
            FaultAction::LcsKill(lcs.clone())
        } else if let Some(NameOrNumber(name)) = &raw.process_kill {
            FaultAction::ProcessKill(self.kill_target(
                &format!("{field}.process_kill"),
                name,
                processes,
            )?)
        } else if let Some(NameOrNumber(name)) = &raw.lcs_kill {
            FaultAction::LcsKill(self.lcs_target(&format!("{field}.lcs_kill"), name, lcss)?)
        } else if let Some(NameOrNumber(name)) = raw.clim_down.as_ref().or(raw.clim_up.as_ref()) {
            let key = if raw.clim_down.is_some() {
                "clim_down"
            } else {
                "clim_up"
            };
            let Some(c) = self.clim_names.iter().position(|n| n == name) else {
                let known = if self.clim_names.is_empty() {
                    "this scenario has none (CLIMs exist under tcpip.stack = \"cip\" only)"
                        .to_string()
                } else {
                    format!("the CLIMs are {}", super::list_names(&self.clim_names))
                };
                self.err(
                    format!("{field}.{key}"),
                    format!("no CLIM is named \"{name}\"; {known}"),
                );
                return None;
            };
            let c = u16::try_from(c).expect("few CLIMs");
            if raw.clim_down.is_some() {
                FaultAction::ClimDown(c)
            } else {
                FaultAction::ClimUp(c)
            }
        } else if let Some(NameOrNumber(name)) = raw.pif_down.as_ref().or(raw.pif_up.as_ref()) {
            let key = if raw.pif_down.is_some() {
                "pif_down"
            } else {
                "pif_up"
            };
            let Some(p) = pifs.iter().position(|n| n == name) else {
                self.err(
                    format!("{field}.{key}"),
                    format!(
                        "no PIF is named \"{name}\"; the IP hosts' PIFs are {}",
                        super::list_names(pifs)
                    ),
                );
                return None;
            };
            let p = u16::try_from(p).expect("fewer than 65536 PIFs");
            if raw.pif_down.is_some() {
                FaultAction::PifDown(p)
            } else {
                FaultAction::PifUp(p)
            }
        } else {
            let cpu = raw.processor_reload.expect("the one action left");
            self.fault_processor(&format!("{field}.processor_reload"), cpu)?;
            FaultAction::ProcessorReload(cpu)
        };
        Some(Fault { at: at?, action })
    }

    /// `processor_down`'s value: a processor number or `"busiest"`.
    fn fault_target(&mut self, field: &str, text: &str) -> Option<FaultTarget> {
        if text == "busiest" {
            return Some(FaultTarget::Busiest);
        }
        let Ok(cpu) = text.parse::<u32>() else {
            self.err(
                field,
                format!("expected a processor number or \"busiest\", got \"{text}\"; write e.g. processor_down = 3"),
            );
            return None;
        };
        self.fault_processor(field, cpu)?;
        Some(FaultTarget::Processor(cpu))
    }

    /// `process_kill`'s value: a process the model runs (see [`killable`]).
    fn kill_target(&mut self, field: &str, name: &str, processes: &Killable) -> Option<String> {
        if let Some(why) = &processes.refused {
            self.err(field, why.clone());
            return None;
        }
        let dynamic = name.split_once('#').is_some_and(|(class, n)| {
            processes.dynamic.iter().any(|c| c == class) && n.parse::<u32>().is_ok()
        });
        if processes.names.iter().any(|n| n == name) || dynamic {
            return Some(name.to_string());
        }
        let more = if processes.dynamic.is_empty() {
            String::new()
        } else {
            format!(
                ", or a dynamic server `CLASS#N` of {}",
                super::list_names(&processes.dynamic)
            )
        };
        // At most 40 names: a large class would drown the message.
        const SHOWN: usize = 40;
        let rest = processes.names.len().saturating_sub(SHOWN);
        let rest = if rest > 0 {
            format!(" and {rest} more")
        } else {
            String::new()
        };
        self.err(
            field,
            format!(
                "no process is named `{name}`; the processes this scenario runs are {}{rest}{more} (names as in processes.csv)",
                super::list_names(processes.names.iter().take(SHOWN))
            ),
        );
        None
    }

    /// `lcs_kill`'s value: `PATHMON/CLASS` naming one of the LCSs `lcss` lists (none known
    /// when the rest of the scenario has errors: then any name passes here).
    fn lcs_target(&mut self, field: &str, name: &str, lcss: Option<&[String]>) -> Option<String> {
        let Some(lcss) = lcss else {
            return Some(name.to_string());
        };
        if lcss.iter().any(|l| l == name) {
            return Some(name.to_string());
        }
        let known = if lcss.is_empty() {
            "this scenario has none: LCSs exist only for Pathway/XM server classes with type = \"distributed\"".to_string()
        } else {
            format!("the LCSs are {}", super::list_names(lcss))
        };
        self.err(
            field,
            format!("no LCS is named \"{name}\" (write \"PATHMON/CLASS\", e.g. \"$XM0/ORDERS\"); {known}"),
        );
        None
    }

    /// A processor a fault names must exist.
    fn fault_processor(&mut self, field: &str, cpu: u32) -> Option<()> {
        match self.processors {
            Some(n) if cpu >= n => {
                self.err(
                    field,
                    format!(
                        "processor {cpu} does not exist: [system] has {n} processors, numbered 0 to {}",
                        n - 1
                    ),
                );
                None
            }
            _ => Some(()),
        }
    }

    /// Follows each processor's state through the faults in time order: a processor fails
    /// only while up and is reloaded only while down. `"busiest"` names a processor only
    /// the run knows, so a reload after one must name a processor that is down for sure.
    /// A reload comes after the failure has been declared down, at the latest `detection`
    /// after it.
    fn fault_sequence(
        &mut self,
        faults: &[(usize, Fault)],
        detection: SimDuration,
        pifs: &[String],
    ) {
        // The time each processor went down, while it is down.
        let mut down: std::collections::BTreeMap<u32, SimDuration> = Default::default();
        // The time each PIF failed, while it is down.
        let mut pif_down: std::collections::BTreeMap<u16, SimDuration> = Default::default();
        // The time each CLIM failed, while it is down.
        let mut clim_down: std::collections::BTreeMap<u16, SimDuration> = Default::default();
        let mut busiest_before = false;
        for (i, f) in faults {
            match f.action {
                FaultAction::PifDown(p) => {
                    if let Some(since) = pif_down.insert(p, f.at) {
                        let name = &pifs[usize::from(p)];
                        self.err(
                            format!("fault[{i}].pif_down"),
                            format!("PIF {name} is already down at {} (failed at {since}); repair it first with pif_up = \"{name}\", or remove this fault", f.at),
                        );
                        pif_down.insert(p, since);
                    }
                }
                FaultAction::PifUp(p) => {
                    if pif_down.remove(&p).is_none() {
                        let name = &pifs[usize::from(p)];
                        self.err(
                            format!("fault[{i}].pif_up"),
                            format!("PIF {name} is up at {}: only a failed PIF can be repaired; add a pif_down = \"{name}\" before it, or remove this fault", f.at),
                        );
                    }
                }
                FaultAction::ClimDown(c) => {
                    if let Some(since) = clim_down.insert(c, f.at) {
                        let name = &self.clim_names[usize::from(c)];
                        self.err(
                            format!("fault[{i}].clim_down"),
                            format!("CLIM {name} is already down at {} (failed at {since}); bring it up first with clim_up = \"{name}\", or remove this fault", f.at),
                        );
                        clim_down.insert(c, since);
                    }
                }
                FaultAction::ClimUp(c) => {
                    if clim_down.remove(&c).is_none() {
                        let name = &self.clim_names[usize::from(c)];
                        self.err(
                            format!("fault[{i}].clim_up"),
                            format!("CLIM {name} is up at {}: only a failed CLIM can come up; add a clim_down = \"{name}\" before it, or remove this fault", f.at),
                        );
                    }
                }
                FaultAction::ProcessorDown(FaultTarget::Busiest) => busiest_before = true,
                // A process is killed at run time only if it is running then.
                FaultAction::ProcessKill(_) | FaultAction::LcsKill(_) => {}
                FaultAction::ProcessorDown(FaultTarget::Processor(cpu)) => {
                    if let Some(since) = down.get(&cpu) {
                        self.err(
                            format!("fault[{i}].processor_down"),
                            format!(
                                "processor {cpu} is already down at {} (failed at {since}); reload it first with processor_reload = {cpu}, or remove this fault",
                                f.at
                            ),
                        );
                    } else {
                        down.insert(cpu, f.at);
                    }
                }
                FaultAction::ProcessorReload(cpu) => {
                    let since = down.remove(&cpu);
                    if let Some(since) = since
                        && f.at < since + detection
                    {
                        self.err(
                            format!("fault[{i}].at"),
                            format!(
                                "processor {cpu}, failed at {since}, may be declared down as late as {} (2 x faults.imalive_period + faults.regroup_duration after it), and is reloaded only after that; move this reload to {} or later",
                                since + detection,
                                since + detection
                            ),
                        );
                    }
                    if since.is_none() {
                        let hint = if busiest_before {
                            " (a processor_down = \"busiest\" before it names a processor only the run knows: name the processor to reload it)"
                        } else {
                            ""
                        };
                        self.err(
                            format!("fault[{i}].processor_reload"),
                            format!(
                                "processor {cpu} is up at {}: only a failed processor can be reloaded; add a processor_down = {cpu} before it, or remove this fault{hint}",
                                f.at
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// The processes a `process_kill` may name, as the model names them (`processes.csv`).
#[derive(Debug, Default)]
pub(super) struct Killable {
    /// Every process the model starts: conventional `$ZTCn`, listener instances
    /// `NAME-CPU`, PATHMONs, static servers `CLASS#0` .. `CLASS#(NUMSTATIC-1)` (a class
    /// defined in several PATHMONs is qualified: `$PM1.CLASS#0`).
    pub names: Vec<String>,
    /// Classes whose dynamic servers (`CLASS#N`, N from NUMSTATIC) are named at run time: a
    /// kill of one that is not running then does nothing (logged `not running`).
    pub dynamic: Vec<String>,
    /// Why no process can be killed (Pathway/XM), if so.
    pub refused: Option<String>,
}

/// The processes of a scenario a `process_kill` may name: the names `model::build` gives
/// them (`tcpip::spawn_processes`, `Listeners::build`, `Pathway::assemble`, `new_server`).
pub(super) fn killable(
    tcpip: &crate::scenario::TcpIp,
    listeners: &[crate::scenario::Listener],
    pathmons: &[crate::scenario::Pathmon],
    classes: &[crate::scenario::ServerClass],
    xm: bool,
) -> Killable {
    if xm {
        return Killable {
            refused: Some(
                "process_kill is modelled for Pathway/XM scenarios only for an LCS (`$XM0.LCS-ORDERS`, the same as lcs_kill = \"$XM0/ORDERS\"); use processor_down or lcs_kill"
                    .into(),
            ),
            ..Killable::default()
        };
    }
    let mut names = Vec::new();
    if tcpip.stack == crate::scenario::StackKind::Conventional {
        names.extend(tcpip.processes.iter().map(|t| t.name.clone()));
    }
    for l in listeners {
        names.extend(l.instance_names());
    }
    names.extend(pathmons.iter().map(|p| p.name.clone()));
    let mut dynamic = Vec::new();
    for k in classes {
        let defined = classes.iter().filter(|c| c.name == k.name).count();
        let class = match pathmons.get(k.pathmon) {
            Some(pm) if defined > 1 => format!("{}.{}", pm.name, k.name),
            _ => k.name.clone(),
        };
        // (NUMSTATIC is at most MAXSERVERS, at most 4095; an invalid one, reported
        // elsewhere, lists no more.)
        let numstatic = k.numstatic.min(k.maxservers).min(4095);
        names.extend((0..numstatic).map(|n| format!("{class}#{n}")));
        if k.maxservers > k.numstatic {
            dynamic.push(class);
        }
    }
    Killable {
        names,
        dynamic,
        refused: None,
    }
}
