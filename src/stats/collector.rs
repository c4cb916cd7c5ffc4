//! Accumulators fed by the models during a run. No I/O, no wall clock.
//!
//! The measurement window is `[warmup, end)`, where `end` is when arrivals stop (the end of the
//! arrival window, or earlier when `max_requests` is reached). The warm-up ends at a configured
//! instant, or at the N-th completion for a warm-up by request count (its instant is then only
//! known when it comes; until then every window test sees it as "not yet"). Busy time is
//! accounted when a burst or frame ends, so moving `end` earlier never leaves time counted
//! past it.
//!
//! At the end of warm-up every statistic restarts from the current state: latency counts the
//! requests that *complete* after it (those already in the system included, and during the
//! drain too, so slow requests near the end are not censored); throughput counts completions
//! inside the window; busy time and queue lengths are integrated over the window only, from
//! the level they have when it opens. Nothing is reset to zero, so no statistic restarts
//! from an empty system while the system is not empty.
//!
//! Every completion of the run, warm-up included, also goes into [`CompletionBlocks`] for the
//! MSER warm-up diagnosis and the batch-means interval.
//!
//! Memory does not grow with the run's length beyond one small row per sample interval: the
//! latency histograms are fixed-size (bounded relative error), the moments are running sums,
//! the completion blocks merge at a cap, and a sample interval's latency histogram lives only
//! while that interval is the current one; when the clock leaves it its row is closed (its
//! 99th percentile taken) and the histogram is cleared for the next interval.

use hdrhistogram::Histogram;

use crate::engine::{SimDuration, SimTime};

use super::batch_means::{self, BatchMeans};
use super::mser::{self, CompletionBlocks, Mser};
use super::results::{
    HistogramBucket, LatencySummary, RequestCounts, SpanResult, TimeSample, WindowCounts,
};

/// Highest latency the histograms resolve [ns] (one hour); larger values are clamped to it.
const LATENCY_NS_MAX: u64 = 3_600_000_000_000;

/// Per-run statistics the models feed.
#[derive(Debug)]
pub struct Recorder {
    warmup: SimTime,
    /// Warm-up by request count: the window opens at this completion.
    warmup_requests: Option<u64>,
    /// Completions before the window opened.
    warmup_completions: u64,
    blocks: CompletionBlocks,
    end: SimTime,
    interval: SimDuration,
    /// Whole-run request accounting (conservation).
    pub counts: RequestCounts,
    /// Latency of measured requests.
    latency: Spread,
    hops_sum: u64,
    /// The window's request balance (`completed`, `attempted` are the throughput counts).
    pub window_counts: WindowCounts,
    /// Open workloads: the configured request rate [requests/s].
    pub configured_per_s: Option<f64>,
    /// Time-varying open workloads: the configured request rate per sample interval of the
    /// arrival window [requests/s].
    pub configured_series: Option<Vec<f64>>,
    window_opened: bool,
    window_closed: bool,
    connections_in_window: u64,
    /// One row per sample interval up to the current one (the last).
    series: Vec<SeriesRow>,
    /// Latencies of the requests completed in the current sample interval [us].
    series_latency_us: Histogram<u32>,
    classes: Vec<ClassTally>,
    /// Time from send to error of measured requests that failed with a Pathsend error.
    failure: Spread,
    /// Failed requests (whole run) by what their client got: a Pathsend error (`905`,
    /// `904/201` with its file-system error), `reset`, `refused` or `abandoned`.
    failed_by: std::collections::BTreeMap<String, u64>,
    /// The span `--window` reports on its own, if any (boxed: most runs have none).
    span: Option<Box<SpanTally>>,
}

/// Requests offered, completed and failed in a span of simulated time `[from, to)`, and the
/// latency of those completed in it, in a [`Spread`] like the whole run's, so its percentiles
/// are exactly what the run's would be over those requests.
#[derive(Debug)]
struct SpanTally {
    from: SimTime,
    to: SimTime,
    offered: u64,
    completed: u64,
    failed: u64,
    latency: Spread,
}

/// A histogram of durations [ns] with its count, sum and sum of squares [ms]: how the
/// recorder keeps a latency. Public so that `nssim bench`'s reference loop
/// (`benches/reference.rs`) records its responses in the same structure.
#[derive(Debug)]
pub struct Spread {
    hist: Histogram<u64>,
    n: u64,
    sum_ms: f64,
    sumsq_ms: f64,
}

