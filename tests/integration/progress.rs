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
    for command in [
        vec!["run", SHIPPED[0], "--replications", "3"],
        vec!["compare", SHIPPED[1], SHIPPED[2]],
    ] {
        let drawn = tmp.path().join(format!("{}-always", command[0]));
        let quiet = tmp.path().join(format!("{}-quiet", command[0]));
        let mut args = command.clone();
        args.push("--progress=always");
        let (stdout_a, stderr_a) = nssim(&args, &drawn);
        let mut args = command.clone();
        args.push("--quiet");
        let (stdout_q, stderr_q) = nssim(&args, &quiet);

        // Drawn even off a terminal: runs done of runs planned, virtual time, ETA.
        assert!(
            stderr_a.contains("runs, virtual time") && stderr_a.contains("ETA"),
            "{stderr_a}"
        );
        let runs = if command[0] == "run" {
            "3/3 runs"
        } else {
            "2/2 runs"
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
                .filter(|l| !l.starts_with("wrote "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(table(&stdout_a), table(&stdout_q));
        assert!(!stdout_a.contains("events/s"));
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
