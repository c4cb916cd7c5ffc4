//! `report.html`: one self-contained page of a command's results, to read in a browser or mail
//! on.
//!
//! A page is a title, a line of facts (version, command line) and a list of [`Section`]s:
//! preformatted text (the terminal tables, a scenario's text), tables (a CSV's rows) and
//! plots. The builder ([`page`]) knows nothing of runs, so every command (`run`, `compare`,
//! later `sweep` and `capacity`) gives it its own sections; [`plot_sections`] turns the `.svg`
//! files a command wrote into plot sections, so every plot written is on the page.
//!
//! Self-contained: plots are inline SVG, styles are one `<style>` element, and the page has no
//! script, no `src=` attribute, no `<link>` and no `http` reference, so it shows the same
//! offline, attached to a mail. An inline plot is the `.svg` file's bytes with the
//! `xmlns="http://www.w3.org/2000/svg"` attribute left out: HTML gives inline `<svg>` that
//! namespace itself. Deterministic: no wall clock and no absolute path, so the same seed
//! gives the same page, byte for byte.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The namespace attribute plotters writes into every SVG, left out of inline plots.
const SVG_XMLNS: &str = r#" xmlns="http://www.w3.org/2000/svg""#;

/// One part of a page, under its own heading.
#[derive(Clone, Debug, PartialEq)]
pub enum Section {
    /// A heading that groups the sections after it (a scenario of a comparison).
    Heading(String),
    /// Text shown as written, in a fixed-width font (tables laid out for a terminal, a
    /// scenario's TOML).
    Text { title: String, body: String },
    /// A table: a header row and rows of cells (numbers right-aligned).
    Table {
        title: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A plot: its file name (shown under it) and the SVG document.
    Plot { title: String, svg: String },
}

impl Section {
    /// A [`Section::Table`] of CSV bytes (the first record is the header); `None` when the
    /// bytes are not CSV.
    pub fn csv_table(title: &str, csv: &[u8]) -> Option<Section> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv);
        let header = reader.headers().ok()?.iter().map(str::to_string).collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .ok()?;
        Some(Section::Table {
            title: title.to_string(),
            header,
            rows,
        })
    }
}

/// The page of `sections` under `title`, with `facts` (label, value) as a list under the
/// title: version, command line, seeds.
pub fn page(title: &str, facts: &[(String, String)], sections: &[Section]) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    s.push_str(STYLE);
    s.push_str("</head>\n<body>\n");
    let _ = writeln!(s, "<h1>{}</h1>", escape(title));
    s.push_str("<dl class=\"facts\">\n");
    for (label, value) in facts {
        let _ = writeln!(
            s,
            "<dt>{}</dt><dd><code>{}</code></dd>",
            escape(label),
            escape(value)
        );
    }
    s.push_str("</dl>\n");
    // Contents: one link per section, so a long comparison is easy to move around in.
    s.push_str("<nav><ol>\n");
    for (i, section) in sections.iter().enumerate() {
        let (title, class) = match section {
            Section::Heading(t) => (t, " class=\"group\""),
            Section::Text { title, .. }
            | Section::Table { title, .. }
            | Section::Plot { title, .. } => (title, ""),
        };
        let _ = writeln!(s, "<li{class}><a href=\"#s{i}\">{}</a></li>", escape(title));
    }
    s.push_str("</ol></nav>\n");
    for (i, section) in sections.iter().enumerate() {
        match section {
            Section::Heading(t) => {
                let _ = writeln!(s, "<h2 id=\"s{i}\">{}</h2>", escape(t));
            }
            Section::Text { title, body } => {
                let _ = writeln!(
                    s,
                    "<section id=\"s{i}\"><h3>{}</h3>\n<pre>{}</pre></section>",
                    escape(title),
                    escape(body.trim_end())
                );
            }
            Section::Table {
                title,
                header,
                rows,
            } => {
                let _ = writeln!(
                    s,
                    "<section id=\"s{i}\"><h3>{}</h3>\n<table>",
                    escape(title)
                );
                s.push_str("<thead><tr>");
                for h in header {
                    let _ = write!(s, "<th>{}</th>", escape(h));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    s.push_str("<tr>");
                    for cell in row {
                        let class = if is_number(cell) { " class=\"n\"" } else { "" };
                        let _ = write!(s, "<td{class}>{}</td>", escape(cell));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody></table></section>\n");
            }
            Section::Plot { title, svg } => {
                let _ = writeln!(
                    s,
                    "<section id=\"s{i}\" class=\"plot\"><h3>{}</h3>\n{}\n</section>",
                    escape(title),
                    inline_svg(svg)
                );
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// An SVG document as it goes inside the page: without the XML namespace attribute (HTML
/// supplies it) and with nothing before `<svg`.
pub fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..]
        .replacen(SVG_XMLNS, "", 1)
        .trim_end()
        .to_string()
}

/// A plot section for each `.svg` file among `written` (paths inside `dir`), in the order
/// written, titled by its path relative to `dir` (`latency_cdf.svg`,
/// `fig-3-3-distributor/utilisation.svg`). Plots in a subfolder come after a
/// [`Section::Heading`] naming it, when `group` is true.
pub fn plot_sections(dir: &Path, written: &[PathBuf], group: bool) -> anyhow::Result<Vec<Section>> {
    let mut sections = Vec::new();
    let mut folder: Option<PathBuf> = None;
    for path in written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
    {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let parent = rel.parent().map(Path::to_path_buf).unwrap_or_default();
        if group && folder.as_ref() != Some(&parent) {
            if !parent.as_os_str().is_empty() {
                sections.push(Section::Heading(format!("{}/", parent.display())));
            }
            folder = Some(parent);
        }
        let svg = std::fs::read_to_string(path)
            .with_context(|| format!("could not read '{}'", path.display()))?;
        sections.push(Section::Plot {
            title: rel.display().to_string(),
            svg,
        });
    }
    Ok(sections)
}

/// Writes `report.html` into `dir` and returns its path.
pub fn write_page(dir: &Path, html: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join("report.html");
    std::fs::write(&path, html).with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(path)
}

/// `&`, `<`, `>` and `"` written as entities.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            _ => s.push(c),
        }
    }
    s
}