impl Default for Spread {
    fn default() -> Self {
        Spread::new()
    }
}

impl Spread {
    /// Empty.
    pub fn new() -> Self {
        Spread {
            hist: Histogram::new_with_bounds(1, LATENCY_NS_MAX, 3).expect("valid bounds"),
            n: 0,
            sum_ms: 0.0,
            sumsq_ms: 0.0,
        }
    }
    /// Records one duration.
    pub fn record(&mut self, d: SimDuration) {
        self.hist.saturating_record(d.as_nanos().max(1));
        let ms = d.as_millis_f64();
        self.n += 1;
        self.sum_ms += ms;
        self.sumsq_ms += ms * ms;
    }
    /// Mean, standard deviation, percentiles and maximum [ms].
    pub fn summary(&self) -> LatencySummary {
        let n = self.n;
        if n == 0 {
            return LatencySummary::default();
        }
        let mean = self.sum_ms / n as f64;
        let var = if n > 1 {
            ((self.sumsq_ms - n as f64 * mean * mean) / (n as f64 - 1.0)).max(0.0)
        } else {
            0.0
        };
        let q = |p: f64| self.hist.value_at_quantile(p) as f64 / 1e6;
        LatencySummary {
            mean,
            sd: var.sqrt(),
            p50: q(0.50),
            p90: q(0.90),
            p99: q(0.99),
            p999: q(0.999),
            max: self.hist.max() as f64 / 1e6,
        }
    }
}

/// A sample interval's tallies. Its latency percentile is taken from
/// `Recorder::series_latency_us` when the interval closes (the clock only moves forward, so
/// nothing is recorded in an interval after a later one has begun).
#[derive(Debug, Clone, Copy, Default)]
struct SeriesRow {
    completed: u64,
    offered: u64,
    failed: u64,
    abandoned: u64,
    latency_sum_ns: u128,
    /// 99th percentile of the interval's latencies [us], set when the interval closes.
    latency_us_p99: u64,
}

/// The histogram of one sample interval's latencies [us] (two significant digits).
fn series_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(1, LATENCY_NS_MAX / 1000, 2).expect("valid bounds")
}

/// Per-class tallies of measured requests.
#[derive(Debug, Default, Clone)]
pub struct ClassTally {
    /// Measured completions.
    pub completed: u64,
    /// Summed latency [ns].
    pub latency_sum_ns: u128,
    /// Summed class-queue wait [ns].
    pub queue_wait_sum_ns: u128,
    /// Summed time per part of the latency (`LEG_KINDS` order) [ns].
    pub breakdown_ns: [u128; 9],
}

impl Recorder {
    /// A recorder for a run whose arrival window is `[0, end)` and warm-up `[0, warmup)`.
    pub fn new(warmup: SimTime, end: SimTime, interval: SimDuration, classes: usize) -> Self {
        assert!(
            warmup < end,
            "warm-up must end before the arrival window does"
        );
        assert!(!interval.is_zero(), "sample interval must be positive");
        Recorder {
            warmup,
            warmup_requests: None,
            warmup_completions: 0,
            blocks: CompletionBlocks::default(),
            end,
            interval,
            counts: RequestCounts::default(),
            latency: Spread::new(),
            hops_sum: 0,
            window_counts: WindowCounts::default(),
            configured_per_s: None,
            configured_series: None,
            window_opened: false,
            window_closed: false,
            connections_in_window: 0,
            series: Vec::new(),
            series_latency_us: series_histogram(),
            classes: vec![ClassTally::default(); classes],
            failure: Spread::new(),
            failed_by: Default::default(),
            span: None,
        }
    }

    /// Also counts requests offered, completed and failed in `[from, to)`, with the latency
    /// of those completed in it ([`Recorder::span_result`]).
    pub fn report_span(&mut self, from: SimTime, to: SimTime) {
        assert!(from < to, "a span ends after it starts");
        self.span = Some(Box::new(SpanTally {
            from,
            to,
            offered: 0,
            completed: 0,
            failed: 0,
            latency: Spread::new(),
        }));
    }

