//! Processor lists written relative to the processor count, resolved to plain numbers before
//! the rest of validation reads them (the model only ever sees numbers).
//!
//! A listener's `processors` and a server class's `cpus` take an array of numbers or one
//! string, with N = `system.processors`:
//!
//! - `"all"`: every processor, `0..N-1`;
//! - `"A..B"`: A to B, both included, where A and B are numbers or `N-k` (`"0..N-1"`,
//!   `"2..N-1"`, `"N-2..N-1"`);
//! - `"A"` alone, a number or `N-k` (`"N-1"`): that one processor;
//! - `"others"` (server classes only): the processors no listener runs in, ascending.
//!
//! So `--set system.processors=8` alone rescales a file written this way. A form that does not
//! parse, or that names a processor outside `0..N-1`, is reported at its field and resolves to
//! processor 0 so checking goes on; while N itself is invalid every relative list resolves to
//! processor 0 silently (the problem is `system.processors`, reported once).

use super::Checker;
use crate::scenario::raw::{RawProcessors, RawScenario};

/// The forms a processor list takes, for messages.
const FORMS: &str = "write an array of processor numbers such as [0, 1], or \"all\", a range \
                     \"A..B\" (both included; A and B are numbers or N-k with N = \
                     system.processors, e.g. \"0..N-1\" or \"2..N-1\"), one processor (\"N-1\") \
                     or, for server class cpus, \"others\" (the processors no listener runs in)";

impl Checker {
    /// A copy of `raw` whose processor lists are all numbers.
    pub(super) fn resolve_processor_lists(&mut self, raw: &RawScenario) -> RawScenario {
        let mut out = raw.clone();
        for (i, l) in out.listener.iter_mut().enumerate() {
            if let Some(list) = &mut l.processors {
                let field = format!("listener[{i}].processors");
                *list = RawProcessors::Numbers(self.processor_list(&field, list, None));
            }
        }
        // "others": what the (already resolved) listeners leave.
        let taken: Vec<u32> = out
            .listener
            .iter()
            .flat_map(|l| {
                l.processors
                    .iter()
                    .flat_map(|p| p.numbers().iter().copied())
            })
            .collect();
        for (k, class) in out.server_class.iter_mut().enumerate() {
            if let Some(list) = &mut class.cpus {
                let field = format!("server_class[{k}].cpus");
                *list = RawProcessors::Numbers(self.processor_list(&field, list, Some(&taken)));
            }
        }
        if let Some(xm) = &mut out.pathway_xm {
            for (k, class) in xm.server_class.iter_mut().enumerate() {
                if let Some(list) = &mut class.cpus {
                    let field = format!("pathway_xm.server_class[{k}].cpus");
                    *list = RawProcessors::Numbers(self.processor_list(&field, list, Some(&taken)));
                }
            }
        }
        out
    }

    /// The numbers of one list. `taken` is what the listeners use, `None` for a listener's own
    /// list (where `"others"` has no meaning).
    fn processor_list(
        &mut self,
        field: &str,
        list: &RawProcessors,
        taken: Option<&[u32]>,
    ) -> Vec<u32> {
        let text = match list {
            RawProcessors::Numbers(numbers) => return numbers.clone(),
            RawProcessors::Relative(text) => text,
        };
        match relative(text, self.processors, taken) {
            Ok(numbers) => numbers,
            Err(message) => {
                self.err(field, message);
                vec![0]
            }
        }
    }
}