/// Whether a table cell is a number (right-aligned).
fn is_number(cell: &str) -> bool {
    !cell.is_empty() && cell.parse::<f64>().is_ok()
}

/// The page's only styling: readable width, tables with lines, plots that shrink to fit.
const STYLE: &str = "<style>
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { border-top: 2px solid #888; padding-top: .6em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
nav ol { columns: 2; font-size: .9em; } nav li.group { font-weight: bold; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: .85em; }
table { border-collapse: collapse; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: .15em .5em; } th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
section.plot svg { max-width: 100%; height: auto; display: block; }
</style>
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_escapes_text_and_inlines_plots_without_the_namespace() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" \
                   xmlns=\"http://www.w3.org/2000/svg\">\n<text>a<b</text>\n</svg>\n";
        let html = page(
            "a <b> & c",
            &[("command".into(), "nssim run \"x\"".into())],
            &[
                Section::Heading("group/".into()),
                Section::Text {
                    title: "t".into(),
                    body: "x < y\n".into(),
                },
                Section::csv_table("csv", b"a,b\nx,1.5\n").unwrap(),
                Section::Plot {
                    title: "p.svg".into(),
                    svg: svg.into(),
                },
            ],
        );
        assert!(
            html.contains("<title>a &lt;b&gt; &amp; c</title>"),
            "{html}"
        );
        assert!(html.contains("nssim run &quot;x&quot;"));
        assert!(html.contains("<pre>x &lt; y</pre>"));
        assert!(html.contains("<td>x</td><td class=\"n\">1.5</td>"));
        assert!(html.contains("<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">"));
        assert!(!html.contains("http"), "no external reference: {html}");
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn plot_sections_follow_the_files_written_and_group_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a")).unwrap();
        let mut written = Vec::new();
        for (rel, body) in [
            ("x.svg", "<svg>1</svg>"),
            ("x.csv", "q"),
            ("a/y.svg", "<svg>2</svg>"),
        ] {
            std::fs::write(d.join(rel), body).unwrap();
            written.push(d.join(rel));
        }
        let s = plot_sections(d, &written, true).unwrap();
        assert_eq!(
            s,
            [
                Section::Plot {
                    title: "x.svg".into(),
                    svg: "<svg>1</svg>".into()
                },
                Section::Heading("a/".into()),
                Section::Plot {
                    title: "a/y.svg".into(),
                    svg: "<svg>2</svg>".into()
                },
            ]
        );
    }
}