    /// The span's figures, if one was asked for.
    pub fn span_result(&self) -> Option<SpanResult> {
        let s = self.span.as_deref()?;
        let width = (s.to - s.from).as_secs_f64();
        let ended = s.completed + s.failed;
        Some(SpanResult {
            from_s: s.from.as_secs_f64(),
            to_s: s.to.as_secs_f64(),
            offered: s.offered,
            completed: s.completed,
            failed: s.failed,
            throughput_per_s: s.completed as f64 / width,
            offered_per_s: s.offered as f64 / width,
            failed_ratio: if ended == 0 {
                0.0
            } else {
                s.failed as f64 / ended as f64
            },
            latency_ms: s.latency.summary(),
        })
    }

    /// The span, if `now` is in it.
    fn span_at(&mut self, now: SimTime) -> Option<&mut SpanTally> {
        self.span
            .as_deref_mut()
            .filter(|s| now >= s.from && now < s.to)
    }

    /// Warm-up by request count instead of by time: the window opens at the `n`-th completion,
    /// if that comes before arrivals stop; otherwise the run has no measurement window.
    pub fn warmup_by_requests(&mut self, n: u64) {
        assert!(n > 0, "a warm-up by count needs at least one request");
        assert!(
            self.counts.offered == 0,
            "the warm-up is chosen before the run starts"
        );
        self.warmup_requests = Some(n);
        self.warmup = SimTime::MAX;
    }

    /// Arrivals stopped at `now` (end of the arrival window, or `max_requests` reached): the
    /// measurement window ends here. If that happens during warm-up the window is left as
    /// configured, so its statistics stay defined.
    pub fn stop_arrivals(&mut self, now: SimTime) {
        if now > self.warmup && now < self.end {
            self.end = now;
        }
        self.roll(now);
    }

    /// Requests in the system: generated and neither completed nor failed.
    fn live(&self) -> u64 {
        self.counts.offered - self.counts.completed - self.counts.failed
    }

    /// Takes the window's carried-in and carried-out counts the first time the clock is seen
    /// at or past its start and end. Called before anything is counted at `now`, so the
    /// counts are those of the boundary instant itself.
    fn roll(&mut self, now: SimTime) {
        if !self.window_opened && now >= self.warmup {
            self.open_window();
        }
        if !self.window_closed && now >= self.end {
            self.close_window();
        }
    }

    /// The end of warm-up, in either form (the instant reached, or the count's last
    /// completion): statistics restart from the current state, the requests in the system
    /// carried in.
    fn open_window(&mut self) {
        self.window_opened = true;
        self.window_counts.carried_in = self.live();
        self.warmup_completions = self.counts.completed;
    }

    /// The end of the window: the requests in the system are carried out.
    fn close_window(&mut self) {
        self.window_closed = true;
        self.window_counts.carried_out = self.live();
    }

    /// The run stopped early at `now` (`run.max_in_flight`): the measurement window ends
    /// there (one nanosecond long at `now` if the warm-up had not ended, so that rates stay
    /// defined and nothing is counted in it). Call before [`Self::finish`].
    pub fn stop(&mut self, now: SimTime) {
        if !self.window_opened && self.warmup != SimTime::MAX && now < self.warmup {
            self.warmup = now;
        }
        if self.warmup != SimTime::MAX {
            self.end = self
                .end
                .min(now.max(self.warmup.saturating_add(SimDuration::from_nanos(1))));
        } else {
            self.end = self.end.min(now);
        }
    }

    /// Closes the window's accounting at the end of the run (for a window whose boundary no
    /// event crossed).
    pub fn finish(&mut self, now: SimTime) {
        if !self.window_opened && self.warmup == SimTime::MAX {
            // A warm-up by count that never ended: no window. It is put after the run's end
            // (one nanosecond long, so rates stay defined), and nothing was counted in it.
            self.warmup = now;
            self.end = self.end.max(now.saturating_add(SimDuration::from_nanos(1)));
            self.open_window();
            self.close_window();
            return;
        }
        self.roll(now.max(self.end));
    }

