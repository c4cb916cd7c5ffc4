//! What a steady state with processors, PIFs or CLIMs down looks like, for `nssim explain
//! --down` and `check`'s N-1 warnings: the scenario after the failed processors' pairs have
//! taken over and AUTORESTART has moved their static servers, and the PIFs whose addresses
//! ride their failover partner, without a run.
//!
//! Models (the rules of `failure.rs`, `pathway/fail.rs`, `lan.rs` and `clim_failover.rs`, at
//! steady state, once every detection, takeover and failover is done):
//! - a listener pair (`pair = true`) in a failed processor runs in its backup's processor (the
//!   next one), unless that is down too or another listener listens on its port there
//!   (parallel stack, V6-24 page-114: it cannot take over);
//! - other listener instances in a failed processor are gone, and the clients' connections
//!   spread over the others (under the parallel stack the round-robin filter skips them; under
//!   the conventional stack this assumes the clients stop addressing the dead IP host, the
//!   optimistic case: a run refuses those connections instead);
//! - a conventional `$ZTCn` and a PATHMON in a failed processor run in their backup's
//!   processor; both processors of the pair down is an error (the process is gone);
//! - a server class with AUTORESTART keeps its static servers, placed over its other CPUS
//!   processors; without, it loses those placed in a failed processor (MAXSERVERS with them);
//! - a failed PIF's addresses ride its failover partner (`tcpip.failover`, faults.md A.8 [F]),
//!   which then carries its frames and, under CIP, whose CLIM does its protocol work; a failed
//!   CLIM is each of its interfaces failed (CIP pages 37, 45-47 [F]). A PIF with no partner
//!   up is an error: its address is unreachable (a run refuses or loses those connections);
//! - Pathway/XM scenarios are refused for processors (their logical nodes redistribute the
//!   failed processor's weight, which this model does not do yet).
//!
//! Simplifies: connections reset by the failure come back at the same rate (closed clients
//! reconnect; an open workload's arrivals are unchanged), so the offered load is the intact
//! one; a PIF's partner carries its whole share, whatever the spread of new connections.

use crate::scenario::{ListenerModel, Scenario, Serve, StackKind};

/// One thing `--down` fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A processor, by number.
    Processor(u32),
    /// A PIF (LAN interface), by name.
    Pif(String),
    /// A CLIM (CIP), by name.
    Clim(String),
}

impl Target {
    /// Reads `--down`'s value for `sc`: `N` (a processor), `pif:NAME` or `clim:NAME`; an
    /// unknown one is an error naming the valid ones.
    pub fn parse(sc: &Scenario, text: &str) -> Result<Target, String> {
        let pifs = pif_names(sc);
        let clims: Vec<&str> = sc.tcpip.clims.iter().map(|c| c.name.as_str()).collect();
        let list = |v: &[&str]| {
            if v.is_empty() {
                "none in this scenario".to_string()
            } else {
                v.join(", ")
            }
        };
        let n = sc.system.processors;
        if let Some(name) = text.strip_prefix("pif:") {
            return if pifs.contains(&name) {
                Ok(Target::Pif(name.to_string()))
            } else {
                Err(format!(
                    "no PIF named `{name}`; the PIFs are: {}",
                    list(&pifs)
                ))
            };
        }
        if let Some(name) = text.strip_prefix("clim:") {
            return if clims.contains(&name) {
                Ok(Target::Clim(name.to_string()))
            } else {
                Err(format!(
                    "no CLIM named `{name}`; the CLIMs are: {}",
                    list(&clims)
                ))
            };
        }
        match text.parse::<u32>() {
            Ok(cpu) if cpu < n => Ok(Target::Processor(cpu)),
            Ok(cpu) => Err(format!(
                "processor {cpu} does not exist: the scenario has {n} processors, numbered 0 to {}",
                n - 1
            )),
            Err(_) => Err(format!(
                "write a processor number (0 to {}), pif:NAME (PIFs: {}) or clim:NAME (CLIMs: {})",
                n - 1,
                list(&pifs),
                list(&clims)
            )),
        }
    }

