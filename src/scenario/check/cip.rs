//! `check`'s rules for CIP (faults.md A.4 "CIP"; CIP manual pages 37, 44-45):
//! - an address without a failover interface: a CLIM-to-CLIM failover has nowhere to move it,
//!   so the failure of its CLIM or interface leaves it unavailable until they are back [F CIP
//!   page-44: "No failover, but interface resources using the interface become unavailable"],
//!   and the clients that connect to it are refused meanwhile;
//! - N-1 for CLIMs: with an open workload's peak rate and `explain`'s utilisation per request,
//!   a CLIM whose failure would move more protocol work onto a failover CLIM than that CLIM
//!   has room for. Each address carries an equal share of its CLIM's work (clients spread
//!   their connections over the node's addresses round robin, as `explain` assumes), and a
//!   failed CLIM's addresses go to their failover interfaces' CLIMs [F CIP page-39].

use super::{Capacity, and_list, peak_rate};
use crate::scenario::types::{Scenario, StackKind};

/// The CIP warnings of `s` (none under another stack), in `[tcpip] pifs` order, then CLIM by
/// CLIM in `[[clim]]` order.
pub(super) fn warnings(s: &Scenario, capacity: Option<&Capacity>, out: &mut Vec<String>) {
    if s.tcpip.stack != StackKind::Cip {
        return;
    }
    let clim_of = |pif: &str| -> Option<usize> {
        let clim = pif.rsplit_once('.').map_or("", |(c, _)| c);
        s.tcpip.clims.iter().position(|c| c.name == clim)
    };
    let partner = |pif: &str| -> Option<&str> {
        s.tcpip.failover.iter().find_map(|[a, b]| {
            if a == pif {
                Some(b.as_str())
            } else if b == pif {
                Some(a.as_str())
            } else {
                None
            }
        })
    };
    let lone: Vec<&String> = s
        .tcpip
        .pifs
        .iter()
        .filter(|p| partner(p).is_none())
        .collect();
    for p in &lone {
        let clim = clim_of(p).map_or("?", |c| s.tcpip.clims[c].name.as_str());
        out.push(format!(
            "warning: CLIM interface {p} has no failover interface: a failure of CLIM {clim} or of the interface leaves its address unavailable until they are back (CIP page-44), and the clients connecting to it are refused meanwhile. Pair it with an interface of another CLIM in [tcpip] failover"
        ));
    }
    let (Some(c), Some(rate)) = (
        capacity,
        s.workload
            .as_ref()
            .and_then(|w| peak_rate(&w.arrivals))
            .filter(|&r| r > 0.0),
    ) else {
        return;
    };
    let host = s.system.processors as usize;
    // Each CLIM's utilisation at the peak, and its number of addresses.
    let busy: Vec<f64> = (0..s.tcpip.clims.len())
        .map(|k| {
            rate * c
                .cpu_busy_per_request_s
                .get(host + k)
                .copied()
                .unwrap_or(0.0)
        })
        .collect();
    let addresses = |k: usize| {
        s.tcpip
            .pifs
            .iter()
            .filter(|p| clim_of(p) == Some(k))
            .count()
    };
    for (k, failed) in s.tcpip.clims.iter().enumerate() {
        let n = addresses(k);
        if n == 0 || busy[k] == 0.0 {
            continue;
        }
        // What each other CLIM would carry with this one down.
        let mut after = busy.clone();
        for p in s.tcpip.pifs.iter().filter(|p| clim_of(p) == Some(k)) {
            if let Some(d) = partner(p).and_then(clim_of) {
                let cores = |j: usize| f64::from(s.tcpip.clims[j].cores.max(1));
                after[d] += busy[k] * cores(k) / n as f64 / cores(d);
            }
        }
        let over: Vec<String> = (0..after.len())
            .filter(|&d| d != k && after[d] > busy[d] && after[d] >= 1.0)
            .map(|d| {
                format!(
                    "CLIM {} ({:.0} % busy, {:.0} % with its addresses)",
                    s.tcpip.clims[d].name,
                    100.0 * busy[d],
                    100.0 * after[d]
                )
            })
            .collect();
        if !over.is_empty() {
            out.push(format!(
                "warning: CLIM {} is {:.0} % busy at the peak of {rate:.0} requests/s, more than its failover partner can absorb: if it fails, its addresses move to {} (CIP page-39), overloaded at the peak. Give the failover CLIM room, or spread the failover pairs over more CLIMs",
                failed.name,
                100.0 * busy[k],
                and_list(over)
            ));
        }
    }
}
