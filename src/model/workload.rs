//! Clients: who sends requests, when, over which connections.
//!
//! Models: a client session is one TCP connection carrying `requests_per_connection` requests,
//! one after another (the next is sent when the previous reply arrives, plus think time in the
//! closed model). Open workload: sessions arrive independently of the node's responses; the gap
//! between two sessions is one inter-arrival sample multiplied by N = `requests_per_connection`,
//! so the offered request rate is 1 / mean(inter-arrival) whatever the connection length and
//! the gaps keep the law's shape: exponential inter-arrivals (`rate`) give Poisson sessions.
//! With one request per connection (the default) this is exactly the given arrival process.
//! (Smoother session arrivals are available by naming them: `interarrival = { dist =
//! "erlang", k = N, ... }` gives Erlang-N gaps between sessions.)
//!
//! Time-varying open workloads ([`Varying`]: rate profiles with steps or linear ramps, MMPP
//! bursts, replayed traces) give session arrival instants instead: a non-homogeneous Poisson
//! process generated exactly by inversion of its integrated rate (session rate = rate / N), or
//! the trace's own instants. Constant `rate` keeps the renewal path above.
//!
//! Closed clients and Pathway/XM terminals start at their stationary forward-recurrence time,
//! U x (a length-biased think time) from streams `workload/start` and `xm/start`, so they
//! are spread as if they had been running long before t = 0 (see `Sampler::length_biased`).
//! Closed workload: `clients` terminals loop for ever: connect, send, wait, think, ..., close.
//!
//! Every random quantity of a request (class, CPU demand, I/O time) is drawn when the request
//! is created, from streams named after the workload and the class, so two topologies fed the
//! same workload and seed see identical requests at identical instants (common random numbers)
//! until their responses differ.
//!
//! Simplifies: clients are infinitely fast; a client population has no address structure
//! beyond spreading connections round-robin over the listener's IP hosts.

use rand::RngExt;

use crate::engine::{SimDuration, SimTime, StreamRng};
use crate::scenario::Dist;

/// Draws durations from a validated distribution.
///
/// Every transcendental function comes from `libm` (pure Rust), never the platform's C
/// library, and every algorithm is written here rather than taken from `rand_distr`, so the
/// same seed gives the same draws on every machine and across crate upgrades.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always the same.
    Constant(SimDuration),
    /// Exponential; mean in seconds.
    Exponential(f64),
    /// Uniform on [min, max] seconds.
    Uniform(f64, f64),
    /// Density proportional to x on [min, max] seconds: the length-biased uniform.
    Triangular(f64, f64),
    /// exp(mu + sigma Z) seconds.
    Lognormal {
        /// Location of the log.
        mu: f64,
        /// Scale of the log.
        sigma: f64,
    },
    /// Sum of `k` exponentials of mean `phase_mean` seconds.
    Erlang {
        /// Phases.
        k: u32,
        /// Mean of one phase [s].
        phase_mean: f64,
    },
    /// Gamma with `shape` and `scale` [s].
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale theta [s].
        scale: f64,
    },
}

impl Sampler {
    /// Prepares a sampler (parameters converted once, not per draw).
    pub fn new(d: &Dist) -> Self {
        match *d {
            Dist::Constant(v) => Sampler::Constant(v),
            Dist::Exponential { mean } => Sampler::Exponential(mean.as_secs_f64()),
            Dist::Uniform { min, max } => Sampler::Uniform(min.as_secs_f64(), max.as_secs_f64()),
            Dist::Lognormal { mean, cv } => {
                // If X = exp(mu + sigma Z): E[X] = exp(mu + sigma^2/2), cv^2 = exp(sigma^2) - 1.
                let sigma2 = libm::log1p(cv * cv);
                Sampler::Lognormal {
                    mu: libm::log(mean.as_secs_f64()) - sigma2 / 2.0,
                    sigma: libm::sqrt(sigma2),
                }
            }
            Dist::Erlang { mean, k } => Sampler::Erlang {
                k,
                phase_mean: mean.as_secs_f64() / f64::from(k),
            },
            Dist::Gamma { mean, cv } => {
                // shape k = 1/cv^2, scale theta = mean cv^2, so that k theta = mean.
                Sampler::Gamma {
                    shape: 1.0 / (cv * cv),
                    scale: mean.as_secs_f64() * cv * cv,
                }
            }
        }
    }

