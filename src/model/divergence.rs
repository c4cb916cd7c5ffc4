//! Where two runs part: the first event at which their trajectories differ.
//!
//! Both runs are fingerprinted ([`engine::Trajectory`]); their checkpoints name the window of
//! `Trajectory::EVERY` events holding the first difference; both are then run again with the
//! events of that window described, and compared one by one. Three runs each, no event list
//! kept beyond one window. Used by `nssim diverge` to debug non-determinism (the same scenario
//! giving different outputs) or to see where a change first alters a run.

use crate::engine::{self, Parting, SimTime};
use crate::scenario::Scenario;

use super::{Recording, simulate_recorded};

/// One event of a trajectory: its number (from 1), time and description.
pub type Described = (u64, SimTime, String);

/// How two runs compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// The same events at the same instants in the same order.
    Identical {
        /// Events handled.
        events: u64,
        /// The trajectory hash.
        hash: u64,
    },
    /// They part at event `event`.
    Parts {
        /// Number of the first differing event (from 1).
        event: u64,
        /// The last event both had, if any.
        common: Option<Described>,
        /// Run A's event there (`None`: run A had ended).
        a: Option<Described>,
        /// Run B's event there.
        b: Option<Described>,
    },
}

fn trajectory(s: &Scenario) -> engine::Trajectory {
    let recording = Recording {
        trajectory: true,
        ..Recording::default()
    };
    let (_, recorded) = simulate_recorded(s, recording).expect("no trace is written");
    recorded.trajectory.expect("asked for")
}

fn window(s: &Scenario, after: u64, before: u64) -> Vec<Described> {
    let recording = Recording {
        window: Some((after, before)),
        ..Recording::default()
    };
    simulate_recorded(s, recording)
        .expect("no trace is written")
        .1
        .window
}

/// Compares the trajectories of runs `a` and `b`.
pub fn diverge(a: &Scenario, b: &Scenario) -> Divergence {
    let (ta, tb) = (trajectory(a), trajectory(b));
    let Parting::Within { after, before } = engine::parting(
        &ta.checkpoints,
        ta.checkpoint(),
        &tb.checkpoints,
        tb.checkpoint(),
    ) else {
        return Divergence::Identical {
            events: ta.events,
            hash: ta.hash(),
        };
    };
    // One event before the window, to show the last one they share.
    let from = after.saturating_sub(1);
    let (wa, wb) = (window(a, from, before), window(b, from, before));
    let mut common = None;
    for i in 0..wa.len().max(wb.len()) {
        let (x, y) = (wa.get(i), wb.get(i));
        if x != y {
            return Divergence::Parts {
                event: x.or(y).map_or(before, |e| e.0),
                common,
                a: x.cloned(),
                b: y.cloned(),
            };
        }
        common = x.cloned();
    }
    // Equal descriptions but different hashes cannot happen for a derived `Debug` and `Hash`
    // of the same event type; report the window if it ever does.
    Divergence::Parts {
        event: before,
        common,
        a: None,
        b: None,
    }
}
