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
    let files = fixtures(&repo("tests/data/invalid"));
    assert!(files.len() >= 90, "{} fixtures", files.len());
    let mut wrong = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let got = match scenario::load(&path, &[]) {
            Ok(_) => "(no problem)\n".to_string(),
            Err(e) => format!("{e}\n").replace(&path.display().to_string(), &name),
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
