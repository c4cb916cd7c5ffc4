//! The progress bar of `run` and `compare` (and their replications), on stderr.
//!
//! It follows the experiment, never the event loop: the experiment layer tells it each round
//! of runs planned, how far each run has got at the end of every sample interval, and each
//! run finished ([`crate::experiment::Observer`]), so the bar costs nothing per event and the
//! results cannot depend on it (a run stepped by sample interval handles exactly the events
//! of one run straight through, `model::simulate_stepped`). When no bar is drawn the runs are
//! not stepped at all. It shows runs done of runs planned (precision rounds add to the plan),
//! the virtual time simulated of the virtual time planned (each run's
//! `run.duration + run.drain`), the elapsed wall time and an ETA from the wall time per
//! virtual second so far, so a single long run has one too; a ticker redraws it five times a
//! second.
//!
//! `--progress auto` draws only when stderr is a terminal; `always` draws anyway (escape codes
//! and all); `never` and `--quiet` draw nothing. When the experiment ends the bar is cleared
//! and, unless `--quiet`, one line gives the events simulated and the events per wall-clock
//! second: on stderr only, never in an output file.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use super::args::{ProgressOptions, ProgressWhen};
use crate::engine::SimTime;
use crate::experiment::{Observer, Run};
use crate::scenario::Scenario;
use crate::stats::RunResults;

/// The progress of one command's experiment.
pub(super) struct Progress {
    bar: ProgressBar,
    /// Where the bar is drawn once the first runs are planned.
    target: Mutex<Option<ProgressDrawTarget>>,
    quiet: bool,
    started: Instant,
    workers: usize,
    events: AtomicU64,
    /// Virtual time of each scenario's runs [ns], by scenario index, and the totals planned
    /// and done [ns].
    horizons: Mutex<Vec<u64>>,
    planned_ns: AtomicU64,
    done_ns: AtomicU64,
    /// Virtual time reached by each run under way [ns], by (scenario, replication).
    partial: Mutex<Vec<((usize, u32), u64)>>,
}

impl Progress {
    /// A bar (hidden as `options` says) for an experiment on `workers` workers.
    pub fn new(options: &ProgressOptions, workers: usize) -> Progress {
        let target = match (options.quiet, options.progress) {
            (true, _) | (false, ProgressWhen::Never) => ProgressDrawTarget::hidden(),
            // Hidden by indicatif itself when stderr is not a terminal.
            (false, ProgressWhen::Auto) => ProgressDrawTarget::stderr_with_hz(5),
            (false, ProgressWhen::Always) => {
                ProgressDrawTarget::term_like_with_hz(Box::new(Stderr), 5)
            }
        };
        // Hidden until the first plan has set its length, style and message: drawn before,
        // it would read "0/0 runs".
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        Progress {
            bar,
            target: Mutex::new(Some(target)),
            quiet: options.quiet,
            started: Instant::now(),
            workers,
            events: AtomicU64::new(0),
            horizons: Mutex::new(Vec::new()),
            planned_ns: AtomicU64::new(0),
            done_ns: AtomicU64::new(0),
            partial: Mutex::new(Vec::new()),
        }
    }

    /// Prints `line` on stderr unless `--quiet`, above the bar.
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Clears the bar and, unless `--quiet`, prints the events simulated and their rate.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        let wall = self.started.elapsed().as_secs_f64();
        let events = self.events.load(Ordering::Relaxed);
        // Workers beyond the number of runs had nothing to do.
        let workers = self
            .workers
            .min(self.bar.length().unwrap_or(1) as usize)
            .max(1);
        self.say(&format!(
            "nssim: {events} events in {wall:.3} s wall ({} events/s on {workers} worker{})",
            si(events as f64 / wall.max(1e-9)),
            if workers == 1 { "" } else { "s" }
        ));
    }

    fn show_virtual(&self) {
        let under_way: u64 = self
            .partial
            .lock()
            .expect("no thread panicked holding it")
            .iter()
            .map(|&(_, ns)| ns)
            .fold(0, u64::saturating_add);
        let done_ns = self
            .done_ns
            .load(Ordering::Relaxed)
            .saturating_add(under_way);
        let planned_ns = self.planned_ns.load(Ordering::Relaxed);
        let (done, planned) = (done_ns as f64 / 1e9, planned_ns as f64 / 1e9);
        self.bar.set_message(format!(
            "virtual time {} of {}, ETA {}",
            seconds(done),
            seconds(planned),
            eta(self.started.elapsed().as_secs_f64(), done, planned)
        ));
    }
}