    /// Start of the measurement window.
    pub fn warmup(&self) -> SimTime {
        self.warmup
    }
    /// End of the measurement window (end of arrivals).
    pub fn end(&self) -> SimTime {
        self.end
    }
    /// Length of the measurement window.
    pub fn window(&self) -> SimDuration {
        self.end - self.warmup
    }
    /// The part of `[start, start + d)` inside the measurement window [ns].
    pub fn window_overlap(&self, start: SimTime, d: SimDuration) -> u64 {
        let lo = start.as_nanos().max(self.warmup.as_nanos());
        let hi = (start.as_nanos() + d.as_nanos()).min(self.end.as_nanos());
        hi.saturating_sub(lo)
    }
    fn in_window(&self, t: SimTime) -> bool {
        t >= self.warmup && t < self.end
    }
    /// The row of the sample interval holding `t`, the current one: reaching a later interval
    /// closes the current row (its percentile taken, the histogram cleared for the next).
    fn bucket(&mut self, t: SimTime) -> &mut SeriesRow {
        let i = (t.as_nanos() / self.interval.as_nanos()) as usize;
        if self.series.len() <= i {
            if let Some(last) = self.series.last_mut() {
                last.latency_us_p99 = self.series_latency_us.value_at_quantile(0.99);
                self.series_latency_us.reset();
            }
            self.series.resize(i + 1, SeriesRow::default());
        }
        assert!(
            i + 1 == self.series.len(),
            "the recorder's clock went back to sample interval {i} of {}",
            self.series.len()
        );
        &mut self.series[i]
    }

    /// A client sent a new request at `now`.
    pub fn offered(&mut self, now: SimTime) {
        self.roll(now);
        self.counts.offered += 1;
        if self.in_window(now) {
            self.window_counts.attempted += 1;
        }
        self.bucket(now).offered += 1;
        if let Some(s) = self.span_at(now) {
            s.offered += 1;
        }
    }

    /// A request got its connection at `now` (or was sent over one it had).
    pub fn admitted(&mut self, now: SimTime) {
        self.roll(now);
        self.counts.admitted += 1;
        if self.in_window(now) {
            self.window_counts.admitted += 1;
        }
    }

    /// A connection was accepted at `now`.
    pub fn connection_opened(&mut self, now: SimTime) {
        if self.in_window(now) {
            self.connections_in_window += 1;
        }
    }

    /// A SYN was dropped because a listen backlog was full.
    pub fn syn_dropped(&mut self) {
        self.counts.syn_drops += 1;
    }

    /// A request failed at `now`.
    fn failed(&mut self, now: SimTime) {
        self.roll(now);
        self.counts.failed += 1;
        if self.in_window(now) {
            self.window_counts.failed += 1;
        }
        self.bucket(now).failed += 1;
        if let Some(s) = self.span_at(now) {
            s.failed += 1;
        }
    }

    /// A request's connection was refused at `now` (its last SYN dropped).
    pub fn refused(&mut self, now: SimTime) {
        self.failed(now);
        self.failed_by("refused".into());
        self.counts.refused += 1;
    }

    /// A request sent at `created` failed at `now` with a Pathsend error (`error`: its label,
    /// `905` or `904/201`): counted as failed, and its time to failure recorded if it was sent
    /// after warm-up.
    pub fn send_failed(&mut self, now: SimTime, created: SimTime, error: String) {
        self.failed(now);
        self.failed_by(error);
        self.counts.pathsend_failed += 1;
        if created >= self.warmup {
            self.failure.record(now - created);
        }
    }

    /// A request's connection was reset by a failure at `now`.
    pub fn reset(&mut self, now: SimTime) {
        self.failed(now);
        self.failed_by("reset".into());
        self.counts.reset += 1;
    }

    /// A fault failed an attempt of a request that its requester reissues (after a TMF abort
    /// if `tmf_abort`): not a failure, and the request stays offered once.
    pub fn retried(&mut self, tmf_abort: bool) {
        self.counts.retried += 1;
        if tmf_abort {
            self.counts.tmf_aborts += 1;
        }
    }

    /// A request's client abandoned it at `now`.
    pub fn abandoned(&mut self, now: SimTime) {
        self.failed(now);
        self.failed_by("abandoned".into());
        self.counts.abandoned += 1;
        self.bucket(now).abandoned += 1;
    }

    fn failed_by(&mut self, what: String) {
        *self.failed_by.entry(what).or_insert(0) += 1;
    }

    /// Failed requests by what their client got (whole run), in label order.
    pub fn failures_by_error(&self) -> &std::collections::BTreeMap<String, u64> {
        &self.failed_by
    }

    /// The reply to an abandoned request reached where its client had been.
    pub fn abandoned_served(&mut self) {
        self.counts.abandoned_served += 1;
    }

    /// Time from send to error of measured requests that failed with a Pathsend error [ms].
    pub fn time_to_failure_summary(&self) -> LatencySummary {
        self.failure.summary()
    }

