//! What was typed: the clap definition of the command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// nssim: a discrete-event simulator of HPE NonStop clusters.
///
/// Replays TCP/IP listener topologies (conventional distributors, TCP/IPv6 distributors with
/// round-robin filtering, parallel listeners) and Pathway server classes from scenario files,
/// and reports latency, throughput, hops and processor utilisation with plots.
#[derive(Debug, Parser)]
#[command(name = "nssim", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario and write its summary, CSV files and plots.
    #[command(
        after_help = "Example:\n  nssim run scenarios/fig-3-3-distributor.toml --seed 7 \
                           --set workload.rate=12000/s\n\nWrites output/<scenario name>/ unless --out is given."
    )]
    Run(RunArgs),
    /// Run several scenarios, or one at several settings, with the same seed and compare them
    /// side by side.
    #[command(after_help = "Examples:\n  \
        nssim compare scenarios/fig-3-3-distributor.toml scenarios/tcpipv6-distributor.toml \
        scenarios/parallel-listener.toml\n  \
        nssim compare scenarios/fig-3-3-distributor.toml \
        'scenarios/fig-3-3-distributor.toml[workload.rate=20000/s]' \
        'scenarios/fig-3-3-distributor.toml[workload.rate=20000/s,run.duration=30s]'\n\n\
        Overrides in brackets after a file apply to that scenario only, after every --set. \
        Each run is labelled with its scenario name and the overridden key paths and values \
        (fig-3-3-distributor[workload.rate=20000/s]), or by --label (one per scenario, in \
        order), in the table, CSV, JSON and plots; labels must differ. The CSVs carry each \
        overridden key as a parameter_<key> column. Quote such arguments in the shell.\n\n\
        Writes output/compare/ (comparison.csv, comparison.json, plots) and one folder per \
        run inside it, named by its label with every run of characters a shell would need \
        quoted written '_' (at most 80 characters, the longer ones ending in a hash of the \
        label), unless --out is given.")]
    Compare(CompareArgs),
    /// Validate a scenario file without running it; reports every problem found.
    #[command(
        after_help = "Examples:\n  nssim check scenarios/parallel-listener.toml\n  \
        nssim check --quiet scenarios/*.toml   # only warnings and errors"
    )]
    Check(CheckCommand),
    /// Print each route's path leg by leg, the CPU per request and the operational bounds
    /// (processors, PIFs, processes, server pools, links; bottleneck, throughput ceiling)
    /// without running.
    #[command(
        after_help = "Examples:\n  nssim explain scenarios/fig-3-3-distributor.toml\n  \
        nssim explain scenarios/parallel-listener.toml --down 3   # N-1: with processor 3 down\n  \
        nssim explain scenarios/clim-failover.toml --down clim:C1002531   # its interfaces on the other CLIM\n  \
        nssim explain scenarios/adapter-failover.toml --down pif:G4SA0.0.A --down 3   # several at once"
    )]
    Explain(ExplainArgs),
    /// Find the first event at which two runs differ: two scenarios (each optionally with its
    /// own overrides, as for compare), or two trajectory.csv files written by
    /// `run --trace-hash`.
    #[command(after_help = "Examples:\n  \
        nssim diverge scenarios/fig-3-3-distributor.toml \
        'scenarios/fig-3-3-distributor.toml[listener[0].backlog=64]' --set run.duration=1s\n  \
        nssim diverge old/trajectory.csv new/trajectory.csv\n\n\
        Exit status 0 when the trajectories are identical, 1 when they differ, 2 on bad \
        input. Two scenarios are each run three times (fingerprint, then the window of \
        65,536 events where they part, described); two files name that window only.")]
    Diverge(DivergeArgs),
    /// Run scenarios at every point of a parameter grid, with replications, and find each
    /// curve's knees.
    #[command(after_help = "Examples:\n  \
        nssim sweep scenarios/fig-3-3-distributor.toml scenarios/parallel-listener.toml \
        --param workload.rate=10000/s..30000/s:step=2500/s --replications 3 --p99-limit 50ms\n  \
        nssim sweep scenarios/parallel-listener.toml --param workload.rate=10000/s,20000/s \
        --param system.processors=4,6 --shard 0/2 --out out/shard0\n\n\
        Writes output/sweep/ (sweep.csv, sweep.json, sweep-runs.json, plots) unless --out is \
        given. With --shard I/N, runs every N-th run from the I-th and writes only \
        sweep-runs.json; `nssim merge` combines the shards' folders.")]
    Sweep(SweepArgs),
    /// Find the highest offered load that meets a service-level objective (or, with --vary
    /// and --rate, the least processors or cheapest processor type that meets it).
    #[command(after_help = "Examples:\n  \
        nssim capacity scenarios/fig-3-3-distributor.toml scenarios/parallel-listener.toml \
        --slo 'p99<50ms'\n  \
        nssim capacity scenarios/parallel-listener.toml --slo 'p99<20ms,failed<0.1%' --down busiest\n  \
        nssim capacity scenarios/parallel-listener.toml --slo 'p99<20ms' \
        --vary system.processors=4..8 --rate 20000/s\n\n\
        Writes output/capacity/ (capacity.csv, capacity.json, capacity-runs.json) unless --out \
        is given. A load search is sequential: --shard I/N then shares out the scenarios; \
        with --vary it shares out the (scenario, value) trials.")]
    Capacity(CapacityArgs),
    /// Combine the folders of the shards of one sweep or capacity command into the outputs
    /// one unsharded run writes.
    #[command(after_help = "Example:\n  nssim merge out/shard0 out/shard1 --out out/sweep")]
    Merge(MergeArgs),
    /// Measure nssim against a hand-written event loop run in the same invocation: requests/s,
    /// events/s, events per request and peak RSS, as ratios (see benches/README.md).
    #[command(
        after_help = "Examples:\n  nssim bench\n  nssim bench --quick --out /tmp/bench\n  \
        nssim bench --only fig-3-3 --runs 3\n\n\
        Run from the repository's root (it reads scenarios/). Each workload runs in a child \
        process of its own, nssim and the reference alike; times are CPU times. Writes \
        output/bench/bench.json unless --out is given."
    )]
    Bench(BenchArgs),
    /// One bench measurement in this process, printed as a JSON line (what `bench` spawns).
    #[command(hide = true)]
    BenchChild(BenchChildArgs),
}