impl Observer for Progress {
    fn planned(&self, scenarios: &[Scenario], runs: &[Run]) {
        let mut horizons = self.horizons.lock().expect("no thread panicked holding it");
        if horizons.len() < scenarios.len() {
            *horizons = scenarios
                .iter()
                .map(|s| {
                    let d = s.run.duration.as_secs_f64() + s.run.drain.as_secs_f64();
                    (d * 1e9).min(u64::MAX as f64) as u64
                })
                .collect();
        }
        let ns: u64 = runs
            .iter()
            .map(|r| horizons.get(r.scenario).copied().unwrap_or(0))
            .fold(0u64, u64::saturating_add);
        drop(horizons);
        self.planned_ns.fetch_add(ns, Ordering::Relaxed);
        // One run has no pace to tell an ETA from until it ends: a spinner and the clock.
        let planned = self.bar.length().unwrap_or(0) + runs.len() as u64;
        let template = if planned == 1 {
            "{spinner} {elapsed_precise} one run, {msg}"
        } else {
            "{spinner} {elapsed_precise} [{bar:30}] {pos}/{len} runs, {msg}"
        };
        self.bar.set_style(
            ProgressStyle::with_template(template)
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        self.show_virtual();
        self.bar.inc_length(runs.len() as u64);
        let first = self
            .target
            .lock()
            .expect("no thread panicked holding it")
            .take();
        if let Some(target) = first {
            self.bar.set_draw_target(target);
            if !self.bar.is_hidden() {
                self.bar.enable_steady_tick(Duration::from_millis(200));
            }
        }
    }

    fn follows_runs(&self) -> bool {
        !self.bar.is_hidden()
    }

    fn advanced(&self, run: &Run, at: SimTime) {
        let key = (run.scenario, run.replication);
        {
            let mut partial = self.partial.lock().expect("no thread panicked holding it");
            match partial.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = at.as_nanos(),
                None => partial.push((key, at.as_nanos())),
            }
        }
        self.show_virtual();
    }

    fn finished(&self, run: &Run, result: &RunResults) {
        let ns = self
            .horizons
            .lock()
            .expect("no thread panicked holding it")
            .get(run.scenario)
            .copied()
            .unwrap_or(0);
        self.partial
            .lock()
            .expect("no thread panicked holding it")
            .retain(|&(key, _)| key != (run.scenario, run.replication));
        self.done_ns.fetch_add(ns, Ordering::Relaxed);
        self.events.fetch_add(result.events, Ordering::Relaxed);
        self.bar.inc(1);
        self.show_virtual();
    }
}

/// The wall time left if the rest of the `planned` virtual seconds take as long per virtual
/// second as the `done` so far did in `elapsed` wall seconds; `-` before anything is done.
fn eta(elapsed: f64, done: f64, planned: f64) -> String {
    if done <= 0.0 {
        return "-".to_string();
    }
    seconds(elapsed * (planned - done).max(0.0) / done)
}

/// `12.5 s`, `30 min`, `2.0 h`: virtual time at a readable unit.
fn seconds(s: f64) -> String {
    if s < 600.0 {
        format!("{s:.1} s")
    } else if s < 36_000.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// `1.52 M`, `830 k`, `12.0`: a rate with an SI prefix.
fn si(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0} k", v / 1e3)
    } else {
        format!("{v:.1}")
    }
}

/// Standard error as a terminal, whatever it is connected to (`--progress always`): ANSI
/// cursor moves and line clears, 100 columns.
#[derive(Debug)]
struct Stderr;

impl Stderr {
    fn put(&self, s: &str) -> std::io::Result<()> {
        std::io::stderr().lock().write_all(s.as_bytes())
    }
}

impl TermLike for Stderr {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}A"))
        } else {
            Ok(())
        }
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}B"))
        } else {
            Ok(())
        }
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}C"))
        } else {
            Ok(())
        }
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}D"))
        } else {
            Ok(())
        }
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.put(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.put(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.put("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_and_rates_read_well() {
        assert_eq!(seconds(12.54), "12.5 s");
        assert_eq!(seconds(1800.0), "30.0 min");
        assert_eq!(seconds(72_000.0), "20.0 h");
        assert_eq!(si(1_520_000.0), "1.52 M");
        assert_eq!(si(830_400.0), "830 k");
        assert_eq!(eta(10.0, 0.0, 60.0), "-");
        // 10 s of wall for 20 of 60 virtual seconds: 20 s more for the other 40.
        assert_eq!(eta(10.0, 20.0, 60.0), "20.0 s");
        assert_eq!(eta(10.0, 60.0, 60.0), "0.0 s");
    }
}