    /// A request sent at `created` completed at `now`.
    pub fn completed(
        &mut self,
        now: SimTime,
        created: SimTime,
        hops: u8,
        class: usize,
        queue_wait: SimDuration,
    ) {
        self.roll(now);
        self.counts.completed += 1;
        let latency = now - created;
        if self.in_window(now) {
            self.window_counts.completed += 1;
        }
        let measured = self.window_opened;
        self.blocks.push(latency.as_millis_f64(), now.as_nanos());
        let b = self.bucket(now);
        b.completed += 1;
        b.latency_sum_ns += u128::from(latency.as_nanos());
        self.series_latency_us
            .saturating_record((latency.as_nanos() / 1000).max(1));
        if let Some(s) = self.span_at(now) {
            s.completed += 1;
            s.latency.record(latency);
        }
        if measured {
            self.counts.measured += 1;
            self.latency.record(latency);
            self.hops_sum += u64::from(hops);
            let c = &mut self.classes[class];
            c.completed += 1;
            c.latency_sum_ns += u128::from(latency.as_nanos());
            c.queue_wait_sum_ns += u128::from(queue_wait.as_nanos());
        } else if self.warmup_requests == Some(self.counts.completed) && now < self.end {
            // The warm-up's last request: the window opens right after it.
            self.warmup = now;
            self.roll(now);
        }
    }

    /// Where the latency of a request of `class` that has just completed went (`LEG_KINDS`
    /// order), recorded for measured requests like the latency (call after `completed`).
    pub fn breakdown(&mut self, class: usize, ns: &[u64; 9]) {
        if self.window_opened && self.counts.completed > self.warmup_completions {
            let c = &mut self.classes[class];
            for (sum, &x) in c.breakdown_ns.iter_mut().zip(ns) {
                *sum += u128::from(x);
            }
        }
    }

    /// Completions inside the window per second.
    pub fn throughput_per_s(&self) -> f64 {
        self.window_counts.completed as f64 / self.window().as_secs_f64()
    }
    /// Offered (attempted) requests inside the window per second.
    pub fn offered_per_s(&self) -> f64 {
        self.window_counts.attempted as f64 / self.window().as_secs_f64()
    }
    /// Admitted requests inside the window per second.
    pub fn admitted_per_s(&self) -> f64 {
        self.window_counts.admitted as f64 / self.window().as_secs_f64()
    }
    /// Connections accepted inside the window per second.
    pub fn connections_per_s(&self) -> f64 {
        self.connections_in_window as f64 / self.window().as_secs_f64()
    }
    /// Mean IPC hops per measured request.
    pub fn hops_per_request_mean(&self) -> f64 {
        if self.counts.measured == 0 {
            0.0
        } else {
            self.hops_sum as f64 / self.counts.measured as f64
        }
    }
    /// MSER on every completion of the run, against the configured warm-up.
    pub fn mser(&self) -> Option<Mser> {
        mser::diagnose(&self.blocks, self.warmup_completions)
    }

    /// Batch-means interval of the measured response times: the blocks wholly after the
    /// warm-up's last completion, of a run whose load ([`batch_means::peak_load`]) was `load`.
    pub fn batch_means(&self, load: f64) -> Option<BatchMeans> {
        let first = self.warmup_completions.div_ceil(self.blocks.block()) as usize;
        let means = self.blocks.means();
        batch_means::batch_means(means.get(first..)?, self.blocks.block(), load)
    }

    /// Per-class tallies, in scenario order.
    pub fn classes(&self) -> &[ClassTally] {
        &self.classes
    }

    /// Latency summary of measured requests [ms].
    pub fn latency_summary(&self) -> LatencySummary {
        self.latency.summary()
    }

    /// Log-spaced latency histogram of measured requests (buckets 10 % wide), from the empty
    /// bucket just below the first non-empty one to the last non-empty one.
    pub fn latency_histogram(&self) -> Vec<HistogramBucket> {
        let total = self.latency.hist.len();
        if total == 0 {
            return Vec::new();
        }
        let mut rows = Vec::new();
        let mut seen = 0u64;
        let mut empty_below = None;
        for v in self.latency.hist.iter_log(1_000, 1.1) {
            let count = v.count_since_last_iteration();
            seen += count;
            if seen == 0 {
                empty_below = Some(v.value_iterated_to());
                continue;
            }
            // One empty bucket first, so a CDF starts at the lower edge of the first
            // non-empty bucket rather than at zero.
            if let Some(edge) = empty_below.take() {
                rows.push(HistogramBucket {
                    upper_ms: edge as f64 / 1e6,
                    count: 0,
                    cumulative: 0.0,
                });
            }
            rows.push(HistogramBucket {
                upper_ms: v.value_iterated_to() as f64 / 1e6,
                count,
                cumulative: seen as f64 / total as f64,
            });
            if seen >= total {
                break;
            }
        }
        rows
    }

