//! What nssim wrote into an output folder, so the next run into it can remove exactly that.
//!
//! A reused `--out DIR` would otherwise keep stale files: a `link_share.png` from an ACS
//! scenario beside the outputs of a later run that has no ACS domain, or the folder of a
//! scenario no longer compared. After writing, nssim lists every file it wrote (and every
//! folder it created) in `DIR/.nssim-written`, one path relative to `DIR` per line, folders
//! ending in `/`. Before the next run writes into `DIR`, it deletes the listed files, then the
//! listed folders that are empty, and nothing else: a file the user put there survives, and so
//! does a folder that still holds one. Entries that could leave `DIR` (absolute, `..`) are
//! ignored, as are entries that are not regular files (nssim never writes symlinks).

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

/// Name of the list inside the output folder.
pub const LIST: &str = ".nssim-written";

/// Deletes what the list in `dir` names (files, then empty folders) and returns how many
/// files it deleted. No list, no deletion.
pub fn remove_previous(dir: &Path) -> anyhow::Result<usize> {
    let list = dir.join(LIST);
    let text = match std::fs::read_to_string(&list) {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(e).with_context(|| format!("could not read '{}'", list.display()));
        }
    };
    let mut removed = 0;
    let mut folders = Vec::new();
    for line in text.lines() {
        let (rel, is_folder) = match line.strip_suffix('/') {
            Some(f) => (f, true),
            None => (line, false),
        };
        let Some(rel) = inside(rel) else { continue };
        let path = dir.join(rel);
        if is_folder {
            folders.push(path);
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("could not remove stale '{}'", path.display()))?;
                removed += 1;
            }
            _ => {}
        }
    }
    // Deepest first; a folder that still holds something is not ours to empty.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for f in folders {
        let _ = std::fs::remove_dir(&f);
    }
    Ok(removed)
}

/// The folders directly inside `dir`, to tell afterwards which ones a run created.
pub fn folders_in(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
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
    let list = dir.join(LIST);
    std::fs::write(&list, text).with_context(|| format!("could not write '{}'", list.display()))
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
