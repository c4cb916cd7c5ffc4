//! `check`'s rules for CIP (faults.md A.4 "CIP"; CIP manual pages 37, 44-45):
//! - an address without a failover interface: a CLIM-to-CLIM failover has nowhere to move it,
//!   so the failure of its CLIM or interface leaves it unavailable until they are back [F CIP
//!   page-44: "No failover, but interface resources using the interface become unavailable"],
//!   and the clients that connect to it are refused meanwhile.
//!
//! The N-1 question for CLIMs (a CLIM whose failure overloads the rest at the peak) is the
//! N-1 rule's of `check.rs`, by `explain --down clim:NAME`, as for processors and PIFs.

use crate::scenario::types::{Scenario, StackKind};

/// The CIP warnings of `s` (none under another stack), in `[tcpip] pifs` order.
pub(super) fn warnings(s: &Scenario, out: &mut Vec<String>) {
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
}
