//! Clients: who sends requests, when, over which connections.
//!
//! Models: a client session is one TCP connection carrying `requests_per_connection` requests,
//! one after another (the next is sent when the previous reply arrives, plus think time in the
//! closed model). Open workload: sessions arrive independently of the node's responses, every
//! `requests_per_connection` x (an inter-arrival sample), so the offered request rate is
//! 1 / mean(inter-arrival) whatever the connection length (Poisson sessions for exponential).
//! With one request per connection (the default) this is exactly the given arrival process.
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
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

use crate::engine::{SimDuration, StreamRng};
use crate::scenario::Dist;

/// Draws durations from a validated distribution.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always the same.
    Constant(SimDuration),
    /// Exponential; mean in seconds.
    Exponential(f64),
    /// Uniform on [min, max] seconds.
    Uniform(f64, f64),
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
    /// Gamma [s].
    Gamma(Gamma<f64>),
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
                let sigma2 = (1.0 + cv * cv).ln();
                Sampler::Lognormal {
                    mu: mean.as_secs_f64().ln() - sigma2 / 2.0,
                    sigma: sigma2.sqrt(),
                }
            }
            Dist::Erlang { mean, k } => Sampler::Erlang {
                k,
                phase_mean: mean.as_secs_f64() / f64::from(k),
            },
            Dist::Gamma { mean, cv } => {
                // shape k = 1/cv^2, scale theta = mean cv^2, so that k theta = mean.
                let shape = 1.0 / (cv * cv);
                let scale = mean.as_secs_f64() * cv * cv;
                Sampler::Gamma(Gamma::new(shape, scale).expect("validated gamma parameters"))
            }
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut StreamRng) -> SimDuration {
        let secs = match self {
            Sampler::Constant(v) => return *v,
            Sampler::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Sampler::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Sampler::Erlang { k, phase_mean } => {
                (0..*k).map(|_| -> f64 { Exp1.sample(rng) }).sum::<f64>() * phase_mean
            }
            Sampler::Gamma(g) => g.sample(rng),
        };
        SimDuration::from_secs_f64(secs)
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
}