/// `nssim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Every workload at 2,000 requests instead of 1,000,000 (the test suite's mode: event
    /// counts are meaningful, times are not).
    #[arg(long)]
    pub quick: bool,
    /// Children per workload and engine; the one with the least CPU time is kept.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,
    /// Only the workloads whose name contains this (`mm4`, `closed`, `fig-3-3`, ...).
    #[arg(long, value_name = "TEXT")]
    pub only: Option<String>,
    /// Folder of the shipped scenarios, workload group (c).
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Output folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Options shared by `sweep` and `capacity`.
#[derive(Debug, Args)]
pub struct CampaignOptions {
    /// Worker threads (default: the available cores). Outputs do not depend on it.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Do only share I (from 0) of N of the plan, e.g. `--shard 0/4`; combine the shards'
    /// folders with `nssim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// `nssim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario files, each optionally followed by its own overrides in brackets (as for
    /// compare).
    #[arg(required = true, num_args = 1.., value_name = "SCENARIO[OVERRIDES]")]
    pub scenarios: Vec<String>,
    /// A swept field: `key.path=A..B:step=S` (`workload.rate=10000/s..30000/s:step=2500/s`;
    /// without `:step=` the step is 1) or a list `key.path=a,b,c`. Several give their
    /// Cartesian product.
    #[arg(long = "param", required = true, value_name = "KEY.PATH=RANGE|LIST")]
    pub params: Vec<String>,
    /// Replications per point (at least 2 for intervals).
    #[arg(long, value_name = "R", default_value_t = 3)]
    pub replications: u32,
    /// The p99 latency limit of `knee_p99`, a duration (`50ms`).
    #[arg(long, value_name = "DURATION")]
    pub p99_limit: Option<String>,
    /// Seed, overrides and output folder.
    #[command(flatten)]
    pub options: SimOptions,
    /// Workers and shard.
    #[command(flatten)]
    pub campaign: CampaignOptions,
}

