//! A seeded mutation fuzzer over the shipped scenarios: whatever a file says, `check` answers
//! with problems or a scenario, and a valid scenario runs to its end. No panic, no abort, no
//! hang (issue 7, "never a panic").
//!
//! Each case takes a shipped scenario and applies one to three mutations: a number set to an
//! extreme (0, -1, 1e300, u64::MAX, NaN, inf, ...), a quantity's unit swapped or its number made
//! extreme, a line dropped, duplicated or swapped with another, the text truncated, a value's
//! type swapped (a table for a number, an array for a table, ...), a stray byte. It runs the
//! scenario check in-process (`nssim::scenario::parse_str`) and, when the mutant is valid,
//! `model::simulate` with `run.max_requests=200`, a 20 ms run and a 20 ms drain.
//!
//! Guards: every case runs under `catch_unwind` on a worker thread, and the test fails if one
//! case takes longer than [`CASE_DEADLINE`] (a hang) or a run handles more than [`EVENT_BUDGET`]
//! events. Before each case the worker writes its text to `$TMPDIR/nssim-fuzz-last-case.toml`,
//! so even an abort (which no test can catch) leaves the culprit on disk.
//!
//! Reproduce: `NSSIM_FUZZ_SEED=<seed> cargo test --release --test integration fuzz` (the seed is
//! printed on failure); `NSSIM_FUZZ_CASES=<n>` changes the number of cases (default 20,000).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nssim::model::simulate;
use nssim::scenario;

use crate::repo;

/// Cases in a default run.
const CASES: u64 = 20_000;
/// Seed of a default run (any other may be given through `NSSIM_FUZZ_SEED`).
const SEED: u64 = 0x7e57_5eed_0007;
/// One case (check plus run) must finish within this wall time.
const CASE_DEADLINE: Duration = Duration::from_secs(20);
/// A 40 ms run of at most 200 requests needs far fewer events than this.
const EVENT_BUDGET: u64 = 2_000_000;

/// What every valid mutant is run with: few requests, a short run.
const RUN_OVERRIDES: [&str; 4] = [
    "run.max_requests=200",
    "run.duration=20ms",
    "run.warmup=0s",
    "run.drain=20ms",
];

/// SplitMix64: small, seedable, ours (no dependency can change the cases).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "1e300",
    "-1e300",
    "18446744073709551615",
    "4294967296",
    "9223372036854775807",
    "nan",
    "inf",
    "-inf",
    "0.0",
    "1e-300",
    "\"NaN\"",
    "65536",
    "2147483648",
];

const EXTREME_QUANTITIES: &[&str] = &[
    "0",
    "-1",
    "1e300",
    "1e-300",
    "NaN",
    "inf",
    "1e19",
    "18446744073709551615",
    "0.5",
    "1e9",
];

const UNITS: &[&str] = &[
    "ns", "us", "ms", "s", "min", "h", "/s", "/ns", "/h", "b/s", "Gb/s", "Tb/s", "Kb/s", "GB/s",
    "", "sec",
];

const VALUES: &[&str] = &[
    "[6, 1]",
    "[]",
    "{}",
    "{ a = 1 }",
    "true",
    "\"x\"",
    "\"\"",
    "1979-05-27T07:32:00Z",
    "[[1]]",
    "{ dist = \"exponential\", mean = \"1e300h\" }",
    "{ dist = \"gamma\", mean = \"1h\", cv = 1e-300 }",
    "{ dist = \"lognormal\", mean = \"100h\", cv = 1e300 }",
    "{ dist = \"erlang\", mean = \"1ms\", k = 4294967295 }",
    "{ dist = \"uniform\", min = \"0s\", max = \"1e300h\" }",
];

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        // Truncated to nothing (or to a partial first line): only a stray byte can change it.
        return format!("{text}{}", rng.pick(&["=", "[", "x = 1", "\""]));
    }
    match rng.below(9) {
        // A number outside strings set to an extreme.
        0 | 1 => {
            let spans = number_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = *rng.pick(&spans);
            format!("{}{}{}", &text[..a], rng.pick(EXTREME_NUMBERS), &text[b..])
        }
        // A quantity string: its number made extreme or its unit swapped.
        2 | 3 => {
            let spans = quantity_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, split, b) = *rng.pick(&spans);
            if rng.below(2) == 0 {
                format!(
                    "{}{}{}",
                    &text[..a],
                    rng.pick(EXTREME_QUANTITIES),
                    &text[split..]
                )
            } else {
                format!("{}{}{}", &text[..split], rng.pick(UNITS), &text[b..])
            }
        }
        // A line dropped, duplicated, or two swapped.
        4 => {
            let k = rng.below(lines.len());
            join(
                lines
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != k)
                    .map(|(_, l)| *l),
            )
        }
        5 => {
            let k = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, lines[k]);
            join(out.into_iter())
        }
        6 => {
            let mut out = lines.clone();
            let (i, j) = (rng.below(out.len()), rng.below(out.len()));
            out.swap(i, j);
            join(out.into_iter())
        }
        // Truncated anywhere (at a character boundary), or a stray byte.
        7 => {
            if rng.below(2) == 0 {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text[..at].to_string()
            } else {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let stray = *rng.pick(&["[", "]", "\"", "=", "\n", "{", "#", "\\", "\u{0}", "é"]);
                format!("{}{stray}{}", &text[..at], &text[at..])
            }
        }
        // A value's type swapped.
        _ => {
            let assignments: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains(" = "))
                .collect();
            if assignments.is_empty() {
                return text.to_string();
            }
            let k = *rng.pick(&assignments);
            let key = lines[k].split(" = ").next().unwrap_or("x");
            let replaced = format!("{key} = {}", rng.pick(VALUES));
            join(
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| if i == k { replaced.as_str() } else { l }),
            )
        }
    }
}

