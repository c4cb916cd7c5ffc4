//! Faults in time: when each `[[fault]]` of a scenario happens, when the other processors
//! declare a failed processor down, when its pairs have taken over, when a reloaded processor
//! is up again (faults.md A.1, A.3, A.10).
//!
//! Models: [F] processors exchange "I'm alive" messages and declare a quiet processor down
//! after two periods without one (NSINTRO p. 6-12/13). [?]/[I] The period is unpublished: the
//! silence before detection is U(1, 2] periods (the failure falls anywhere in the period
//! before the first missed message), then the regroup (`regroup_duration`, [I]); pairs take
//! over `takeover_delay` ([?]/[I]) after detection; a reload takes `reload_duration` ([?]).
//! The draws come from the stream `faults` alone, one per `processor_down` in time order, so
//! adding or removing a fault changes no other stream: the arrivals, think times and service
//! times of a run are the same with and without faults.
//!
//! Simplifies: `"busiest"` is resolved by the run (the processor busiest over the sample window
//! before the fault), so the timeline names it as such.

use crate::engine::{RngStreams, SimDuration, SimTime, StreamRng};
use crate::scenario::{FaultAction, FaultTarget, Faults};
use rand::RngExt;

/// The label of the faults' random stream.
pub const STREAM: &str = "faults";

/// One fault and the instants it leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

/// The faults of a run in time order, with their detection drawn from the `faults` stream
/// of master seed `seed`.
pub fn timeline(faults: &Faults, seed: u64) -> Vec<Planned> {
    let mut rng = RngStreams::new(seed).stream(STREAM);
    faults
        .list
        .iter()
        .map(|f| {
            let at = SimTime::ZERO + f.at;
            match f.action {
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
/// pairs taken over at 3.4s`.
pub fn describe(planned: &Planned) -> String {
    match *planned {
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
    }
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
        let plan = timeline(&faults, 42);
        assert_eq!(plan, timeline(&faults, 42), "same seed, same timeline");
        assert_ne!(plan, timeline(&faults, 43));
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
        assert_eq!(timeline(&one, 7)[0], timeline(&two, 7)[0]);
        let streams = RngStreams::new(7);
        let before: Vec<u64> = (0..5)
            .map(|_| streams.stream("workload/arrivals").random())
            .collect();
        let _ = timeline(&two, 7);
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
        let plan = timeline(&faults, 1);
        assert_eq!(
            plan[1],
            Planned::Reload {
                cpu: 1,
                at: SimTime::ZERO + SimDuration::from_secs(4),
                up: SimTime::ZERO + SimDuration::from_secs(64),
            }
        );
        assert_eq!(describe(&plan[1]), "processor 1 reloaded at 4s, up at 64s");
        assert!(describe(&plan[0]).starts_with("processor 1 down at 2s, declared down at "));
    }
}
