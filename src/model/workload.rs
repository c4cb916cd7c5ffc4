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

use crate::engine::{SimDuration, StreamRng};
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
}