/// `nssim capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Scenario files, each optionally followed by its own overrides in brackets.
    #[arg(required = true, num_args = 1.., value_name = "SCENARIO[OVERRIDES]")]
    pub scenarios: Vec<String>,
    /// Objectives, all to be met: `mean<D`, `p99<D`, `p999<D` (D a duration) and
    /// `failed<P%`, separated by commas or given several times.
    #[arg(long, required = true, value_name = "OBJECTIVES")]
    pub slo: Vec<String>,
    /// The initial bracket of the load search, `LO..HI` in requests/s (`5000/s..40000/s`);
    /// default 0 to the throughput ceiling `nssim explain` gives.
    #[arg(long, value_name = "LO..HI")]
    pub range: Option<String>,
    /// With processor N (or the busiest one) failed at the end of the warm-up: capacity at
    /// N-1 processors.
    #[arg(long, value_name = "busiest|N")]
    pub down: Option<String>,
    /// Turn the question round: the first of these values (least count, cheapest type,
    /// listed first) that meets the objectives at --rate, e.g. `system.processors=4..16` or
    /// `system.processor_type=NS16000,NS7 X1,NS8`. Further --vary options give values that go
    /// with the first one's, value by value (same count), such as the `cpus` lists that match
    /// each processor count: `--vary 'server_class[0].cpus=[0,1,2,3],[0,1,2,3,4]'`.
    #[arg(long, value_name = "KEY.PATH=RANGE|LIST", requires = "rate")]
    pub vary: Vec<String>,
    /// The offered load of --vary (`40000/s`).
    #[arg(long, value_name = "RATE", requires = "vary")]
    pub rate: Option<String>,
    /// Replications each trial starts with (at least 2).
    #[arg(long, value_name = "R", default_value_t = 3)]
    pub replications: u32,
    /// Replications an undecided trial may grow to.
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub max_replications: u32,
    /// Seed, overrides and output folder.
    #[command(flatten)]
    pub options: SimOptions,
    /// Workers and shard.
    #[command(flatten)]
    pub campaign: CampaignOptions,
}

/// `nssim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true, num_args = 1.., value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output folder (default output/sweep or output/capacity).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `nssim bench-child` (hidden).
#[derive(Debug, Args)]
pub struct BenchChildArgs {
    /// `nssim` or `reference`.
    pub engine: String,
    /// `mm4`, `closed-N` or a scenario file.
    pub workload: String,
    /// Requests to run.
    pub requests: u64,
}

/// Options shared by `run` and `compare`.
#[derive(Debug, Args)]
pub struct SimOptions {
    /// Master seed, overriding the scenario's `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario field before validation, e.g. `--set workload.rate=12000/s` or
    /// `--set listener[0].processors=[0,1]`. May be repeated.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// Add a fault without editing the file, e.g. `--fault processor_down=3@10s` (a
    /// `[[fault]]` with `at = "10s"` and `processor_down = 3`). May be repeated.
    #[arg(long = "fault", value_name = "ACTION=VALUE@AT")]
    pub fault: Vec<String>,
    /// Output folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Warm-up, overriding the scenario's `run.warmup`, written as in the file: a duration
    /// (`5s`) or a request count (`"1000 requests"`: statistics restart after the 1000th
    /// completion). A bare number is an error, as in the file.
    #[arg(long, value_name = "DURATION|COUNT")]
    pub warmup: Option<String>,
}

