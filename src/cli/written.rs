//! Writing an output folder so that it holds one whole run or says it is incomplete.
//!
//! A run writes into `DIR/.nssim-staging/` first. Only when every file is written does it
//! commit: it writes `DIR/.nssim-incomplete` (which lists the files coming in), deletes what
//! the previous run listed in `DIR/.nssim-written`, moves the new files into place with a
//! rename each (every `summary.json` and `comparison.json` last), writes the new list and
//! deletes the marker. A run killed before the commit leaves the previous run whole (and a
//! staging folder the next run clears); one killed during it leaves the marker, so the folder
//! says it is incomplete, and the next run also deletes the files the marker lists.
//!
//! The list keeps a reused `--out DIR` free of stale files (a `link_share.png` from an ACS
//! scenario beside the outputs of a later run without one): one path relative to `DIR` per
//! line, folders ending in `/`. Only listed files, then listed folders that are empty, are
//! deleted: a file the user put there survives, and so does a folder that still holds one.
//! Entries that could leave `DIR` (absolute, `..`) are ignored.
//!
//! nssim never follows a symbolic link inside `DIR`, nor writes through `DIR` itself if it is
//! one: a link where it would delete or write is an error that names it. Two runs into one
//! folder cannot mix: a run holds an advisory lock on `DIR/.nssim-lock` from before its
//! simulation to the end of its commit, and the file says who holds it (pid, command, start
//! time); the operating system releases the lock when the process ends, however it ends.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

/// Name of the list inside the output folder.
pub const LIST: &str = ".nssim-written";
/// The marker of a commit under way: present only while a run replaces the folder's files.
pub const INCOMPLETE: &str = ".nssim-incomplete";
/// Where a run writes before it commits.
pub const STAGING: &str = ".nssim-staging";
/// The lock file.
pub const LOCK: &str = ".nssim-lock";
/// The longest file or folder name most file systems take [bytes].
const MAX_NAME_BYTES: usize = 255;

/// An output folder checked, locked and ready: the lock is held until this is dropped.
pub struct Outputs {
    dir: PathBuf,
    lock: File,
}

impl Outputs {
    /// Creates `dir` if needed, refuses a symbolic link or a name too long for a file system,
    /// takes the lock (which shows that the folder is writable) and creates the staging
    /// folder with `subfolders` in it, so every output path is known to work before the
    /// simulation starts.
    pub fn prepare(dir: &Path, subfolders: &[String]) -> anyhow::Result<Outputs> {
        for name in dir.iter().chain(subfolders.iter().map(|s| s.as_ref())) {
            if name.len() > MAX_NAME_BYTES {
                let shown: String = name.to_string_lossy().chars().take(40).collect();
                bail!(
                    "the output name '{shown}...' is {} bytes long, more than the {MAX_NAME_BYTES} a \
                     file name may have: shorten the scenario's `name` (or its label), or give --out",
                    name.len()
                );
            }
        }
        if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "the output folder '{}' is a symbolic link; nssim does not write through links: \
                 give the folder it points to as --out",
                dir.display()
            );
        }
        fs::create_dir_all(dir)
            .with_context(|| format!("could not create output folder '{}'", dir.display()))?;
        let lock = lock(dir)?;
        let staging = dir.join(STAGING);
        clear(&staging)?;
        fs::create_dir_all(&staging)
            .with_context(|| format!("could not create output folder '{}'", staging.display()))?;
        for sub in subfolders {
            let path = staging.join(sub);
            fs::create_dir_all(&path)
                .with_context(|| format!("could not create output folder '{}'", path.display()))?;
        }
        // Whatever the previous run listed must be safe to delete, before the simulation.
        previous_entries(dir)?;
        Ok(Outputs {
            dir: dir.to_path_buf(),
            lock,
        })
    }

    /// Writes the outputs with `write` (given the folder to write into) and commits them;
    /// returns how many files were written.
    pub fn finish(
        self,
        write: impl FnOnce(&Path) -> anyhow::Result<Vec<PathBuf>>,
    ) -> anyhow::Result<usize> {
        let staging = self.dir.join(STAGING);
        let staged = write(&staging)?;
        let mut moves = Vec::new();
        for path in &staged {
            let rel = path
                .strip_prefix(&staging)
                .with_context(|| {
                    format!(
                        "'{}' was written outside the staging folder",
                        path.display()
                    )
                })?
                .to_path_buf();
            no_link_on_the_way(&self.dir, &rel, true)?;
            moves.push(rel);
        }
        // Summaries last: a folder with a summary.json holds the run it describes.
        moves.sort_by_key(|rel| {
            let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let summary = matches!(name, "summary.json" | "comparison.json");
            (summary, summary && rel.components().count() == 1)
        });
        let marker = self.dir.join(INCOMPLETE);
        let mut text = String::from(
            "# An nssim run was replacing the files of this folder and did not finish: they may\n\
             # mix two runs. Run it again; it also deletes the files listed below.\n",
        );
        for rel in &moves {
            text += &slashed(rel);
            text.push('\n');
        }
        write_new(&marker, &text)?;
        remove_previous(&self.dir)?;
        let existed = folders_in(&self.dir);
        let mut written = Vec::new();
        for rel in &moves {
            let target = self.dir.join(rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("could not create '{}'", parent.display()))?;
            }
            fs::rename(staging.join(rel), &target)
                .with_context(|| format!("could not write '{}'", target.display()))?;
            written.push(target);
        }
        record(&self.dir, &written, &existed)?;
        fs::remove_file(&marker)
            .with_context(|| format!("could not remove '{}'", marker.display()))?;
        let _ = fs::remove_dir_all(&staging);
        let _ = self.lock.set_len(0);
        Ok(written.len())
    }
}

