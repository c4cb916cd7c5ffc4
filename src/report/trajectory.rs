//! `trajectory.csv`: a run's trajectory checkpoints, written by `nssim run --trace-hash` and
//! read back by `nssim diverge` to compare runs made by different builds or machines.
//!
//! Columns `kind,events,time_ns,hash`: one `checkpoint` row per `Trajectory::EVERY` events
//! (events handled so far, time of the last, hash over all of them, 16 hex digits), then one
//! `end` row for the whole run.

use crate::engine::{Checkpoint, SimTime, Trajectory};

/// The file's text.
pub fn trajectory_csv(t: &Trajectory) -> String {
    let mut out = String::from("kind,events,time_ns,hash\n");
    let row =
        |kind: &str, c: &Checkpoint| format!("{kind},{},{},{:016x}\n", c.events, c.at.0, c.hash);
    for c in &t.checkpoints {
        out.push_str(&row("checkpoint", c));
    }
    out.push_str(&row("end", &t.checkpoint()));
    out
}

/// Checkpoints and end state read back from [`trajectory_csv`]'s text; the error names the
/// line.
pub fn parse_trajectory_csv(text: &str) -> Result<(Vec<Checkpoint>, Checkpoint), String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "kind,events,time_ns,hash")) => {}
        _ => return Err("line 1: expected the header 'kind,events,time_ns,hash'".into()),
    }
    let mut checkpoints = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        let f: Vec<&str> = line.split(',').collect();
        let parsed = match f.as_slice() {
            [kind, events, at, hash] => events
                .parse::<u64>()
                .ok()
                .zip(at.parse::<u64>().ok())
                .zip(u64::from_str_radix(hash, 16).ok())
                .map(|((events, at), hash)| {
                    (
                        *kind,
                        Checkpoint {
                            events,
                            at: SimTime(at),
                            hash,
                        },
                    )
                }),
            _ => None,
        };
        match parsed {
            Some(("checkpoint", c)) => checkpoints.push(c),
            Some(("end", c)) => return Ok((checkpoints, c)),
            _ => {
                return Err(format!(
                    "line {n}: expected 'checkpoint' or 'end', an event count, a time in ns and a hex hash"
                ));
            }
        }
    }
    Err("no 'end' row: the file is cut short".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_back_as_written() {
        let mut t = Trajectory::new(2);
        for i in 0..5u64 {
            t.observe(SimTime(i * 10), &i);
        }
        let text = trajectory_csv(&t);
        assert_eq!(text.lines().count(), 1 + 2 + 1);
        let (cps, end) = parse_trajectory_csv(&text).unwrap();
        assert_eq!(cps, t.checkpoints);
        assert_eq!(end, t.checkpoint());
        assert!(parse_trajectory_csv(&text[..text.len() - 30]).is_err());
        let bad = text.replace("checkpoint,2", "checkpoint,x");
        assert_eq!(
            parse_trajectory_csv(&bad).unwrap_err(),
            "line 2: expected 'checkpoint' or 'end', an event count, a time in ns and a hex hash"
        );
    }
}