impl SimOptions {
    /// The `--set` overrides, then `--warmup` written as the `run.warmup` override, then the
    /// `--fault` arguments.
    pub fn sets(&self) -> Vec<String> {
        let mut set = self.set.clone();
        set.extend(self.warmup_set());
        set.extend(
            self.fault
                .iter()
                .map(|f| format!("{}{f}", crate::scenario::FAULT_PREFIX)),
        );
        set
    }

    /// `--warmup` as the override it stands for.
    fn warmup_set(&self) -> Option<String> {
        let w = self.warmup.as_ref()?;
        Some(format!(
            "run.warmup=\"{}\"",
            w.trim().replace(['"', '\\'], "")
        ))
    }

    /// `failure` with the override that `--warmup` stands for named as the user typed it.
    pub fn name_warmup(&self, failure: super::Failure) -> super::Failure {
        match (failure, self.warmup_set(), &self.warmup) {
            (super::Failure::Usage(m), Some(set), Some(typed)) => super::Failure::Usage(
                m.replace(&format!("--set {set}:"), &format!("--warmup {typed}:")),
            ),
            (f, _, _) => f,
        }
    }
}

/// Replications, precision target and workers, shared by `run` and `compare`.
#[derive(Debug, Args, Default)]
pub struct ExperimentOptions {
    /// Independent replications per scenario, each on streams derived from the master seed and
    /// its number (replication 1 uses the master seed itself). Every metric is then reported
    /// as mean and 95 % Student-t half-width, and `compare` adds paired differences.
    #[arg(long, value_name = "R")]
    pub replications: Option<u32>,
    /// Rerun replication K alone (1 = the master seed), writing the outputs of a single run
    /// and its row of `replications.csv`.
    #[arg(long, value_name = "K", conflicts_with_all = ["replications", "precision"])]
    pub replication: Option<u32>,
    /// Add replications in rounds until the relative 95 % half-width of the precision metrics
    /// is at most this fraction of the mean (0.02 = 2 %); needs --max-replications.
    #[arg(long, value_name = "FRACTION", requires = "max_replications")]
    pub precision: Option<f64>,
    /// Metric the precision target applies to (a `comparison.csv` name); may be repeated.
    /// Default: latency_ms_mean and throughput_per_s.
    #[arg(
        long = "precision-metric",
        value_name = "METRIC",
        requires = "precision"
    )]
    pub precision_metric: Vec<String>,
    /// The most replications per scenario a precision target may use.
    #[arg(long, value_name = "N", requires = "precision")]
    pub max_replications: Option<u32>,
    /// Worker threads, each running one single-threaded simulation at a time (default: the
    /// available cores). Outputs do not depend on it.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// When to draw the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressWhen {
    /// On a terminal (stderr), not in a pipe or a log file.
    #[default]
    Auto,
    /// Always, even off a terminal.
    Always,
    /// Never.
    Never,
}

