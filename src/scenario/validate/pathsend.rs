//! `[pathway]`: the link manager in each processor and the Pathsend limits it enforces.

use super::*;

impl Checker {
    /// The link manager (default ACS when the file has ACS domains) and its limits, each
    /// overridable; `limits = "unbounded"` drops them all.
    pub(super) fn pathway_limits(
        &mut self,
        raw: Option<&RawPathway>,
        domains: bool,
    ) -> PathwayLimits {
        let raw = raw.cloned().unwrap_or_default();
        let kind = match raw.link_manager.as_deref() {
            None if domains => LinkManagerKind::Acs,
            None | Some("linkmon") => LinkManagerKind::Linkmon,
            Some("acs") => LinkManagerKind::Acs,
            Some(other) => {
                self.err(
                    "pathway.link_manager",
                    format!("unknown link manager `{other}`; use \"linkmon\" (TS/MP 2.0) or \"acs\" (TS/MP 2.5)"),
                );
                LinkManagerKind::Linkmon
            }
        };
        if domains && kind == LinkManagerKind::Linkmon {
            self.err(
                "pathway.link_manager",
                "ACS Pathway domains ([[domain]]) need link_manager = \"acs\"; LINKMON has no domains",
            );
        }
        let mut limits = match raw.limits.as_deref() {
            None | Some("enforced") => PathwayLimits::of(kind),
            Some("unbounded") => PathwayLimits::unbounded(kind),
            Some(other) => {
                self.err(
                    "pathway.limits",
                    format!("unknown value `{other}`; use \"enforced\" (the link manager's limits, errors 923/924/925) or \"unbounded\" (sends queue without limit)"),
                );
                PathwayLimits::of(kind)
            }
        };
        let unbounded = limits.sends_per_processor.is_none();
        let fields = [
            (
                "sends_per_requester",
                raw.sends_per_requester,
                &mut limits.sends_per_requester,
            ),
            (
                "sends_per_processor",
                raw.sends_per_processor,
                &mut limits.sends_per_processor,
            ),
            (
                "links_per_link_manager",
                raw.links_per_link_manager,
                &mut limits.links_per_link_manager,
            ),
            (
                "requesters_per_processor",
                raw.requesters_per_processor,
                &mut limits.requesters_per_processor,
            ),
        ];
        for (key, value, slot) in fields {
            let Some(n) = value else { continue };
            let field = format!("pathway.{key}");
            if unbounded {
                self.err(
                    field,
                    format!("{key} has no effect with limits = \"unbounded\"; remove one of them"),
                );
            } else if !(1..=MAX_PATHSEND_LIMIT).contains(&n) {
                self.err(
                    field,
                    format!("{key} must be between 1 and {MAX_PATHSEND_LIMIT}, got {n} (see Limits in scenarios/README.md)"),
                );
            } else {
                *slot = Some(n);
            }
        }
        limits.send_timeout = raw.send_timeout.as_ref().and_then(|raw| {
            let field = "pathway.send_timeout";
            let t = match raw {
                RawDuration::Text(text) => {
                    Dist::Constant(self.parse(field, text, parse_duration)?)
                }
                RawDuration::Dist(d) => self.dist(field, d)?,
            };
            if t.mean().is_zero() {
                self.err(
                    field,
                    "send_timeout must be greater than zero; leave it out for no call timeout",
                );
                return None;
            }
            Some(t)
        });
        limits.redirector_cpu =
            self.duration("pathway.redirector_cpu", raw.redirector_cpu.as_ref(), "0us");
        limits.redirector_priority =
            self.priority("pathway.redirector_priority", raw.redirector_priority, 199);
        if kind == LinkManagerKind::Linkmon {
            let set = [
                ("redirector_cpu", !limits.redirector_cpu.is_zero()),
                ("redirector_priority", raw.redirector_priority.is_some()),
            ];
            for (key, _) in set.iter().filter(|(_, set)| *set) {
                self.err(
                    format!("pathway.{key}"),
                    "the redirector is ACS's (TS/MP 2.5); LINKMON passes no data: set link_manager = \"acs\" or remove it",
                );
            }
        }
        limits
    }
}