    /// How a line names it: `processor 3`, `PIF G4SA0.0.A`, `CLIM C1`.
    pub fn describe(&self) -> String {
        match self {
            Target::Processor(c) => format!("processor {c}"),
            Target::Pif(p) => format!("PIF {p}"),
            Target::Clim(c) => format!("CLIM {c}"),
        }
    }

    /// How `--down` names it: `3`, `pif:NAME`, `clim:NAME`.
    pub fn arg(&self) -> String {
        match self {
            Target::Processor(c) => c.to_string(),
            Target::Pif(p) => format!("pif:{p}"),
            Target::Clim(c) => format!("clim:{c}"),
        }
    }

    /// The fault `nssim run` takes for it (`processor_down=3`, `pif_down=NAME`, ...).
    pub fn fault(&self) -> String {
        match self {
            Target::Processor(c) => format!("processor_down={c}"),
            Target::Pif(p) => format!("pif_down={p}"),
            Target::Clim(c) => format!("clim_down={c}"),
        }
    }
}

/// The PIF names of a scenario's IP hosts, in order.
fn pif_names(sc: &Scenario) -> Vec<&str> {
    sc.tcpip
        .hosts()
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// A steady state with some things down.
#[derive(Clone, Debug)]
pub struct Down {
    /// The scenario after the failed processors' pairs have taken over.
    pub scenario: Scenario,
    /// The failed PIFs, by name (a failed CLIM's interfaces among them); each one's
    /// addresses ride its partner.
    pub pifs: Vec<String>,
    /// What changed, one line each.
    pub notes: Vec<String>,
}

/// The steady state of `sc` with every one of `targets` down (see the module's rules), or why
/// it cannot stand.
pub fn without(sc: &Scenario, targets: &[Target]) -> Result<Down, String> {
    let cpus: Vec<u32> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Processor(c) => Some(*c),
            _ => None,
        })
        .collect();
    let (scenario, mut notes) = if cpus.is_empty() {
        (sc.clone(), Vec::new())
    } else {
        without_processors(sc, &cpus)?
    };
    // The failed PIFs: named, and every interface of a failed CLIM.
    let mut pifs: Vec<String> = Vec::new();
    for t in targets {
        let more: Vec<String> = match t {
            Target::Processor(_) => continue,
            Target::Pif(p) => vec![p.clone()],
            Target::Clim(c) => {
                let prefix = format!("{c}.");
                pif_names(sc)
                    .into_iter()
                    .filter(|p| p.starts_with(&prefix))
                    .map(str::to_string)
                    .collect()
            }
        };
        for p in more {
            if !pifs.contains(&p) {
                pifs.push(p);
            }
        }
    }
    for p in &pifs {
        let partner = sc.tcpip.failover.iter().find_map(|[a, b]| {
            if a == p {
                Some(b)
            } else if b == p {
                Some(a)
            } else {
                None
            }
        });
        match partner {
            None => {
                return Err(format!(
                    "PIF {p} has no failover partner (`tcpip.failover`): with it down its \
                     address is unreachable and its connections are lost (`nssim run --fault \
                     pif_down={p}@T` shows them)"
                ));
            }
            Some(q) if pifs.contains(q) => {
                return Err(format!(
                    "PIF {p} and its failover partner {q} are both down: their addresses are \
                     unreachable (`nssim run` shows the connections lost)"
                ));
            }
            Some(q) => notes.push(format!("{p}'s addresses and sessions ride its partner {q}")),
        }
    }
    Ok(Down {
        scenario,
        pifs,
        notes,
    })
}