/// Takes the lock on `dir`, or says who holds it.
fn lock(dir: &Path) -> anyhow::Result<File> {
    let path = dir.join(LOCK);
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        bail!(
            "'{}' is not a regular file (a symbolic link?); nssim does not follow links in an \
             output folder: remove it",
            path.display()
        );
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot write into the output folder '{}' (is it writable?)",
                dir.display()
            )
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim().replace('\n', ", ");
            bail!(
                "the output folder '{}' is in use by another nssim run ({}); wait for it to \
                 finish, or give this run another --out",
                dir.display(),
                if holder.is_empty() {
                    "starting"
                } else {
                    &holder
                }
            );
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("could not lock '{}'", path.display()));
        }
    }
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let command: Vec<String> = std::env::args().collect();
    let who = format!(
        "pid {}\ncommand {}\nstarted {started} (seconds since 1970, UTC)\n",
        std::process::id(),
        command.join(" ")
    );
    file.set_len(0)
        .and_then(|()| file.write_all(who.as_bytes()))
        .with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(file)
}

/// Deletes `path` (a staging folder of an earlier run, never followed if it is a link).
fn clear(path: &Path) -> anyhow::Result<()> {
    match fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path)
            .with_context(|| format!("could not remove '{}'", path.display())),
        Ok(_) => {
            fs::remove_file(path).with_context(|| format!("could not remove '{}'", path.display()))
        }
    }
}

/// Writes `text` to `path`, replacing a regular file but never following a link.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    clear(path)?;
    fs::write(path, text).with_context(|| format!("could not write '{}'", path.display()))
}

/// Refuses `rel` inside `dir` when a folder on the way to it, or the entry itself, is a
/// symbolic link (or the entry is a folder).
fn no_link_on_the_way(dir: &Path, rel: &Path, file: bool) -> anyhow::Result<()> {
    let mut path = dir.to_path_buf();
    let count = rel.components().count();
    for (i, part) in rel.components().enumerate() {
        path.push(part);
        let Ok(m) = fs::symlink_metadata(&path) else {
            return Ok(());
        };
        let last = i + 1 == count;
        if m.file_type().is_symlink() {
            bail!(
                "'{}' is a symbolic link; nssim never writes through or deletes links in an \
                 output folder: remove it, or give another --out",
                path.display()
            );
        }
        if file && last && m.is_dir() {
            bail!(
                "'{}' is a folder where nssim writes a file: remove it, or give another --out",
                path.display()
            );
        }
    }
    Ok(())
}

