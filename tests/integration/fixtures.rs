//! The scenario fixtures: every file in `tests/data/valid/` loads; every file in
//! `tests/data/invalid/` fails with exactly the messages in the `.expected` file beside it (one
//! problem per line, the origin written as the bare file name).
//!
//! To add a case, write `tests/data/invalid/<name>.toml` and run this test with
//! `FIXTURE_UPDATE=1`: it writes the `.expected` file, which is then reviewed as a diff.

use std::path::Path;

use nssim::scenario;

use crate::repo;

/// The `.toml` files of a fixture folder, sorted.
fn fixtures(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_valid_fixture_loads() {
    let files = fixtures(&repo("tests/data/valid"));
    assert!(files.len() >= 4);
    for path in files {
        if let Err(e) = scenario::load(&path, &[]) {
            panic!("{}:\n{e}", path.display());
        }
    }
}

#[test]
fn every_invalid_fixture_gives_its_expected_messages() {
    let update = std::env::var_os("FIXTURE_UPDATE").is_some();
    let dir = repo("tests/data/invalid");
    let files = fixtures(&dir);
    assert!(files.len() >= 90, "{} fixtures", files.len());
    let mut wrong = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let got = match scenario::load(&path, &[]) {
            Ok(_) => "(no problem)\n".to_string(),
            // Origins relative to the folder, so base files of an `extends` read short too.
            Err(e) => format!("{e}\n").replace(&format!("{}/", dir.display()), ""),
        };
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).expect("write the expected messages");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            wrong.push(format!(
                "{name}\n--- expected ({})\n{expected}--- got\n{got}",
                expected_path.display()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} fixture(s) differ (FIXTURE_UPDATE=1 rewrites them):\n\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn extends_merges_tables_key_by_key() {
    let base = scenario::load(&repo("tests/data/valid/distributor.toml"), &[]).unwrap();
    let s = scenario::load(&repo("tests/data/valid/extends-distributor.toml"), &[]).unwrap();
    assert_eq!(s.name, "distributor-fast");
    // [run]: duration replaced, warmup kept from the base.
    assert_eq!(s.run.duration, nssim::engine::SimDuration::from_secs(20));
    assert_eq!(s.run.warmup, base.run.warmup);
    // [workload]: rate replaced (12000/s: mean inter-arrival 83.333 us), the mix kept.
    let w = s.workload.as_ref().unwrap();
    assert_eq!(
        w.arrivals,
        scenario::Arrivals::Open {
            interarrival: scenario::Dist::Exponential {
                mean: nssim::engine::SimDuration::from_nanos(83_333)
            }
        }
    );
    assert_eq!(w.mix, base.workload.as_ref().unwrap().mix);
    // Everything else as in the base.
    assert_eq!(s.listeners, base.listeners);
    assert_eq!(s.server_classes, base.server_classes);
}

#[test]
fn extends_replaces_arrays_of_tables_and_overrides_apply_on_top() {
    // slow-servers.toml replaces the base's two [[server_class]] with one; `--set` then fixes
    // its mean, and the extending file's problems remain.
    let err = scenario::load(
        &repo("tests/data/invalid/extends-base-value.toml"),
        &["server_class[0].service.mean=120us".to_string()],
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(err.problems[0].field, "run.warmup");
    let s = scenario::load(
        &repo("tests/data/invalid/extends-base-value.toml"),
        &[
            "server_class[0].service.mean=120us".to_string(),
            "run.warmup=1s".to_string(),
        ],
    )
    .unwrap();
    assert_eq!(s.server_classes.len(), 1);
    assert_eq!(s.run.duration, nssim::engine::SimDuration::from_secs(5));
}
