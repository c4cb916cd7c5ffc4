//! `nssim merge DIR...`: the shards of one `sweep` or `capacity` command combined into the
//! outputs one unsharded run writes, byte for byte (both are computed from the same figures,
//! kept without loss in each shard's `sweep-runs.json` or `capacity-runs.json`).
//!
//! Every folder is read and checked before anything is written: all must hold the same kind,
//! version and plan (fingerprint), split the same way, and together hold every shard once.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::campaign::{
    CAPACITY_RUNS, CapacityFile, SWEEP_RUNS, SweepFile, write_capacity, write_sweep,
};
use super::{Failure, MergeArgs, finish_outputs, prepare, print_out};
use crate::experiment::campaign::merge;
use crate::report;

/// Reads `dir/name` as a shard file, or says why not.
fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, String> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("error: could not read '{}': {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "error: '{}' is not a shard file of this nssim version: {e}",
            path.display()
        )
    })
}

pub(super) fn cmd_merge(a: &MergeArgs) -> Result<(), Failure> {
    let kind_of = |d: &PathBuf| {
        if d.join(SWEEP_RUNS).is_file() {
            Some("sweep")
        } else if d.join(CAPACITY_RUNS).is_file() {
            Some("capacity")
        } else {
            None
        }
    };
    let mut problems = Vec::new();
    for d in &a.dirs {
        if kind_of(d).is_none() {
            problems.push(format!(
                "error: '{}' holds neither {SWEEP_RUNS} nor {CAPACITY_RUNS}: give the output \
                 folders of `nssim sweep --shard` or `nssim capacity --shard`",
                d.display()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    let kind = kind_of(&a.dirs[0]).expect("checked above");
    if let Some(d) = a.dirs.iter().find(|d| kind_of(d) != Some(kind)) {
        return Err(Failure::Usage(format!(
            "error: '{}' and '{}' hold shards of different commands (sweep and capacity); merge \
             the shards of one command",
            a.dirs[0].display(),
            d.display()
        )));
    }
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("output/{kind}")));
    if kind == "sweep" {
        let files: Vec<(String, SweepFile)> = read_all(&a.dirs, SWEEP_RUNS)?;
        let whole =
            merge(&files, |p| p.fingerprint.clone()).map_err(|e| Failure::Usage(e.join("\n")))?;
        let outputs = prepare(&out, &[])?;
        let mut results = None;
        let written = finish_outputs(outputs, |dir| {
            let (w, r) = write_sweep(dir, &whole)?;
            results = r;
            Ok(w)
        })?;
        let r = results.expect("a merge is the whole plan");
        print_out(&format!(
            "{}wrote {written} files to {}\n",
            report::sweep_table(&r),
            out.display()
        ))
    } else {
        let files: Vec<(String, CapacityFile)> = read_all(&a.dirs, CAPACITY_RUNS)?;
        let whole =
            merge(&files, |p| p.fingerprint.clone()).map_err(|e| Failure::Usage(e.join("\n")))?;
        let outputs = prepare(&out, &[])?;
        let mut results = None;
        let written = finish_outputs(outputs, |dir| {
            let (w, r) = write_capacity(dir, &whole)?;
            results = r;
            Ok(w)
        })?;
        let r = results.expect("a merge is the whole plan");
        print_out(&format!(
            "{}wrote {written} files to {}\n",
            report::capacity_table(&r),
            out.display()
        ))
    }
}

/// Reads `name` in every folder, each named by its folder; every problem at once.
fn read_all<T: DeserializeOwned>(
    dirs: &[PathBuf],
    name: &str,
) -> Result<Vec<(String, T)>, Failure> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for d in dirs {
        match read(d, name) {
            Ok(f) => files.push((d.display().to_string(), f)),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Failure::Usage(problems.join("\n")))
    }
}