/// Resolves one relative list against `n` processors (`None`: unknown, resolve to `[0]`).
fn relative(text: &str, n: Option<u32>, taken: Option<&[u32]>) -> Result<Vec<u32>, String> {
    let form = text.trim();
    if form == "others" {
        let Some(taken) = taken else {
            return Err(format!(
                "\"others\" means the processors no listener runs in, so a listener cannot use \
                 it; {FORMS}"
            ));
        };
        let Some(n) = n else { return Ok(vec![0]) };
        let others: Vec<u32> = (0..n).filter(|p| !taken.contains(p)).collect();
        if others.is_empty() {
            return Err(format!(
                "\"others\" leaves no processor: the listeners run in all {n} \
                 (system.processors = {n}); list processors instead, or add processors"
            ));
        }
        return Ok(others);
    }
    let (from, to) = match form {
        "all" => ("0", "N-1"),
        _ => match form.split_once("..") {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (form, form),
        },
    };
    let (Some(a), Some(b)) = (term(from), term(to)) else {
        return Err(format!("\"{text}\" is not a processor list; {FORMS}"));
    };
    let Some(n) = n else { return Ok(vec![0]) };
    let (a, b) = (a.at(n, text)?, b.at(n, text)?);
    if a > b {
        return Err(format!(
            "\"{text}\" is an empty range with system.processors = {n} ({a} > {b}); {FORMS}"
        ));
    }
    if b >= n {
        return Err(format!(
            "\"{text}\" names processor {b}, which does not exist; allowed 0..={} \
             (system.processors = {n})",
            n - 1
        ));
    }
    Ok((a..=b).collect())
}

/// One end of a range: a number, or N minus a number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Term {
    Number(u32),
    FromCount(u32),
}

impl Term {
    /// Its value with `n` processors.
    fn at(self, n: u32, text: &str) -> Result<u32, String> {
        match self {
            Term::Number(p) => Ok(p),
            Term::FromCount(k) => n.checked_sub(k).ok_or_else(|| {
                format!(
                    "\"{text}\": N-{k} is below processor 0 with system.processors = {n}; {FORMS}"
                )
            }),
        }
    }
}

/// Parses `7`, `N` or `N-2` (spaces allowed around `-`).
fn term(text: &str) -> Option<Term> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('N') {
        let rest = rest.trim();
        if rest.is_empty() {
            return Some(Term::FromCount(0));
        }
        let k = rest.strip_prefix('-')?.trim();
        return digits(k).map(Term::FromCount);
    }
    digits(text).map(Term::Number)
}

/// A whole number written in digits only (no sign, no `_`).
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_resolve_against_the_count() {
        let r = |t: &str, n: u32| relative(t, Some(n), Some(&[0, 1]));
        assert_eq!(r("all", 4).unwrap(), vec![0, 1, 2, 3]);
        assert_eq!(r("0..N-1", 3).unwrap(), vec![0, 1, 2]);
        assert_eq!(r("2..N-1", 6).unwrap(), vec![2, 3, 4, 5]);
        assert_eq!(r(" N-2 .. N-1 ", 8).unwrap(), vec![6, 7]);
        assert_eq!(r("1..3", 8).unwrap(), vec![1, 2, 3]);
        assert_eq!(r("N-1", 5).unwrap(), vec![4]);
        assert_eq!(r("5", 8).unwrap(), vec![5]);
        assert_eq!(r("others", 5).unwrap(), vec![2, 3, 4]);
    }

    #[test]
    fn bad_forms_say_what_is_allowed() {
        let r = |t: &str, n: u32| relative(t, Some(n), Some(&[0, 1])).unwrap_err();
        for bad in [
            "every", "0..", "..3", "0..N+1", "N-x", "-1", "0...3", "0..n-1",
        ] {
            let e = r(bad, 4);
            assert!(
                e.contains("is not a processor list") && e.contains("\"all\""),
                "{bad}: {e}"
            );
        }
        assert!(r("3..1", 8).contains("empty range"));
        assert!(r("0..N", 4).contains("processor 4, which does not exist; allowed 0..=3"));
        assert!(r("N-5..N-1", 4).contains("N-5 is below processor 0"));
        assert!(r("others", 2).contains("leaves no processor"));
        let listener = relative("others", Some(4), None).unwrap_err();
        assert!(listener.contains("a listener cannot use it"), "{listener}");
    }

    #[test]
    fn an_unknown_count_resolves_quietly() {
        assert_eq!(relative("2..N-1", None, Some(&[])).unwrap(), vec![0]);
        assert!(relative("bogus", None, Some(&[])).is_err());
    }
}