    /// Throughput and latency per sample interval over the whole run.
    pub fn timeseries(&self) -> Vec<TimeSample> {
        let width = self.interval.as_secs_f64();
        let last = self.series.len().saturating_sub(1);
        self.series
            .iter()
            .enumerate()
            .map(|(i, b)| TimeSample {
                t_s: i as f64 * width,
                throughput_per_s: b.completed as f64 / width,
                offered_per_s: b.offered as f64 / width,
                failed_per_s: b.failed as f64 / width,
                abandoned_per_s: b.abandoned as f64 / width,
                configured_per_s: self
                    .configured_series
                    .as_ref()
                    .map(|c| c.get(i).copied().unwrap_or(0.0)),
                latency_ms_mean: if b.completed == 0 {
                    0.0
                } else {
                    b.latency_sum_ns as f64 / b.completed as f64 / 1e6
                },
                latency_ms_p99: if b.completed == 0 {
                    0.0
                } else if i == last {
                    // The current interval, still open.
                    self.series_latency_us.value_at_quantile(0.99) as f64 / 1e3
                } else {
                    b.latency_us_p99 as f64 / 1e3
                },
            })
            .collect()
    }
}

/// A level integrated over the measurement window (queue lengths, busy servers).
#[derive(Debug, Default, Clone)]
pub struct TimeWeighted {
    level: u64,
    since: SimTime,
    area: u128,
    max: u64,
}