/// What `run` and `compare` tell on stderr while they work.
#[derive(Debug, Args, Default)]
pub struct ProgressOptions {
    /// Progress bar on stderr (virtual time, runs and replications done, ETA): `auto` draws it
    /// on a terminal only. Outputs do not depend on it.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressWhen::Auto)]
    pub progress: ProgressWhen,
    /// No progress bar, no starting line and no closing events/s line on stderr; warnings and
    /// errors still show. Outputs do not depend on it.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `nssim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Seed, overrides and output folder.
    #[command(flatten)]
    pub options: SimOptions,
    /// Also report a batch-means 95 % interval of the mean response time over this one run
    /// (batch size and lag-1 autocorrelation of the batch means alongside), flagged when it
    /// is too narrow to trust: batch means still correlated at 10 batches, or fewer than 100
    /// spans of 4 / (1 - u)^2 completions at the busiest resource's utilisation u.
    #[arg(long)]
    pub batch_means: bool,
    /// Replications and workers.
    #[command(flatten)]
    pub experiment: ExperimentOptions,
    /// Progress on stderr.
    #[command(flatten)]
    pub progress: ProgressOptions,
    /// Write a request trace to FILE (CSV): one line per stage of every N-th request
    /// (`--trace-every`), with when it began, how long it took and where the request was.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Follow every N-th request in the trace (1 follows them all).
    #[arg(long, value_name = "N", default_value_t = 100, requires = "trace",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub trace_every: u64,
    /// Print the hash of the event trajectory and write its checkpoints to trajectory.csv
    /// in the output folder (compare two with `nssim diverge`).
    #[arg(long)]
    pub trace_hash: bool,
    /// Label of the run in its outputs (`scenario` in the CSVs and summary.json), instead of
    /// the scenario's name; the default output folder is output/<label made safe for a shell>.
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
    /// Also report throughput, failures and latency percentiles over this span of simulated
    /// time, e.g. `--window 8s..14s` (the peak of a rate profile): FROM before TO, inside the
    /// run (duration + drain), FROM not before a warm-up given as a duration.
    #[arg(long, value_name = "FROM..TO")]
    pub window: Option<String>,
}

/// `nssim diverge`.
#[derive(Debug, Args)]
pub struct DivergeArgs {
    /// Two runs: scenario files, each optionally followed by `[key.path=value,...]`, or two
    /// trajectory.csv files.
    #[arg(required = true, num_args = 2, value_name = "RUN")]
    pub runs: Vec<String>,
    /// Master seed for both scenarios, overriding their `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a field of both scenarios (before each one's own overrides). May be repeated.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

/// `nssim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML), at least two, each optionally followed by its own overrides:
    /// `FILE[key.path=value,key.path=value]`.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO[OVERRIDES]")]
    pub scenarios: Vec<String>,
    /// Label of each scenario argument, in order (give one per scenario, or none): shown
    /// instead of `name[key.path=value,...]`; output folders are the labels made safe for a
    /// shell.
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,
    /// Also report throughput, failures and latency percentiles over this span of simulated
    /// time in every scenario, e.g. `--window 8s..14s` (see `run --window`).
    #[arg(long, value_name = "FROM..TO")]
    pub window: Option<String>,
    /// Seed, overrides (applied to every scenario, before its own) and output folder.
    #[command(flatten)]
    pub options: SimOptions,
    /// Replications and workers.
    #[command(flatten)]
    pub experiment: ExperimentOptions,
    /// Progress on stderr.
    #[command(flatten)]
    pub progress: ProgressOptions,
}

/// `nssim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Overrides to apply before validating, as for `run`.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// Faults to add before validating, as for `run`.
    #[arg(long = "fault", value_name = "ACTION=VALUE@AT")]
    pub fault: Vec<String>,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckCommand {
    /// The scenario and its overrides.
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print only warnings and errors (on stderr), not the `ok` line and its faults; the exit
    /// code is the same.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The scenario and its overrides.
    #[command(flatten)]
    pub check: CheckArgs,
    /// Explain the steady state with this failed, after takeovers and failovers: a processor
    /// (`3`: its pairs taken over, AUTORESTART done), a PIF (`pif:NAME`: its addresses on its
    /// failover partner) or a CLIM (`clim:NAME`: its interfaces on their partners). May be
    /// repeated for several at once. The capacity at N-1.
    #[arg(long, value_name = "N|pif:NAME|clim:NAME")]
    pub down: Vec<String>,
}

impl CheckArgs {
    /// The `--set` overrides, then the `--fault` arguments.
    pub fn sets(&self) -> Vec<String> {
        let mut set = self.set.clone();
        set.extend(
            self.fault
                .iter()
                .map(|f| format!("{}{f}", crate::scenario::FAULT_PREFIX)),
        );
        set
    }
}
