//! The limit of every magnitude a scenario can give, and where each comes from.
//!
//! Validation rejects anything beyond these, so that no valid scenario can overflow the
//! simulator's `u64` nanosecond clock (about 584 years), make a sampler draw a value it cannot
//! represent, loop for ever, or need memory out of proportion to what it describes.
//! `scenarios/README.md` ("Limits") lists them with the same reasons; keep the two in step.
//!
//! The arithmetic behind the time limits: every instant the engine schedules is the current
//! time (at most `run.duration + run.drain` <= 60 days) plus one delay, and a delay is at most
//! a few costs of at most [`MAX_DURATION`] each plus one distribution draw of at most
//! [`MAX_DRAW`]. That is far below 2^64 ns.

use crate::engine::SimDuration;

use super::types::Dist;

/// A NonStop node has at most 16 processors (NonStop S-series, NS-series and NonStop X alike).
pub const MAX_PROCESSORS: u32 = 16;
/// Cores per processor: generous (NonStop X processors have at most a few dozen); it catches
/// typos.
pub const MAX_CORES: u32 = 64;
/// Speed of a processor type relative to the processor the costs are written for: 0.01 to
/// 100 spans every NonStop generation with room to spare; beyond that the factor is a typo.
pub const MIN_SPEED: f64 = 0.01;
/// See [`MIN_SPEED`].
pub const MAX_SPEED: f64 = 100.0;
/// Any Pathsend limit given in `[pathway]` (sends, links, requesters): 1 to 1,000,000. The
/// largest documented limit is 8191 ACS links per link manager (PS25 page-122); a million catches typos
/// and bounds the memory a link manager's queue can need.
pub const MAX_PATHSEND_LIMIT: u32 = 1_000_000;
/// Guardian process priorities run 1..=199 (higher runs first).
pub const PRIORITY_MAX: u32 = 199;
/// NonStop TCP/IPv6 holds at most 5 pending connections per listening socket.
pub const PARALLEL_BACKLOG_MAX: u32 = 5;
/// Pending connections per listening socket under the conventional stack: the BSD `SOMAXCONN`
/// ceiling of 65535 (a 16-bit count).
pub const BACKLOG_MAX: u32 = 65_535;
/// SYN retransmissions before a client gives up: Linux allows 255, but with the doubling
/// timeout 10 retries already wait `syn_retry` x 1023; more only hides a bad configuration.
pub const MAX_SYN_RETRIES: u32 = 10;
/// The first SYN retransmission timeout: RFC 6298 starts at 1 s; one minute is generous.
pub const MAX_SYN_RETRY: SimDuration = SimDuration::from_secs(60);
/// Buckets of the time series, `(run.duration + run.drain) / run.sample_interval` rounded up:
/// each keeps its own latency histogram.
pub const MAX_SAMPLES: u64 = 10_000;
/// A warm-up by request count (`run.warmup = "N requests"`): a billion completions, far more
/// than a run needs to leave its start-up behind, and far from the counters' range.
pub const MAX_WARMUP_REQUESTS: u64 = 1_000_000_000;
/// Requests in flight at once (`run.max_in_flight`): a request is about 250 bytes plus its
/// pending events, so the default, 2,000,000, fits a laptop; a run that passes it stops with
/// a clear error instead of exhausting memory.
pub const DEFAULT_MAX_IN_FLIGHT: u64 = 2_000_000;
/// The largest `run.max_in_flight`: 100,000,000 requests need a large server's memory.
pub const MAX_MAX_IN_FLIGHT: u64 = 100_000_000;
/// Replications per scenario (`--replications`, `--replication`, `--max-replications`):
/// every replication's results are kept in memory until the report is written.
pub const MAX_REPLICATIONS: u32 = 10_000;
/// Workers (`--jobs`): far more than the cores of any machine nssim runs on; each holds one
/// simulation's state.
pub const MAX_JOBS: usize = 1024;
/// Any duration written in a scenario (run length, drain, costs, latencies, means; the
/// message system's same-processor and ServerNet CPU costs alike): 30 days. A
/// NonStop capacity study simulates minutes to hours; 30 days keeps every sum of a few of them
/// and the run's horizon far from the 584-year end of the nanosecond clock.
pub const MAX_DURATION: SimDuration = SimDuration::from_secs(30 * 24 * 3600);
/// The largest value a distribution may be able to draw (its sampler's extreme tail, see
/// [`max_draw`]): 50 years, so that a draw added to any instant of a run stays on the clock.
pub const MAX_DRAW: SimDuration = SimDuration::from_secs(50 * 365 * 24 * 3600);
/// A cost per KiB, per TCP segment or per ACK (`*_per_kib`, `tcpip.per_segment_cpu`,
/// `tcpip.ack_cpu`): one second. The largest message (2 MiB: 2,048 KiB, 3,913 segments of the
/// smallest MSS) then costs at most about an hour per part, and no sum of costs can leave the
/// clock; real values are below a microsecond.
pub const MAX_UNIT_COST: SimDuration = SimDuration::from_secs(1);
/// The mean patience of an abandoning client (`workload.abandon_after`): 1 ms, below any
/// client's LAN round trip, so shorter means every request is abandoned before it arrives.
pub const MIN_PATIENCE: SimDuration = SimDuration::from_millis(1);
/// Coefficient of variation of a lognormal or gamma distribution. Below 0.001 the distribution
/// is a constant for every purpose (and gamma's shape 1/cv^2 would leave the sampler's range);
/// above 10 a run's results depend on draws so rare no run of practical length sees them.
pub const MIN_CV: f64 = 0.001;
/// See [`MIN_CV`].
pub const MAX_CV: f64 = 10.0;
/// Phases of an Erlang distribution: each draw costs `k` random numbers. k = 1000 is cv 0.03;
/// for less variation use a gamma with a small cv, or a constant.
pub const MAX_ERLANG_K: u32 = 1000;
/// Open arrivals: at most 10,000,000 requests/s, 100 ns apart, far beyond what a 16-processor
/// node serves (the shipped scenarios saturate near 20,000/s).
pub const MAX_RATE_PER_S: f64 = 1e7;
/// Open arrivals: at least one request a day (a mean gap of at most one day).
pub const MIN_RATE_PER_S: f64 = 1.0 / 86_400.0;
/// LAN bandwidth of one PIF: at least 1 Mb/s (below any NonStop adapter, the oldest of which
/// ran 10 Mb/s Ethernet, and slow enough that the largest message takes 17 s), at most 1 Pb/s
/// (no adapter comes near; the analytic tests use it as a LAN that costs nothing).
pub const MIN_BANDWIDTH_BPS: f64 = 1e6;
/// See [`MIN_BANDWIDTH_BPS`].
pub const MAX_BANDWIDTH_BPS: f64 = 1e15;
/// Request and reply size (`workload.request_bytes` / `reply_bytes`, and Pathway/XM's
/// `pathway_xm.request_bytes` / `reply_bytes`): 2 MiB, the largest Pathsend message (TS/MP 2.4
/// and later; before, 32 KiB). Through `SERVERCLASS_SEND_` 32,767 bytes
/// ([`crate::scenario::PathsendApi::max_bytes`]).
pub const MAX_MESSAGE_BYTES: u32 = 2 * 1024 * 1024;
/// LAN adapters (G4SA, four ports each) a PIF name may refer to: `G4SA0` ..= `G4SA63`, the
/// ten-per-IOAM-enclosure adapters of a large node with room to spare.
pub const MAX_LAN_ADAPTERS: u32 = 64;
/// TCP maximum segment size: at least 536 bytes (the TCP default, RFC 879), at most 9000
/// (jumbo frames).
pub const MIN_MSS: u32 = 536;
/// See [`MIN_MSS`].
pub const MAX_MSS: u32 = 9000;
/// Requests over one TCP connection: 100,000 (a keep-alive connection's life at the shipped
/// rates is seconds, a few thousand requests).
pub const MAX_REQUESTS_PER_CONNECTION: u32 = 100_000;
/// Sends of one request (`workload.retry.attempts`), the first included: 16 (a request's
/// attempt number is a byte; more than a few retries only repeat the same failure).
pub const MAX_RETRY_ATTEMPTS: u32 = 16;
/// Retry backoff (`workload.retry.backoff`): one hour.
pub const MAX_RETRY_BACKOFF: SimDuration = SimDuration::from_secs(3600);
/// Closed clients, and Pathway/XM terminals in all: 1,000,000 (memory, linear in the count;
/// a large Pathway system has tens of thousands of terminals).
pub const MAX_CLIENTS: u32 = 1_000_000;
/// See [`MAX_CLIENTS`].
pub const MAX_TERMS: u64 = 1_000_000;
/// Pathway/XM terminal WEIGHT: relative load (the manual's example is transactions per hour,
/// 30 against 100); 1,000,000 keeps sums over a million terminals exact in integers.
pub const MAX_TERM_WEIGHT: u32 = 1_000_000;
/// Pathway/XM: MAXTCPS + MAXEXTERNALTCPS + MAXLINKMONS is at most 800 per PATHMON.
pub const MAX_XM_TCPS_PER_PATHMON: u32 = 800;
/// Pathway/XM TCP template MAXTERMS and MAXSERVERPROCESSES: 4095, the TS/MP ceiling of its
/// per-object counts (MAXSERVERS, MAXLINKS).
pub const MAX_TCP_COUNT: u32 = 4095;
/// Pathway/XM: generated PATHMONs x replicated server classes. The model keeps a route per
/// (PATHMON, class, local or not) in a 16-bit table (`model/cluster.rs`), so at most 65535 / 2;
/// a million terminals fit with a few dozen terminals per TCP. Raise it when the model's table
/// grows.
pub const MAX_XM_PATHMON_CLASSES: u64 = 16_383;
/// `[[listener]]` entries: 256 (each has at most one instance per processor).
pub const MAX_LISTENERS: usize = 256;
/// `[[tcpip.process]]` entries: 64, four IP hosts per processor of a full node.
pub const MAX_TCPIP_PROCESSES: usize = 64;
/// `[[pathmon]]` entries: a TS/MP 2.0 LINKMON talks to at most 256 PATHMONs.
pub const MAX_PATHMONS: usize = 256;
/// `[[domain]]` entries: one per PATHMON at most is already more than any configuration.
pub const MAX_DOMAINS: usize = 256;
/// ACS: at most 4 PATHMONs in a Pathway domain.
pub const MAX_DOMAIN_PATHMONS: usize = 4;
/// Server classes (`[[server_class]]`, and `[[pathway_xm.server_class]]`): LINKMON and ACS
/// handle at most 1024.
pub const MAX_SERVER_CLASSES: usize = 1024;
/// TS/MP: MAXSERVERS, NUMSTATIC and MAXLINKS are at most 4095.
pub const MAX_SERVERS: u32 = 4095;
/// Server processes over all classes and PATHMONs (after Pathway/XM replication): 65,536,
/// 4096 per processor of a full node, a memory bound beyond any real configuration.
pub const MAX_SERVER_PROCESSES: u64 = 65_536;
/// TS/MP: LINKDEPTH is at most 255.
pub const MAX_LINKDEPTH: u32 = 255;
/// TS/MP: AUTORESTART is at most 32767.
pub const MAX_AUTORESTART: u32 = 32_767;
/// TS/MP: CREATEDELAY, DELETEDELAY and TIMEOUT are at most 16383 s.
pub const ATTRIBUTE_TIME_MAX: SimDuration = SimDuration::from_secs(16_383);
/// A mix weight: relative, so only ratios matter; 1e9 bounds the sum over 1024 classes far
/// from overflow.
pub const MAX_MIX_WEIGHT: f64 = 1e9;

