//! Issue 17 item 6 (and issue 19 item 16): progress on stderr for `run`, `compare` and their
//! replications. The outputs are the same bytes whatever is shown; the bar and the closing
//! events/s line go to stderr only.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use crate::{SHIPPED, repo};

/// Runs nssim with `args` into `out`; returns (stdout, stderr).
fn nssim(args: &[&str], out: &Path) -> (String, String) {
    let o = Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(args)
        .args([
            "--set",
            "run.duration=1s",
            "--set",
            "run.warmup=200ms",
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// Every file written (from the folder's list) but the run manifest, which holds wall times.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fs::read_to_string(dir.join(".nssim-written"))
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with('/') && !l.ends_with("manifest.json"))
        .map(|l| (l.to_string(), fs::read(dir.join(l)).unwrap()))
        .collect()
}

#[test]
fn outputs_are_the_same_bytes_with_the_bar_drawn_or_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    // With the bar drawn, every run stops at each sample interval to report its virtual
    // time (issue 17 item 6); quiet, it runs straight through. The bytes must not differ.
    for command in [
        vec!["run", SHIPPED[0], "--replications", "3"],
        vec!["run", SHIPPED[1]],
        vec!["compare", SHIPPED[1], SHIPPED[2]],
    ] {
        let drawn = tmp
            .path()
            .join(format!("{}-{}-always", command[0], command.len()));
        let quiet = tmp
            .path()
            .join(format!("{}-{}-quiet", command[0], command.len()));
        let mut args = command.clone();
        args.push("--progress=always");
        let (stdout_a, stderr_a) = nssim(&args, &drawn);
        let mut args = command.clone();
        args.push("--quiet");
        let (stdout_q, stderr_q) = nssim(&args, &quiet);

        // Drawn even off a terminal: runs done of runs planned, virtual time, ETA.
        assert!(
            stderr_a.contains("run, virtual time") || stderr_a.contains("runs, virtual time"),
            "{stderr_a}"
        );
        assert!(stderr_a.contains("ETA"), "{stderr_a}");
        let runs = match command.len() {
            2 => "one run, virtual time",
            4 => "3/3 runs",
            _ => "2/2 runs",
        };
        assert!(stderr_a.contains(runs), "{stderr_a}");
        // The closing line: events and events/s, on stderr.
        let closing = stderr_a
            .lines()
            .flat_map(|l| l.split('\r'))
            .find(|l| l.contains("events in") && l.contains("events/s"))
            .unwrap_or_else(|| panic!("no events/s line: {stderr_a}"));
        assert!(closing.contains("nssim: "), "{closing}");
        // --quiet: nothing but warnings (none here).
        assert!(!stderr_q.contains("nssim:"), "{stderr_q}");
        assert!(!stderr_q.contains("runs,"), "{stderr_q}");
        // Same results table (less the folder named last), same files byte for byte, and no wall clock in them.
        let table = |s: &str| -> String {
            s.lines()
                // A single run's table gives its wall time on the `events` line.
                .filter(|l| !l.starts_with("wrote ") && !l.starts_with("events "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(table(&stdout_a), table(&stdout_q));
        assert!(!stdout_a.contains(" events/s on "));
        let (a, q) = (outputs(&drawn), outputs(&quiet));
        assert!(a.len() > 5);
        assert_eq!(
            a.iter().map(|f| &f.0).collect::<Vec<_>>(),
            q.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for ((name, x), (_, y)) in a.iter().zip(&q) {
            assert!(
                x == y,
                "{name} differs between --progress=always and --quiet"
            );
            let text = String::from_utf8_lossy(x);
            assert!(
                !text.contains(" events/s on "),
                "{name} holds the stderr line"
            );
        }
    }
}

#[test]
fn off_a_terminal_the_bar_is_not_drawn_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    // Tests run with stderr in a pipe: `auto` draws nothing, the closing line still shows.
    let (_, stderr) = nssim(&["run", SHIPPED[2]], &tmp.path().join("auto"));
    assert!(!stderr.contains("runs,"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr}");
    assert!(stderr.contains("events/s"), "{stderr}");
    let (_, stderr) = nssim(
        &["run", SHIPPED[2], "--progress", "never"],
        &tmp.path().join("never"),
    );
    assert!(!stderr.contains("runs,"), "{stderr}");
}

#[test]
fn a_single_run_shows_its_virtual_time_as_it_goes() {
    let tmp = tempfile::tempdir().unwrap();
    // 40 s of Figure 3-3 at 15,000/s take a few wall seconds: the bar, redrawn five times a
    // second, shows the run part way, with an ETA from the pace so far.
    let o = Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args([
            "run",
            SHIPPED[0],
            "--progress=always",
            "--set",
            "run.duration=40s",
        ])
        .arg("--out")
        .arg(tmp.path().join("long"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(o.status.success(), "{stderr}");
    // "one run, virtual time 12.5 s of 50.0 s, ETA 3.1 s": some redraw between 0 and the end.
    let part_way = stderr
        .split(['\r', '\n'])
        .filter_map(|l| l.split("one run, virtual time ").nth(1))
        .filter_map(|rest| {
            let (done, rest) = rest.split_once(" s of ")?;
            let (planned, eta) = rest.split_once(" s, ETA ")?;
            Some((
                done.parse::<f64>().ok()?,
                planned.parse::<f64>().ok()?,
                eta.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
            ))
        })
        .find(|&(done, planned, _)| done > 0.0 && done < planned);
    let (_, planned, eta) = part_way.unwrap_or_else(|| panic!("no redraw part way: {stderr}"));
    assert_eq!(planned, 50.0, "40 s and the 10 s drain");
    assert!(eta.ends_with(" s") || eta.ends_with(" min"), "{eta}");
}