fn join<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Byte spans of bare numbers (outside strings and comments).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let (mut i, mut in_string, mut in_comment) = (0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_comment {
            in_comment = b != b'\n';
        } else if in_string {
            in_string = b != b'"';
        } else if b == b'"' {
            in_string = true;
        } else if b == b'#' {
            in_comment = true;
        } else if b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            spans.push((start, i));
            continue;
        }
        i += 1;
    }
    spans
}

/// Spans of quoted quantities such as `"250us"`: (number start, unit start, closing quote).
fn quantity_spans(text: &str) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i + 1;
            let Some(len) = text[start..].find('"') else {
                break;
            };
            let end = start + len;
            let inner = &text[start..end];
            let digits = inner
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(inner.len());
            if digits > 0 && digits < inner.len() && !inner.contains(' ') {
                spans.push((start, start + digits, end));
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    spans
}

/// What one case did.
enum Outcome {
    Rejected,
    Ran,
    Panicked(String),
    OverBudget(u64),
}

/// Checks `text` and, when valid, runs it shortened.
fn run_case(text: &str, origin: &str) -> Outcome {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if scenario::parse_str(text, origin, &[]).is_err() {
            return Outcome::Rejected;
        }
        let sets: Vec<String> = RUN_OVERRIDES.iter().map(|s| s.to_string()).collect();
        // Shortening may make it invalid (a sample interval longer than the run is fine, a
        // warm-up is reset); then there is nothing to run.
        let Ok(s) = scenario::parse_str(text, origin, &sets) else {
            return Outcome::Rejected;
        };
        let _ = scenario::warnings(&s);
        let r = simulate(&s);
        if r.events > EVENT_BUDGET {
            return Outcome::OverBudget(r.events);
        }
        Outcome::Ran
    }));
    result.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".to_string());
        Outcome::Panicked(message)
    })
}

/// The seed and case count, from the environment or the defaults.
fn settings() -> (u64, u64) {
    let parse = |name: &str| {
        std::env::var(name).ok().map(|v| {
            let v = v.trim();
            v.strip_prefix("0x")
                .map_or_else(|| v.parse(), |hex| u64::from_str_radix(hex, 16))
                .unwrap_or_else(|e| panic!("{name}={v}: {e}"))
        })
    };
    (
        parse("NSSIM_FUZZ_SEED").unwrap_or(SEED),
        parse("NSSIM_FUZZ_CASES").unwrap_or(CASES),
    )
}