/// The entries the previous run listed (and an interrupted commit's marker), each checked to
/// hold no link on the way: `(path inside dir, is a folder)`.
fn previous_entries(dir: &Path) -> anyhow::Result<Vec<(PathBuf, bool)>> {
    let mut entries = Vec::new();
    for name in [LIST, INCOMPLETE] {
        let list = dir.join(name);
        let text = match fs::read_to_string(&list) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("could not read '{}'", list.display()));
            }
        };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (rel, is_folder) = match line.strip_suffix('/') {
                Some(f) => (f, true),
                None => (line, false),
            };
            let Some(rel) = inside(rel) else { continue };
            no_link_on_the_way(dir, rel, false)?;
            entries.push((rel.to_path_buf(), is_folder));
        }
    }
    Ok(entries)
}

/// Deletes what the list in `dir` (and the marker of an interrupted commit) names: files, then
/// empty folders; returns how many files it deleted. No list, no deletion. A link where a
/// listed entry was is left alone; a link on the way to one is an error.
pub fn remove_previous(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    let mut folders = Vec::new();
    for (rel, is_folder) in previous_entries(dir)? {
        let path = dir.join(rel);
        if is_folder {
            folders.push(path);
            continue;
        }
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {
                fs::remove_file(&path)
                    .with_context(|| format!("could not remove stale '{}'", path.display()))?;
                removed += 1;
            }
            _ => {}
        }
    }
    // Deepest first; a folder that still holds something is not ours to empty.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for f in folders {
        let _ = fs::remove_dir(&f);
    }
    Ok(removed)
}

/// The folders directly inside `dir`, to tell afterwards which ones a run created.
pub fn folders_in(dir: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Writes the list of `written` (paths inside `dir`) and of the folders holding them that were
/// not in `existed` before the run, i.e. that the run created.
pub fn record(dir: &Path, written: &[PathBuf], existed: &BTreeSet<PathBuf>) -> anyhow::Result<()> {
    let mut lines = Vec::new();
    let mut created = BTreeSet::new();
    for path in written {
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        lines.push(slashed(rel));
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty())
            && !existed.contains(&dir.join(parent))
        {
            created.insert(format!("{}/", slashed(parent)));
        }
    }
    lines.extend(created);
    let mut text = lines.join("\n");
    text.push('\n');
    write_new(&dir.join(LIST), &text)
}

/// `rel` if it names something inside the folder (relative, no `..`), else `None`.
fn inside(rel: &str) -> Option<&Path> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then_some(p)
}

/// A relative path with `/` separators, the same on every platform.
fn slashed(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn issue_7_a_reused_folder_loses_only_what_nssim_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::create_dir(dir.join("mine")).unwrap();
        // First run: two files at the top, one in a folder it creates, one in the user's folder.
        let existed = folders_in(dir);
        fs::create_dir(dir.join("a")).unwrap();
        let first = [
            dir.join("summary.json"),
            dir.join("link_share.png"),
            dir.join("a/summary.json"),
            dir.join("mine/summary.json"),
        ];
        for f in &first {
            fs::write(f, "x").unwrap();
        }
        record(dir, &first, &existed).unwrap();
        let list = fs::read_to_string(dir.join(LIST)).unwrap();
        assert_eq!(
            list,
            "summary.json\nlink_share.png\na/summary.json\nmine/summary.json\na/\n"
        );
        // The user adds a file in a folder nssim created: that folder stays.
        fs::write(dir.join("mine/keep.txt"), "mine").unwrap();
        assert_eq!(remove_previous(dir).unwrap(), 4);
        assert!(dir.join("notes.txt").exists());
        assert!(dir.join("mine/keep.txt").exists());
        assert!(!dir.join("link_share.png").exists());
        assert!(
            !dir.join("a").exists(),
            "the empty folder nssim created goes"
        );
        // Hostile or odd entries are ignored.
        fs::write(
            dir.join(LIST),
            "../outside.txt\n/etc/passwd\n\nmine/\nmine\nnotes.txt/\n",
        )
        .unwrap();
        assert_eq!(remove_previous(dir).unwrap(), 0);
        assert!(dir.join("notes.txt").exists());
        assert!(dir.join("mine/keep.txt").exists());
    }

    #[test]
    fn no_list_no_deletion() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("summary.json"), "x").unwrap();
        assert_eq!(remove_previous(tmp.path()).unwrap(), 0);
        assert!(tmp.path().join("summary.json").exists());
    }
}