impl TimeWeighted {
    /// Sets the level at `now`, integrating the previous level over the window part of
    /// `[since, now)`.
    pub fn set(&mut self, now: SimTime, level: u64, rec: &Recorder) {
        let overlap = rec.window_overlap(self.since, now - self.since);
        self.area += u128::from(overlap) * u128::from(self.level);
        if overlap > 0 {
            self.max = self.max.max(self.level);
        }
        self.level = level;
        self.since = now;
    }
    /// The current level.
    pub fn level(&self) -> u64 {
        self.level
    }
    /// Time average over the window, closing the integral at `now`.
    pub fn mean(&self, now: SimTime, rec: &Recorder) -> f64 {
        let overlap = rec.window_overlap(self.since, now.max(self.since) - self.since);
        let area = self.area + u128::from(overlap) * u128::from(self.level);
        area as f64 / rec.window().as_nanos() as f64
    }
    /// Largest level held for some time inside the window, the current level (held since
    /// `since`) included up to `now`.
    pub fn max(&self, now: SimTime, rec: &Recorder) -> u64 {
        let current = rec.window_overlap(self.since, now.max(self.since) - self.since) > 0;
        if current {
            self.max.max(self.level)
        } else {
            self.max
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn a_count_warmup_restarts_statistics_from_the_current_state() {
        // Window [warm-up, 30 s); warm-up ends at the 2nd completion.
        let mut rec = Recorder::new(SimTime::ZERO, t(30), SimDuration::from_secs(1), 1);
        rec.warmup_by_requests(2);
        let mut queue = TimeWeighted::default();
        // Three requests arrive at 0 s; the queue holds 3 from then on.
        for _ in 0..3 {
            rec.offered(t(0));
        }
        queue.set(t(0), 3, &rec);
        let w = SimDuration::ZERO;
        rec.completed(t(5), t(0), 2, 0, w);
        assert_eq!(rec.counts.measured, 0);
        // The 2nd completion ends the warm-up at 10 s: one request is carried in.
        rec.completed(t(10), t(0), 2, 0, w);
        assert_eq!((rec.warmup(), rec.window_counts.carried_in), (t(10), 1));
        assert_eq!(rec.counts.measured, 0);
        // The level at the end of warm-up (3) counts from 10 s, then 1 from 20 s.
        queue.set(t(20), 1, &rec);
        // The request carried in is measured when it completes, sent before the warm-up.
        rec.completed(t(25), t(0), 2, 0, w);
        rec.breakdown(0, &[1; 9]);
        assert_eq!(rec.counts.measured, 1);
        assert_eq!(rec.classes()[0].breakdown_ns[0], 1);
        assert_eq!(rec.latency_summary().mean, 25_000.0);
        rec.finish(t(30));
        assert_eq!(rec.window(), SimDuration::from_secs(20));
        // (3 x 10 s + 1 x 10 s) / 20 s.
        assert_eq!(queue.mean(t(30), &rec), 2.0);
        assert_eq!(queue.max(t(30), &rec), 3);
        let wc = &rec.window_counts;
        assert_eq!((wc.carried_in, wc.completed, wc.carried_out), (1, 1, 0));
    }

    #[test]
    fn a_time_series_row_keeps_its_own_percentile_after_its_interval_closes() {
        // 1 s intervals: 100 completions of 10 ms in [0, 1 s), none in [1, 2 s), then one of
        // 1,501 ms at 2.5 s (sent at 0.999 s). Each interval's p99 is that of its own latencies only, though one
        // histogram serves them all in turn; the last (still open) row is read live.
        let ms = SimDuration::from_millis;
        let mut rec = Recorder::new(SimTime::ZERO, t(10), SimDuration::from_secs(1), 1);
        for i in 0..100 {
            let now = SimTime::ZERO + ms(10 + 5 * i);
            rec.offered(now - ms(10));
            rec.completed(now, now - ms(10), 2, 0, SimDuration::ZERO);
        }
        rec.offered(t(1) - ms(1));
        rec.completed(t(2) + ms(500), t(1) - ms(1), 2, 0, SimDuration::ZERO);
        let ts = rec.timeseries();
        assert_eq!(ts.len(), 3);
        // Two significant digits: 10 ms is read back as the top of its bucket, 10.047 ms.
        assert!(
            (ts[0].latency_ms_p99 - 10.0).abs() < 0.1,
            "{}",
            ts[0].latency_ms_p99
        );
        assert_eq!(
            (ts[0].throughput_per_s, ts[0].offered_per_s),
            (100.0, 101.0)
        );
        assert_eq!((ts[1].throughput_per_s, ts[1].latency_ms_p99), (0.0, 0.0));
        assert!(
            (ts[2].latency_ms_p99 - 1501.0).abs() < 20.0,
            "{}",
            ts[2].latency_ms_p99
        );
        // A later interval closes the third: its percentile is kept, not recomputed.
        rec.offered(t(3) + ms(1));
        let ts = rec.timeseries();
        assert_eq!(ts.len(), 4);
        assert!(
            (ts[2].latency_ms_p99 - 1501.0).abs() < 20.0,
            "{}",
            ts[2].latency_ms_p99
        );
        assert_eq!(ts[3].latency_ms_p99, 0.0);
    }

    #[test]
    fn a_count_warmup_never_reached_leaves_no_window() {
        let mut rec = Recorder::new(SimTime::ZERO, t(30), SimDuration::from_secs(1), 1);
        rec.warmup_by_requests(5);
        rec.offered(t(0));
        rec.offered(t(1));
        rec.completed(t(2), t(0), 2, 0, SimDuration::ZERO);
        rec.stop_arrivals(t(30));
        rec.finish(t(40));
        assert_eq!(rec.warmup(), t(40));
        assert_eq!(rec.counts.measured, 0);
        let wc = &rec.window_counts;
        assert_eq!((wc.carried_in, wc.attempted, wc.carried_out), (1, 0, 1));
        assert_eq!(rec.throughput_per_s(), 0.0);
    }

    #[test]
    fn a_count_warmup_never_reached_counts_the_system_at_the_run_s_end() {
        // Arrivals stop at 30 s with two requests in the system; one completes in the drain.
        // The empty window sits at the run's end (40 s), so it carries in and out the one
        // request left then, not the two of 30 s.
        let mut rec = Recorder::new(SimTime::ZERO, t(30), SimDuration::from_secs(1), 1);
        rec.warmup_by_requests(5);
        rec.offered(t(0));
        rec.offered(t(1));
        rec.stop_arrivals(t(30));
        rec.completed(t(35), t(0), 2, 0, SimDuration::ZERO);
        rec.finish(t(40));
        assert_eq!(rec.warmup(), t(40));
        let wc = &rec.window_counts;
        assert_eq!((wc.carried_in, wc.completed, wc.carried_out), (1, 0, 1));
        assert_eq!(rec.counts.measured, 0);
    }
}