/// The largest |z| the standard normal sampler can return: `rand_distr`'s ziggurat tail is
/// `R - ln(u) / R` with R = 3.654 and u >= 2^-54, about 13.9.
const NORMAL_Z_MAX: f64 = 14.0;
/// The largest standard exponential draw: the ziggurat tail `R - ln(u)` with R = 7.697 and
/// u >= 2^-54, about 45.1.
const EXP_MAX: f64 = 46.0;

/// The largest value `dist`'s sampler can draw [ns], from the extreme tail of the samplers in
/// `model::workload` (a bound, not a quantile).
pub fn max_draw(dist: &Dist) -> f64 {
    let ns = |d: SimDuration| d.as_nanos() as f64;
    match *dist {
        Dist::Constant(v) => ns(v),
        Dist::Uniform { max, .. } => ns(max),
        // Erlang: k phases of mean/k, each at most EXP_MAX times its mean.
        Dist::Exponential { mean } | Dist::Erlang { mean, .. } => EXP_MAX * ns(mean),
        Dist::Lognormal { mean, cv } => {
            // exp(mu + sigma z) with mu = ln(mean) - sigma^2 / 2.
            let sigma2 = (1.0 + cv * cv).ln();
            ns(mean) * (NORMAL_Z_MAX * sigma2.sqrt() - sigma2 / 2.0).exp()
        }
        Dist::Gamma { mean, cv } => {
            // Marsaglia-Tsang draws d (1 + c z)^3 with d = shape - 1/3 (shape + 1 when the
            // shape is below 1, times a uniform power <= 1), c = 1 / sqrt(9 d). Relative to the
            // mean this is largest for shape near 1: about (1 + 14/3 / sqrt(d))^3 d / shape.
            let shape = 1.0 / (cv * cv);
            let a = if shape < 1.0 { shape + 1.0 } else { shape };
            let d = a - 1.0 / 3.0;
            let top = d * (1.0 + NORMAL_Z_MAX / (3.0 * d.sqrt())).powi(3);
            ns(mean) / shape * top
        }
    }
}

/// Points of a rate profile (`workload.rate = [...]`): 10,000, one a minute for a week; each
/// arrival walks the points in order, so their number costs nothing per event.
pub const MAX_PROFILE_POINTS: usize = 10_000;
/// MMPP states: 64; real burst models use two to four.
pub const MAX_MMPP_STATES: usize = 64;
/// The shortest mean MMPP holding time: 1 ms. Each state change is a step of the generator,
/// so a 30-day run switches at most about 2.6e9 times; shorter bursts than a millisecond are
/// better written as an inter-arrival distribution.
pub const MIN_MMPP_HOLD: SimDuration = SimDuration::from_millis(1);
/// Largest arrival trace read [bytes]: 64 MiB, ten million rows of a few characters.
pub const MAX_TRACE_BYTES: u64 = 64 << 20;
/// Rows of an arrival trace: 10,000,000 (80 MB of instants in memory).
pub const MAX_TRACE_ROWS: usize = 10_000_000;
/// Bad rows of a trace reported one by one; the rest are counted.
pub const MAX_TRACE_ROW_PROBLEMS: usize = 20;