#[test]
fn fuzz_mutated_shipped_scenarios_never_panic_abort_or_hang() {
    let (seed, cases) = settings();
    let mut corpus: Vec<(String, String)> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    corpus.sort();
    assert!(corpus.len() >= 5);

    // Caught panics are expected to be rare; keep their default report off the test output
    // only for the fuzz worker, so other tests' panics still print.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some("fuzz-worker") {
            default_hook(info);
        }
    }));

    let last_case = std::env::temp_dir().join("nssim-fuzz-last-case.toml");
    let (tx, rx) = mpsc::channel::<(u64, String, Outcome)>();
    let worker_corpus = corpus.clone();
    let worker_last = last_case.clone();
    let started = Instant::now();
    let worker = std::thread::Builder::new()
        .name("fuzz-worker".to_string())
        .spawn(move || {
            use std::io::{Seek, Write};
            // One handle, rewritten in place: opening a file per case would cost more than
            // most cases.
            let mut last = std::fs::File::create(&worker_last).ok();
            let mut rng = Rng(seed);
            for case in 0..cases {
                let (name, base) = rng.pick(&worker_corpus).clone();
                let mut text = base;
                for _ in 0..1 + rng.below(3) {
                    text = mutate(&text, &mut rng);
                }
                if let Some(f) = last.as_mut() {
                    let _ = f.set_len(0);
                    let _ = f.rewind();
                    let _ = write!(f, "# seed {seed:#x} case {case} from {name}\n{text}");
                }
                // Named as the shipped file, so that `extends` finds its base beside it.
                let origin = repo(&format!("scenarios/{name}"));
                let outcome = run_case(&text, &origin.to_string_lossy());
                let report = match outcome {
                    Outcome::Panicked(_) | Outcome::OverBudget(_) => text,
                    _ => String::new(),
                };
                if tx.send((case, report, outcome)).is_err() {
                    return;
                }
            }
        })
        .unwrap();

    let (mut rejected, mut ran, mut done) = (0u64, 0u64, 0u64);
    let mut failures = Vec::new();
    for expected in 0..cases {
        match rx.recv_timeout(CASE_DEADLINE) {
            Ok((case, text, outcome)) => {
                assert_eq!(case, expected);
                done += 1;
                match outcome {
                    Outcome::Rejected => rejected += 1,
                    Outcome::Ran => ran += 1,
                    Outcome::Panicked(message) => failures.push(format!(
                        "case {case}: panicked: {message}\n--- mutated text ---\n{text}"
                    )),
                    Outcome::OverBudget(events) => failures.push(format!(
                        "case {case}: {events} events, over the budget of {EVENT_BUDGET}\n--- mutated text ---\n{text}"
                    )),
                }
                if failures.len() >= 5 {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let text = std::fs::read_to_string(&last_case).unwrap_or_default();
                panic!(
                    "fuzz seed {seed:#x}: the fuzz worker died before case {expected} (a bug in the fuzzer's mutations, or an abort); reproduce with NSSIM_FUZZ_SEED={seed:#x}\n--- last case ---\n{text}"
                );
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let text = std::fs::read_to_string(&last_case).unwrap_or_default();
                panic!(
                    "fuzz seed {seed:#x}: case {expected} did not finish within {CASE_DEADLINE:?} (a hang); reproduce with NSSIM_FUZZ_SEED={seed:#x}\n--- mutated text ---\n{text}"
                );
            }
        }
    }
    drop(rx);
    let _ = worker.join();
    let _ = std::panic::take_hook();
    let elapsed = started.elapsed();
    eprintln!(
        "fuzz seed {seed:#x}: {done} of {cases} cases in {:.1} s: {rejected} rejected, {ran} ran",
        elapsed.as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "fuzz seed {seed:#x}: {} failure(s); reproduce with NSSIM_FUZZ_SEED={seed:#x}\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Both halves must be exercised, or the mutations drifted into uselessness. Mutants of a
    // scenario with faults are rejected by the short run (its faults fall after it), so the
    // bar is 5 % of the cases expected from the scenarios without faults.
    let faultless = corpus
        .iter()
        .filter(|(_, text)| !text.contains("[[fault]]"))
        .count() as u64;
    let expected = cases * faultless / corpus.len() as u64;
    assert!(
        ran >= expected / 20,
        "only {ran} of {cases} mutants were valid ({expected} from scenarios without faults)"
    );
    assert!(
        rejected >= cases / 20,
        "only {rejected} of {cases} mutants were rejected"
    );
}

/// Issue 19's hostile `--set` inputs: each is an answer (problems or a scenario), never a
/// panic or a stack overflow.
#[test]
fn issue_19_hostile_overrides_are_answered() {
    let deep_path = format!("{}=1", vec!["a"; 8100].join("."));
    let deep_value = format!("a={}1{}", "{a=".repeat(2000), "}".repeat(2000));
    let deep_array = format!("a={}1{}", "[".repeat(5000), "]".repeat(5000));
    let inputs = [
        deep_path.as_str(),
        deep_value.as_str(),
        deep_array.as_str(),
        r#"server_class[0].service={ dist = "lognormal", mean = "150us", cv = 2 }"#,
        "workload.mix={A=1}",
        "workload.mix={}",
        "workload={}",
        "system.cores=",
        "system=",
        "server_class[0]=",
        "server_class[9]=",
        "nothing=",
        "=",
        "=1",
        "foo.bar=1",
        "workload.rate=nan/s",
        "workload.rate=1/day",
        "workload.rate=-nan/s",
        "workload.rate=inf/s",
        "run.seed=\"18446744073709551615\"",
        "run.seed=\"18446744073709551616\"",
        "run.seed=-1",
        "server_class[0].maxservers=-1",
        "server_class[0].maxservers=5000",
        "run.duration=30",
        "run.warmup=\"5\"",
        r#"workload.reply_bytes={ dist = "uniform", min = "30KiB", max = "1KiB" }"#,
        "workload.rate",
    ];
    for rel in crate::SHIPPED {
        for input in inputs {
            let overrides = [input.to_string()];
            let _ = scenario::load(&repo(rel), &overrides);
        }
    }
}