/// The processors' rules of the module, for every processor of `down` at once (a pair whose
/// backup is down too does not take over).
fn without_processors(sc: &Scenario, down: &[u32]) -> Result<(Scenario, Vec<String>), String> {
    if sc.pathway_xm.is_some() {
        return Err(
            "--down of a processor is not modelled for Pathway/XM scenarios yet (`nssim run \
             --fault processor_down=N@T` simulates it)"
                .into(),
        );
    }
    let mut s = sc.clone();
    let mut notes = Vec::new();
    let n = s.system.processors;
    let next = |c: u32| (c + 1) % n;
    let parallel = s.tcpip.stack == StackKind::Parallel;
    for &cpu in down {
        // Where each port is listened on now: a listener pair's backup cannot listen where
        // another listener does (parallel stack, V6-24 page-114).
        let taken: Vec<(u16, Vec<u32>)> = s
            .listeners
            .iter()
            .map(|l| (l.port, l.processors.clone()))
            .collect();
        for l in &mut s.listeners {
            let Some(i) = l.processors.iter().position(|&c| c == cpu) else {
                continue;
            };
            let b = next(cpu);
            let blocked = parallel
                && taken
                    .iter()
                    .any(|(port, cpus)| *port == l.port && cpus.contains(&b));
            if l.pair && b != cpu && !blocked && !down.contains(&b) {
                l.processors[i] = b;
                notes.push(format!(
                    "{}-{cpu}'s backup takes over in processor {b}",
                    l.name
                ));
                continue;
            }
            if l.processors.len() == 1 {
                return Err(format!(
                    "listener {} runs only in processor {cpu}: with it down nothing listens",
                    l.name
                ));
            }
            l.processors.remove(i);
            if l.tcpip.len() > 1 {
                l.tcpip.remove(i);
            }
            notes.push(format!(
                "{}-{cpu} is gone; its connections go to the other instances",
                l.name
            ));
        }
        for t in &mut s.tcpip.processes {
            if t.processor == cpu {
                let b = next(cpu);
                if down.contains(&b) {
                    return Err(format!(
                        "{} and its backup (processors {cpu} and {b}) are both down: its IP host \
                         is gone",
                        t.name
                    ));
                }
                t.processor = b;
                notes.push(format!("{} runs in its backup's processor {b}", t.name));
            }
        }
        // Pathway matters only when some listener sends through it.
        let relays = s
            .listeners
            .iter()
            .any(|l| l.model == ListenerModel::Distributor || l.serve != Serve::InProcess);
        for pm in &mut s.pathmons {
            if pm.processor != cpu {
                continue;
            }
            let backup = pm.backup.filter(|b| !down.contains(b));
            let Some(b) = backup else {
                if !relays {
                    continue;
                }
                return Err(match pm.backup {
                    Some(b) => format!(
                        "PATHMON {} and its backup (processors {cpu} and {b}) are both down: it is gone",
                        pm.name
                    ),
                    None => format!(
                        "PATHMON {} has no backup: with processor {cpu} down it is gone",
                        pm.name
                    ),
                });
            };
            pm.processor = b;
            pm.backup = None;
            notes.push(format!("{} runs in its backup's processor {b}", pm.name));
        }
        for k in &mut s.server_classes {
            if !k.cpus.contains(&cpu) {
                continue;
            }
            let others: Vec<u32> = k.cpus.iter().copied().filter(|&c| c != cpu).collect();
            // Static servers are placed round the CPUS list: those in `cpu` are these.
            let len = k.cpus.len() as u32;
            let here = (0..k.numstatic)
                .filter(|i| k.cpus[(i % len) as usize] == cpu)
                .count() as u32;
            if others.is_empty() {
                return Err(format!(
                    "server class {} runs only in processor {cpu}: with it down it has no server (916 on restart)",
                    k.name
                ));
            }
            if k.autorestart > 0 {
                notes.push(format!(
                    "{}: AUTORESTART restarts its {here} static server(s) of processor {cpu} in the other CPUS processors",
                    k.name
                ));
            } else if here > 0 {
                k.numstatic -= here;
                k.maxservers -= here;
                notes.push(format!(
                    "{}: loses its {here} static server(s) of processor {cpu} (AUTORESTART 0)",
                    k.name
                ));
            }
            k.cpus = others;
        }
    }
    Ok((s, notes))
}