    /// The length-biased form of this distribution: density x f(x) / E[X]. An observer
    /// arriving at a random instant falls into an interval drawn from it; a uniform fraction
    /// of such an interval is the stationary forward-recurrence time (the wait until the next
    /// renewal), which is how closed clients are started so that they are not in lockstep.
    ///
    /// Constant Z gives Z; exponential gives Erlang-2 with the same phase mean; Erlang or
    /// gamma with shape k gives shape k + 1 (same scale); lognormal(mu, sigma) gives
    /// lognormal(mu + sigma^2, sigma); uniform on [a, b] gives density proportional to x.
    pub fn length_biased(&self) -> Sampler {
        match *self {
            Sampler::Constant(v) => Sampler::Constant(v),
            Sampler::Exponential(mean) => Sampler::Erlang {
                k: 2,
                phase_mean: mean,
            },
            Sampler::Uniform(lo, hi) | Sampler::Triangular(lo, hi) => Sampler::Triangular(lo, hi),
            Sampler::Lognormal { mu, sigma } => Sampler::Lognormal {
                mu: mu + sigma * sigma,
                sigma,
            },
            Sampler::Erlang { k, phase_mean } => Sampler::Erlang {
                k: k.saturating_add(1),
                phase_mean,
            },
            Sampler::Gamma { shape, scale } => Sampler::Gamma {
                shape: shape + 1.0,
                scale,
            },
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut StreamRng) -> SimDuration {
        let secs = match *self {
            Sampler::Constant(v) => return v,
            Sampler::Exponential(mean) => mean * exp1(rng),
            Sampler::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Sampler::Triangular(lo, hi) => {
                // Inverse of F(x) = (x^2 - lo^2) / (hi^2 - lo^2) on [lo, hi].
                let u = rng.random::<f64>();
                libm::sqrt(lo * lo + u * (hi * hi - lo * lo))
            }
            Sampler::Lognormal { mu, sigma } => libm::exp(mu + sigma * std_normal(rng)),
            Sampler::Erlang { k, phase_mean } => {
                (0..k).map(|_| exp1(rng)).sum::<f64>() * phase_mean
            }
            Sampler::Gamma { shape, scale } => gamma(shape, rng) * scale,
        };
        SimDuration::from_secs_f64(secs)
    }
}

/// A uniform draw on (0, 1]: never zero, so its logarithm is finite.
fn uniform_open0(rng: &mut StreamRng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// Exponential with mean 1, by inversion: -ln U.
fn exp1(rng: &mut StreamRng) -> f64 {
    -libm::log(uniform_open0(rng))
}

/// Standard normal by Marsaglia's polar method (one of the pair is used, so each draw
/// consumes a whole number of uniform pairs and streams stay aligned simply).
fn std_normal(rng: &mut StreamRng) -> f64 {
    loop {
        let x = 2.0 * rng.random::<f64>() - 1.0;
        let y = 2.0 * rng.random::<f64>() - 1.0;
        let s = x * x + y * y;
        if s > 0.0 && s < 1.0 {
            return x * libm::sqrt(-2.0 * libm::log(s) / s);
        }
    }
}

/// Gamma with the given shape and scale 1: Marsaglia and Tsang (2000) for shape >= 1; for
/// shape < 1, Gamma(shape + 1) x U^(1 / shape).
fn gamma(shape: f64, rng: &mut StreamRng) -> f64 {
    if shape < 1.0 {
        let g = gamma(shape + 1.0, rng);
        return g * libm::pow(uniform_open0(rng), 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = std_normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = uniform_open0(rng);
        if u < 1.0 - 0.0331 * x * x * x * x
            || libm::log(u) < 0.5 * x * x + d * (1.0 - v + libm::log(v))
        {
            return d * v;
        }
    }
}

/// A time-varying open arrival process at run time: yields session arrival instants.
///
/// Profiles and MMPP are non-homogeneous Poisson processes generated exactly by inversion of
/// the integrated rate: each session draws E = N x Exp(1) (N = `requests_per_connection`,
/// one `exp1` from stream `workload/arrivals`, so sessions arrive at rate / N), then walks
/// forward from the previous arrival through pieces of linear rate r(t) = r0 + slope (t - t0)
/// until the expected number of arrivals passed equals E. Inside a piece the offset x solves
/// r0 x + slope x^2 / 2 = E, computed as x = 2E / (r0 + sqrt(r0^2 + 2 slope E)) (exact, and
/// stable when slope is 0 or negative). Positions are kept as f64 nanoseconds; an arrival
/// happens at floor(position). A trace yields its own instants.
#[derive(Clone, Debug)]
pub enum Varying {
    /// A rate profile: pieces between the points, the last one for ever.
    Profile {
        /// (start [ns], rate at start [1/ns], slope [1/ns^2]) per piece.
        pieces: Vec<(f64, f64, f64)>,
        /// Current piece.
        piece: usize,
        /// Position of the last arrival [ns].
        pos: f64,
    },
    /// MMPP: constant-rate pieces whose lengths are exponential holding times.
    Mmpp {
        /// (rate [1/ns], mean holding time [ns]) per state.
        states: Vec<(f64, f64)>,
        /// Current state.
        state: usize,
        /// When the current state ends [ns].
        until: f64,
        /// Position of the last arrival [ns].
        pos: f64,
        /// The holding-time stream (`workload/mmpp`), apart from the arrival draws.
        hold_rng: StreamRng,
        /// Expected arrivals per sample interval of the realised state path, filled as
        /// states end (for the configured-rate curve).
        mass: Vec<f64>,
        /// Width of a sample interval [ns].
        width: f64,
    },
    /// Replayed instants [ns].
    Timestamps {
        /// The trace.
        times: std::sync::Arc<[u64]>,
        /// Next row.
        next: usize,
    },
    /// Replayed counts per interval, spread uniformly at random inside each interval.
    Counts {
        /// Interval width [ns].
        interval: u64,
        /// Arrivals per interval.
        counts: std::sync::Arc<[u32]>,
        /// Current row.
        row: usize,
        /// Arrivals of the current row still to come.
        left: u32,
        /// Fraction of the current interval reached by the last arrival, in [0, 1).
        at: f64,
    },
}

impl Varying {
    /// The run-time process of a validated one; `hold_rng` is the MMPP holding stream and
    /// `width` the sample interval.
    pub fn new(v: &crate::scenario::Varying, mut hold_rng: StreamRng, width: SimDuration) -> Self {
        use crate::scenario::{Trace, Varying as V};
        let per_ns = |per_s: f64| per_s / 1e9;
        match v {
            V::Profile { points, linear } => Varying::Profile {
                pieces: pieces(points, *linear),
                piece: 0,
                pos: 0.0,
            },
            V::Mmpp { states } => {
                let states: Vec<(f64, f64)> = states
                    .iter()
                    .map(|&(r, h)| (per_ns(r), h.as_nanos() as f64))
                    .collect();
                // Start in the time-stationary state: state i with probability h_i / sum h
                // (the fraction of time a cyclic chain spends there); its remaining holding
                // time is a fresh exponential (memoryless). Both from the holding stream.
                let total: f64 = states.iter().map(|s| s.1).sum();
                let u = hold_rng.random::<f64>() * total;
                let mut acc = 0.0;
                let state = states
                    .iter()
                    .position(|s| {
                        acc += s.1;
                        u < acc
                    })
                    .unwrap_or(states.len() - 1);
                let until = states[state].1 * exp1(&mut hold_rng);
                let width = width.as_nanos() as f64;
                let mut mass = Vec::new();
                add_mass(&mut mass, width, 0.0, until, states[state].0);
                Varying::Mmpp {
                    states,
                    state,
                    until,
                    pos: 0.0,
                    hold_rng,
                    mass,
                    width,
                }
            }
            V::Trace(Trace::Timestamps(times)) => Varying::Timestamps {
                times: times.clone(),
                next: 0,
            },
            V::Trace(Trace::Counts { interval, counts }) => Varying::Counts {
                interval: interval.as_nanos(),
                counts: counts.clone(),
                row: 0,
                left: counts.first().copied().unwrap_or(0),
                at: 0.0,
            },
        }
    }

    /// The next session's arrival instant [ns], none when the process has ended (a profile
    /// whose last rate is zero, the end of a trace). `per_session` is N.
    pub fn next(&mut self, per_session: u32, rng: &mut StreamRng) -> Option<u64> {
        match self {
            Varying::Profile { pieces, piece, pos } => {
                let mut e = f64::from(per_session) * exp1(rng);
                loop {
                    let (t0, r0, slope) = pieces[*piece];
                    let r = r0 + slope * (*pos - t0);
                    let Some(&(end, _, _)) = pieces.get(*piece + 1) else {
                        if r <= 0.0 {
                            return None;
                        }
                        *pos += e / r;
                        return at_ns(*pos);
                    };
                    let len = end - *pos;
                    let m = (r + 0.5 * slope * len) * len;
                    if e < m {
                        *pos += solve(r, slope, e).min(len);
                        return at_ns(*pos);
                    }
                    e -= m;
                    *pos = end;
                    *piece += 1;
                }
            }
            Varying::Mmpp {
                states,
                state,
                until,
                pos,
                hold_rng,
                mass,
                width,
            } => {
                let mut e = f64::from(per_session) * exp1(rng);
                loop {
                    let r = states[*state].0;
                    let m = r * (*until - *pos);
                    if e < m {
                        *pos += e / r;
                        return at_ns(*pos);
                    }
                    e -= m;
                    // The state ends: its expected arrivals go to the curve, the next begins.
                    *pos = *until;
                    *state = (*state + 1) % states.len();
                    let hold = states[*state].1 * exp1(hold_rng);
                    add_mass(mass, *width, *pos, *pos + hold, states[*state].0);
                    *until += hold;
                    if *pos > MAX_POS_NS {
                        return None;
                    }
                }
            }
            Varying::Timestamps { times, next } => {
                let t = times.get(*next).copied();
                *next += 1;
                t
            }
            Varying::Counts {
                interval,
                counts,
                row,
                left,
                at,
            } => {
                while *left == 0 {
                    *row += 1;
                    *left = *counts.get(*row)?;
                    *at = 0.0;
                }
                // Ascending order statistics of `left` uniforms on [at, 1): the smallest is
                // at + (1 - at)(1 - U^(1 / left)), U from the arrivals stream.
                let u = uniform_open0(rng);
                *at += (1.0 - *at) * (1.0 - libm::pow(u, 1.0 / f64::from(*left)));
                *left -= 1;
                let within = ((*at * *interval as f64) as u64).min(*interval - 1);
                Some(*row as u64 * *interval + within)
            }
        }
    }

    /// Expected arrivals (requests: sessions x `per_session`) in each sample interval of
    /// `[0, horizon)`, for the configured-rate curve. For an MMPP, of the state path the run
    /// followed (extended to the horizon from the holding stream if the run stopped early).
    pub fn configured_mass(
        &mut self,
        horizon: SimTime,
        width: SimDuration,
        per_session: u32,
    ) -> Vec<f64> {
        let h = horizon.as_nanos() as f64;
        let w = width.as_nanos() as f64;
        let n = (horizon.as_nanos().div_ceil(width.as_nanos().max(1))) as usize;
        let mut out = vec![0.0; n];
        match self {
            Varying::Profile { pieces, .. } => {
                for (i, &(t0, r0, slope)) in pieces.iter().enumerate() {
                    let end = pieces.get(i + 1).map_or(h, |p| p.0.min(h));
                    // Integrate piece by bucket: the mean rate over [a, b) is r at (a + b) / 2.
                    let mut a = t0;
                    while a < end {
                        let k = (a / w) as usize;
                        let b = ((k + 1) as f64 * w).min(end);
                        if k < n {
                            out[k] += (r0 + slope * ((a + b) / 2.0 - t0)) * (b - a);
                        }
                        a = b;
                    }
                }
            }
            Varying::Mmpp {
                states,
                state,
                until,
                hold_rng,
                mass,
                width,
                ..
            } => {
                while *until < h {
                    *state = (*state + 1) % states.len();
                    let hold = states[*state].1 * exp1(hold_rng);
                    add_mass(mass, *width, *until, *until + hold, states[*state].0);
                    *until += hold;
                }
                for (k, m) in mass.iter().enumerate().take(n) {
                    out[k] = *m;
                }
            }
            Varying::Timestamps { times, .. } => {
                for &t in times.iter().take_while(|&&t| (t as f64) < h) {
                    out[(t / width.as_nanos()) as usize] += 1.0;
                }
                return out
                    .into_iter()
                    .map(|m| m * f64::from(per_session))
                    .collect();
            }
            Varying::Counts {
                interval, counts, ..
            } => {
                for (row, &c) in counts.iter().enumerate() {
                    let a0 = row as f64 * *interval as f64;
                    let end = (a0 + *interval as f64).min(h);
                    let per_ns = f64::from(c) / *interval as f64;
                    let mut a = a0;
                    while a < end {
                        let k = (a / w) as usize;
                        let b = ((k + 1) as f64 * w).min(end);
                        if k < n {
                            out[k] += per_ns * (b - a);
                        }
                        a = b;
                    }
                    if a0 >= h {
                        break;
                    }
                }
                return out
                    .into_iter()
                    .map(|m| m * f64::from(per_session))
                    .collect();
            }
        }
        out
    }
}

/// The configured mean request rate over `[from, to)` [requests/s]: the profile's integral
/// over the window divided by its length; an MMPP's stationary rate, sum r_i h_i / sum h_i
/// (h_i the mean holding times); a trace's arrivals in the window (a count row's share by
/// overlap) times N = `per_session`, divided by the length.
pub fn configured_mean_per_s(
    v: &crate::scenario::Varying,
    from: SimTime,
    to: SimTime,
    per_session: u32,
) -> f64 {
    use crate::scenario::{Trace, Varying as V};
    let (a, b) = (from.as_nanos() as f64, to.as_nanos() as f64);
    let len = (b - a).max(1.0);
    // Integral of a piecewise rate given as (start, rate at start, slope) pieces [per ns].
    let integral = |pieces: &[(f64, f64, f64)]| -> f64 {
        let mut total = 0.0;
        for (i, &(t0, r0, slope)) in pieces.iter().enumerate() {
            let end = pieces.get(i + 1).map_or(f64::INFINITY, |p| p.0);
            let (lo, hi) = (t0.max(a), end.min(b));
            if hi > lo {
                total += (r0 + slope * ((lo + hi) / 2.0 - t0)) * (hi - lo);
            }
        }
        total
    };
    match v {
        V::Profile { points, linear } => integral(&pieces(points, *linear)) * 1e9 / len,
        V::Mmpp { states } => {
            let hold: f64 = states.iter().map(|s| s.1.as_nanos() as f64).sum();
            states
                .iter()
                .map(|&(r, h)| r * h.as_nanos() as f64)
                .sum::<f64>()
                / hold
        }
        V::Trace(Trace::Timestamps(times)) => {
            let n = times
                .iter()
                .filter(|&&t| t >= from.as_nanos() && t < to.as_nanos())
                .count();
            n as f64 * f64::from(per_session) * 1e9 / len
        }
        V::Trace(Trace::Counts { interval, counts }) => {
            let w = interval.as_nanos() as f64;
            let pieces: Vec<(f64, f64, f64)> = counts
                .iter()
                .enumerate()
                .map(|(i, &c)| (i as f64 * w, f64::from(c) / w, 0.0))
                .chain(std::iter::once((counts.len() as f64 * w, 0.0, 0.0)))
                .collect();
            integral(&pieces) * f64::from(per_session) * 1e9 / len
        }
    }
}

/// A profile's pieces: (start [ns], rate at start [1/ns], slope [1/ns^2]).
fn pieces(points: &[(SimDuration, f64)], linear: bool) -> Vec<(f64, f64, f64)> {
    points
        .iter()
        .enumerate()
        .map(|(i, &(at, r))| {
            let t0 = at.as_nanos() as f64;
            let slope = match points.get(i + 1) {
                Some(&(next, r1)) if linear => (r1 - r) / 1e9 / (next.as_nanos() as f64 - t0),
                _ => 0.0,
            };
            (t0, r / 1e9, slope)
        })
        .collect()
}

/// Past this position [ns] (about 60 days, twice the longest run) a process has no arrival
/// the run could see.
const MAX_POS_NS: f64 = 60.0 * 86_400.0 * 1e9;

/// The instant of an arrival at `pos` [ns], none past [`MAX_POS_NS`].
fn at_ns(pos: f64) -> Option<u64> {
    (pos <= MAX_POS_NS).then_some(pos as u64)
}

/// The offset x with r x + slope x^2 / 2 = e (e >= 0, r >= 0).
fn solve(r: f64, slope: f64, e: f64) -> f64 {
    let d = (r * r + 2.0 * slope * e).max(0.0);
    let denom = r + libm::sqrt(d);
    if denom > 0.0 {
        2.0 * e / denom
    } else {
        f64::INFINITY
    }
}

/// Adds rate x overlap of [a, b) to each sample interval of width `w` it overlaps (intervals
/// up to the series limit).
fn add_mass(mass: &mut Vec<f64>, w: f64, a: f64, b: f64, rate: f64) {
    let limit = crate::scenario::limits::MAX_SAMPLES as usize;
    let mut a = a;
    while a < b {
        let k = (a / w) as usize;
        if k >= limit {
            return;
        }
        if mass.len() <= k {
            mass.resize(k + 1, 0.0);
        }
        let e = ((k + 1) as f64 * w).min(b);
        mass[k] += rate * (e - a);
        a = e;
    }
}

/// One client session: a TCP connection and the requests it still has to send.
#[derive(Clone, Debug)]
pub struct Session {
    /// The listener (or, for Pathway/XM terminals, the set of TCPs) it sends to.
    pub listener: u16,
    /// Listener instance (index into that listener's instances) the connection is bound to;
    /// chosen when its SYN is sent. A terminal's TCP.
    pub instance: u32,
    /// Requests this connection will still send, the current one included; `u32::MAX` for a
    /// terminal, which has no connection to open or close.
    pub remaining: u32,
    /// Closed workload: the client (terminal) that owns the session.
    pub client: Option<u32>,
}

/// Picks a server class index from cumulative weights.
#[derive(Clone, Debug)]
pub struct Mix {
    cumulative: Vec<(f64, u16)>,
}

impl Mix {
    /// From (class index, normalised weight) pairs.
    pub fn new(mix: &[(usize, f64)]) -> Self {
        let mut acc = 0.0;
        let cumulative = mix
            .iter()
            .map(|&(c, w)| {
                acc += w;
                (acc, u16::try_from(c).expect("fewer than 65536 classes"))
            })
            .collect();
        Mix { cumulative }
    }
    /// One draw.
    pub fn pick(&self, rng: &mut StreamRng) -> u16 {
        let u: f64 = rng.random::<f64>() * self.cumulative.last().expect("non-empty mix").0;
        self.cumulative
            .iter()
            .find(|(c, _)| u < *c)
            .unwrap_or_else(|| self.cumulative.last().expect("non-empty mix"))
            .1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngStreams;

    fn mean_of(d: Dist, n: usize) -> f64 {
        let s = Sampler::new(&d);
        let mut rng = RngStreams::new(3).stream("t");
        (0..n)
            .map(|_| s.sample(&mut rng).as_secs_f64())
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn samplers_have_the_configured_mean() {
        let m = SimDuration::from_millis(2);
        for d in [
            Dist::Exponential { mean: m },
            Dist::Lognormal { mean: m, cv: 0.5 },
            Dist::Erlang { mean: m, k: 3 },
            Dist::Gamma { mean: m, cv: 2.0 },
            Dist::Uniform {
                min: SimDuration::from_millis(1),
                max: SimDuration::from_millis(3),
            },
        ] {
            let got = mean_of(d.clone(), 200_000);
            // cv <= 2, so the standard error of the mean is <= 2 * 2ms / sqrt(2e5) = 0.009 ms;
            // 5 standard errors is 0.045 ms.
            assert!((got - 0.002).abs() < 0.000_045, "{d:?}: mean {got}");
        }
    }

    /// Mean and variance of `n` draws [s, s^2].
    fn moments(s: &Sampler, n: usize) -> (f64, f64) {
        let mut rng = RngStreams::new(5).stream("moments");
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng).as_secs_f64()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn samplers_have_the_configured_variance() {
        // cv^2 of each law: exponential 1, Erlang-4 1/4, gamma cv 2 -> 4, lognormal cv 0.5
        // -> 0.25, uniform [1, 3] ms -> (2^2 / 12) / 2^2 = 1/12.
        let m = SimDuration::from_millis(2);
        for (d, cv2) in [
            (Dist::Exponential { mean: m }, 1.0),
            (Dist::Erlang { mean: m, k: 4 }, 0.25),
            (Dist::Gamma { mean: m, cv: 0.5 }, 0.25),
            (Dist::Gamma { mean: m, cv: 2.0 }, 4.0),
            (Dist::Lognormal { mean: m, cv: 0.5 }, 0.25),
            (
                Dist::Uniform {
                    min: SimDuration::from_millis(1),
                    max: SimDuration::from_millis(3),
                },
                1.0 / 12.0,
            ),
        ] {
            let (mean, var) = moments(&Sampler::new(&d), 400_000);
            let got = var / (mean * mean);
            // The sample cv^2 of 4e5 draws is within a few percent for these laws (the
            // heaviest, gamma with cv 2, has kurtosis 3 + 6 cv^2 = 27: relative sd of the
            // variance sqrt(26 / 4e5) = 0.8 %); 10 % leaves room without hiding a wrong law.
            assert!(
                (got - cv2).abs() < 0.1 * cv2,
                "{d:?}: cv^2 {got}, want {cv2}"
            );
        }
    }

    #[test]
    fn gamma_and_normal_agree_with_rand_distr() {
        use rand_distr::{Distribution, Gamma, StandardNormal};
        // The same law drawn by rand_distr and by our own functions: means and variances of
        // 4e5 draws agree within a few standard errors.
        let n = 400_000;
        let mut ours = RngStreams::new(9).stream("ours");
        let mut theirs = RngStreams::new(9).stream("theirs");
        for shape in [0.3, 1.0, 4.0] {
            let reference = Gamma::new(shape, 1.0).unwrap();
            let a: Vec<f64> = (0..n).map(|_| gamma(shape, &mut ours)).collect();
            let b: Vec<f64> = (0..n).map(|_| reference.sample(&mut theirs)).collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            // Var of a gamma(shape, 1) is shape; standard error of a mean sqrt(shape / n).
            let se = (shape / n as f64).sqrt();
            assert!((mean(&a) - mean(&b)).abs() < 5.0 * se, "gamma({shape})");
            assert!((mean(&a) - shape).abs() < 5.0 * se, "gamma({shape}) mean");
        }
        let a: Vec<f64> = (0..n).map(|_| std_normal(&mut ours)).collect();
        let b: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut theirs)).collect();
        let var = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64;
        assert!((var(&a) - var(&b)).abs() < 0.02, "normal variance");
    }

    #[test]
    fn length_biased_forms_have_mean_e_x2_over_e_x() {
        // E[X^2] / E[X] = mean (1 + cv^2).
        let m = SimDuration::from_millis(2);
        for (d, want_ms) in [
            (Dist::Constant(m), 2.0),
            (Dist::Exponential { mean: m }, 4.0),
            (Dist::Erlang { mean: m, k: 4 }, 2.5),
            (Dist::Gamma { mean: m, cv: 2.0 }, 10.0),
            (Dist::Lognormal { mean: m, cv: 0.5 }, 2.5),
            (
                Dist::Uniform {
                    min: SimDuration::from_millis(1),
                    max: SimDuration::from_millis(3),
                },
                // E[X^2] / E[X] = ((1 + 3 + 9) / 3) / 2 = 13 / 6 ms.
                13.0 / 6.0,
            ),
        ] {
            let (mean, _) = moments(&Sampler::new(&d).length_biased(), 400_000);
            let got = mean * 1e3;
            assert!(
                (got - want_ms).abs() < 0.02 * want_ms,
                "{d:?}: length-biased mean {got} ms, want {want_ms}"
            );
        }
    }

    /// Session arrival instants of a time-varying process up to `horizon` [ns].
    fn arrivals(v: &crate::scenario::Varying, per_session: u32, horizon: u64) -> Vec<u64> {
        let streams = RngStreams::new(11);
        let mut p = Varying::new(v, streams.stream("hold"), SimDuration::from_secs(1));
        let mut rng = streams.stream("arrivals");
        std::iter::from_fn(|| p.next(per_session, &mut rng))
            .take_while(|&t| t < horizon)
            .collect()
    }

    fn count_in(ts: &[u64], a: f64, b: f64) -> f64 {
        ts.iter()
            .filter(|&&t| (t as f64) >= a * 1e9 && (t as f64) < b * 1e9)
            .count() as f64
    }

    /// A Poisson count n has sd sqrt(n): within 5 sd of its expectation.
    fn assert_poisson(got: f64, want: f64, what: &str) {
        assert!(
            (got - want).abs() < 5.0 * want.sqrt(),
            "{what}: {got} arrivals, expected {want}"
        );
    }

    #[test]
    fn a_step_profile_has_each_piece_s_rate() {
        let v = crate::scenario::Varying::Profile {
            points: vec![
                (SimDuration::ZERO, 5000.0),
                (SimDuration::from_secs(10), 20_000.0),
                (SimDuration::from_secs(20), 0.0),
                (SimDuration::from_secs(25), 1000.0),
            ],
            linear: false,
        };
        let ts = arrivals(&v, 1, 40_000_000_000);
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "in time order");
        assert_poisson(count_in(&ts, 0.0, 10.0), 50_000.0, "piece 1");
        assert_poisson(count_in(&ts, 10.0, 20.0), 200_000.0, "piece 2");
        assert_eq!(count_in(&ts, 20.0, 25.0), 0.0, "a zero rate sends nothing");
        assert_poisson(
            count_in(&ts, 25.0, 40.0),
            15_000.0,
            "the last rate holds for ever",
        );
        // Sessions of 4 requests arrive at a quarter of the rate.
        let ts = arrivals(&v, 4, 20_000_000_000);
        assert_poisson(count_in(&ts, 10.0, 20.0), 50_000.0, "sessions of 4");
    }

    #[test]
    fn a_linear_ramp_follows_the_integrated_rate() {
        // 0 -> 40,000/s over 10 s, then down to 10,000/s at 20 s: in [a, b) of the first ramp
        // the expected count is the integral 4000 (b^2 - a^2) / 2 ... per second squared.
        let v = crate::scenario::Varying::Profile {
            points: vec![
                (SimDuration::ZERO, 0.0),
                (SimDuration::from_secs(10), 40_000.0),
                (SimDuration::from_secs(20), 10_000.0),
            ],
            linear: true,
        };
        let ts = arrivals(&v, 1, 30_000_000_000);
        let up = |a: f64, b: f64| 2000.0 * (b * b - a * a);
        for (a, b) in [(0.0, 2.0), (2.0, 5.0), (5.0, 8.0), (8.0, 10.0)] {
            assert_poisson(
                count_in(&ts, a, b),
                up(a, b),
                &format!("ramp up [{a}, {b})"),
            );
        }
        // Down: r(t) = 40000 - 3000 (t - 10).
        let down = |a: f64, b: f64| {
            let r = |t: f64| 40_000.0 - 3000.0 * (t - 10.0);
            (r(a) + r(b)) / 2.0 * (b - a)
        };
        for (a, b) in [(10.0, 13.0), (13.0, 17.0), (17.0, 20.0)] {
            assert_poisson(
                count_in(&ts, a, b),
                down(a, b),
                &format!("ramp down [{a}, {b})"),
            );
        }
        assert_poisson(count_in(&ts, 20.0, 30.0), 100_000.0, "after the last point");
        // The configured curve and mean agree with the same integrals.
        let streams = RngStreams::new(1);
        let mut p = Varying::new(&v, streams.stream("h"), SimDuration::from_secs(1));
        let mass = p.configured_mass(SimTime(30_000_000_000), SimDuration::from_secs(1), 1);
        assert!((mass[3] - up(3.0, 4.0)).abs() < 1e-6, "{}", mass[3]);
        assert!((mass[12] - down(12.0, 13.0)).abs() < 1e-6, "{}", mass[12]);
        let mean = configured_mean_per_s(&v, SimTime(5_000_000_000), SimTime(15_000_000_000), 1);
        assert!((mean - (up(5.0, 10.0) + down(10.0, 15.0)) / 10.0).abs() < 1e-6);
    }

    #[test]
    fn mmpp_long_run_rate_is_the_time_weighted_state_rate() {
        // States 5000/s for 1 s and 20,000/s for 0.25 s on average: stationary rate
        // (5000 x 1 + 20000 x 0.25) / 1.25 = 8000/s. Over 200 s, about 160 cycles, the count's
        // variance is dominated by the random state path: for an alternating renewal process
        // the count over T has variance about (r1 - r0)^2 x 2 (h0 h1)^2 / (h0 + h1)^3 x T
        // (exponential holds), plus the Poisson part; 5 sd of that bounds the error.
        let v = crate::scenario::Varying::Mmpp {
            states: vec![
                (5000.0, SimDuration::from_secs(1)),
                (20_000.0, SimDuration::from_millis(250)),
            ],
        };
        let t = 200.0;
        let ts = arrivals(&v, 1, (t * 1e9) as u64);
        let (h0, h1, dr) = (1.0f64, 0.25f64, 15_000.0f64);
        let var = dr * dr * 2.0 * (h0 * h1).powi(2) / (h0 + h1).powi(3) * t + 8000.0 * t;
        let got = ts.len() as f64;
        assert!(
            (got - 8000.0 * t).abs() < 5.0 * var.sqrt(),
            "{got} arrivals, expected {} +- {}",
            8000.0 * t,
            5.0 * var.sqrt()
        );
        assert_eq!(configured_mean_per_s(&v, SimTime(0), SimTime(1), 1), 8000.0);
        // The realised state path's curve accounts for every arrival up to Poisson noise.
        let streams = RngStreams::new(11);
        let mut p = Varying::new(&v, streams.stream("hold"), SimDuration::from_secs(1));
        let mut rng = streams.stream("arrivals");
        let n = std::iter::from_fn(|| p.next(1, &mut rng))
            .take_while(|&x| x < (t * 1e9) as u64)
            .count() as f64;
        let mass: f64 = p
            .configured_mass(SimTime((t * 1e9) as u64), SimDuration::from_secs(1), 1)
            .iter()
            .sum();
        assert_poisson(n, mass, "arrivals against the realised path");
    }

    #[test]
    fn a_trace_of_counts_reproduces_its_counts_exactly() {
        let counts: std::sync::Arc<[u32]> = vec![3, 0, 1000, 1, 7].into();
        let v = crate::scenario::Varying::Trace(crate::scenario::Trace::Counts {
            interval: SimDuration::from_millis(100),
            counts: counts.clone(),
        });
        let ts = arrivals(&v, 1, u64::MAX);
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "in time order");
        for (i, &c) in counts.iter().enumerate() {
            let a = i as f64 * 0.1;
            assert_eq!(count_in(&ts, a, a + 0.1), f64::from(c), "row {i}");
        }
        assert_eq!(ts.len(), 1011, "nothing after the last row");
        // Spread uniformly: the 1000 of row 2 have mean near the middle of their interval
        // (sd of a uniform mean 0.1 s / sqrt(12 x 1000) = 0.9 ms).
        let mid = ts[3..1003].iter().map(|&t| t as f64 / 1e9).sum::<f64>() / 1000.0;
        assert!((mid - 0.25).abs() < 0.005, "{mid}");
        let times: std::sync::Arc<[u64]> = vec![5, 5, 90, 1_000_000_001].into();
        let v = crate::scenario::Varying::Trace(crate::scenario::Trace::Timestamps(times));
        assert_eq!(arrivals(&v, 3, u64::MAX), vec![5, 5, 90, 1_000_000_001]);
    }
}
