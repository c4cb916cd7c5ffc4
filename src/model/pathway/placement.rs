//! Placement: which server process a PATHMON grants a new link to, and, for an ACS domain,
//! which member PATHMON grants it.
//!
//! PATHMON uses existing servers before starting new ones; among those with room (alive,
//! below MAXLINKS links in all and below LINKDEPTH links from the asking link manager, and in
//! the requester's processor for a local server class) it picks the one with the fewest
//! links, ties by creation order. A new dynamic server is possible while MAXSERVERS allows.
//! An ACS domain picks, among members able to grant, the one whose share of the route's links
//! is furthest below its weight (ties: ACSCTL order): the links held across the domain, or
//! with `balance = "processor"` [?] those held from the asking link manager's processor.
//!
//! Simplifies: the smooth weighted deficit stands for ACS's placement, whose exact algorithm
//! is not published.

use super::{Pathway, ServerRt};
use crate::scenario::Balance;

/// Whether a link is wanted to a static or a dynamic server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// A static server, granted at once.
    Static,
    /// A dynamic server, after CREATEDELAY.
    Dynamic,
}

impl Pathway {
    /// Can class `c` grant a link of kind `want` to link manager `lm`? Returns the server to
    /// link (an existing one), or `Some(None)` when a new dynamic server would be created.
    pub fn can_grant(&self, c: usize, lm: usize, want: Want) -> Option<Option<usize>> {
        let class = &self.classes[c];
        let m = &self.lms[lm];
        let local = self.routes[m.route].local;
        if self
            .pathmon_down
            .get(class.pathmon)
            .copied()
            .unwrap_or(false)
        {
            // Both halves of its PATHMON are gone: it grants nothing.
            return None;
        }
        let room = |s: &ServerRt| {
            s.alive
                && s.links < class.attrs.maxlinks
                && s.links_by_lm.get(lm) < class.attrs.linkdepth
                && (!local || s.cpu == m.cpu)
        };
        let best = class
            .servers
            .iter()
            .copied()
            .filter(|&s| {
                self.servers[s].dynamic == (want == Want::Dynamic) && room(&self.servers[s])
            })
            .min_by_key(|&s| self.servers[s].links);
        match (best, want) {
            (Some(s), _) => Some(Some(s)),
            (None, Want::Dynamic)
                if class.servers_counted < class.attrs.maxservers
                    && (if local {
                        class.cpus.contains(&m.cpu) && !self.is_down(m.cpu)
                    } else {
                        class.cpus.iter().any(|&c| !self.is_down(c))
                    }) =>
            {
                Some(None)
            }
            _ => None,
        }
    }

    /// [`place`](Self::place), counting on the route a link request the domain sends past a
    /// member that has lost its PATHMON (one its weights would choose: ahead of the member
    /// that grants, or any when none can grant): [F] an
    /// ACS domain retries a PATHMON error on the next PATHMON (RS25 page-26). [I] The domain
    /// learns of the loss from the file system at once (a down process answers its open with
    /// an error), so the retry costs no time; "next" is the member the weights choose among
    /// those that can grant.
    pub fn place_counted(&mut self, lm: usize, want: Want) -> Option<(usize, Option<usize>)> {
        let placed = self.place(lm, want);
        let route = self.lms[lm].route;
        if self.routes[route].domain.is_some() {
            // The member the weights would choose is a lost one: it is passed over for the
            // next, whether that one grants (`placed`) or not.
            let d = placed.map(|(chosen, _)| self.deficit(lm, chosen));
            let passed_over = self.routes[route].members.iter().any(|&(c, pm, _)| {
                c.is_some_and(|c| {
                    self.pathmon_down.get(pm).copied().unwrap_or(false)
                        && d.is_none_or(|d| self.deficit(lm, c) > d)
                })
            });
            if passed_over {
                self.routes[route].pathmon_retries += 1;
            }
        }
        placed
    }

    /// Member class `c`'s deficit on link manager `lm`'s route after one more link:
    /// weight x (total + 1) - 100 x held (see [`place`](Self::place)).
    fn deficit(&self, lm: usize, c: usize) -> f64 {
        let route = &self.routes[self.lms[lm].route];
        let cpu = self.lms[lm].cpu;
        let held = |c: usize| match route.balance {
            Balance::Domain => self.classes[c].links_out,
            Balance::Processor => self.classes[c].links_from(cpu),
        };
        let total: u32 = route.members.iter().filter_map(|m| m.0).map(held).sum();
        let weight = route
            .members
            .iter()
            .find(|m| m.0 == Some(c))
            .map_or(0.0, |m| m.2);
        weight * f64::from(total + 1) - 100.0 * f64::from(held(c))
    }

    /// ACS placement: the member class that should grant the next link of kind `want` for
    /// link manager `lm`, with its server choice.
    pub fn place(&self, lm: usize, want: Want) -> Option<(usize, Option<usize>)> {
        let route = &self.routes[self.lms[lm].route];
        // The links the weights are applied over: the whole domain's, or (`balance =
        // "processor"`) those of the asking link manager's processor.
        let cpu = self.lms[lm].cpu;
        let held = |c: usize| match route.balance {
            Balance::Domain => self.classes[c].links_out,
            Balance::Processor => self.classes[c].links_from(cpu),
        };
        let total: u32 = route.members.iter().filter_map(|m| m.0).map(held).sum();
        let mut best: Option<(f64, usize, Option<usize>)> = None;
        for &(class, _, weight) in &route.members {
            let Some(c) = class else { continue };
            let Some(server) = self.can_grant(c, lm, want) else {
                continue;
            };
            // Deficit after one more link: weight x (total + 1) - 100 x held.
            let deficit = weight * f64::from(total + 1) - 100.0 * f64::from(held(c));
            if best.is_none_or(|(d, _, _)| deficit > d) {
                best = Some((deficit, c, server));
            }
        }
        best.map(|(_, c, s)| (c, s))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClassAttrs, ClassRt, ClassStats, LinkManager, Route};
    use super::*;
    use crate::engine::SimDuration;
    use crate::model::ids::ProcessId;
    use crate::stats::TimeWeighted;

    fn class(pathmon: usize, maxservers: u32) -> ClassRt {
        ClassRt {
            name: "A".into(),
            qualified: false,
            pathmon,
            attrs: ClassAttrs {
                maxservers,
                numstatic: 0,
                maxlinks: 1,
                linkdepth: 1,
                createdelay: SimDuration::ZERO,
                deletedelay: SimDuration::ZERO,
                timeout: None,
                autorestart: 0,
            },
            cpus: vec![0, 1],
            priority: 150,
            servers: vec![],
            next_cpu: 0,
            servers_counted: 0,
            links_out: 0,
            links_by_cpu: Vec::new(),
            restarts: Vec::new(),
            stats: ClassStats::default(),
            lcs: None,
        }
    }

    fn server(class: usize, cpu: u32, dynamic: bool) -> ServerRt {
        ServerRt {
            process: ProcessId(0),
            class,
            cpu,
            dynamic,
            alive: true,
            links: 0,
            links_by_lm: Default::default(),
            receive: Default::default(),
            busy: false,
            restart_to: None,
            home: cpu,
            moving: false,
            creating: false,
        }
    }

    /// Two PATHMONs in a domain weighted 75 / 25, one class each, one link manager.
    fn domain() -> Pathway {
        let mut pw = Pathway {
            classes: vec![class(0, 10), class(1, 10)],
            ..Default::default()
        };
        pw.routes.push(Route {
            balance: Balance::Domain,
            domain: Some("D".into()),
            class_name: "A".into(),
            local: false,
            members: vec![(Some(0), 0, 75.0), (Some(1), 1, 25.0)],
            errors_905: 0,
            errors: Default::default(),
            pathmon_retries: 0,
            queued: TimeWeighted::default(),
            lcs: None,
        });
        pw.lms.push(LinkManager::new(0, 0, 2));
        pw
    }

    #[test]
    fn links_follow_the_domain_weights() {
        // Count where 100 successive dynamic links would go: 75 and 25.
        let mut pw = domain();
        let mut got = [0; 2];
        for _ in 0..100 {
            let (c, server) = pw.place(0, Want::Dynamic).expect("room");
            assert_eq!(server, None, "no server yet: a new one is created");
            pw.classes[c].links_out += 1;
            got[c] += 1;
        }
        assert_eq!(got, [75, 25]);
    }

    #[test]
    fn existing_servers_before_new_ones_fewest_links_first() {
        let mut pw = domain();
        pw.routes[0].members.truncate(1);
        pw.servers = vec![server(0, 0, false), server(0, 1, false)];
        pw.servers[0].links = 1;
        pw.classes[0].attrs.maxlinks = 2;
        pw.classes[0].servers = vec![0, 1];
        assert_eq!(pw.can_grant(0, 0, Want::Static), Some(Some(1)));
        // No dynamic server exists; MAXSERVERS (10) allows a new one.
        assert_eq!(pw.can_grant(0, 0, Want::Dynamic), Some(None));
        pw.classes[0].servers_counted = 10;
        assert_eq!(pw.can_grant(0, 0, Want::Dynamic), None);
    }

    #[test]
    fn links_are_counted_per_link_manager_that_holds_them() {
        let mut l = super::super::LinksByLm::default();
        for lm in [7, 2, 7, 900_000] {
            l.add(lm);
        }
        assert_eq!((l.get(7), l.get(2), l.get(900_000), l.get(3)), (2, 1, 1, 0));
        l.remove(7);
        l.remove(2);
        assert_eq!((l.get(7), l.get(2)), (1, 0));
    }

    #[test]
    fn linkdepth_limits_links_from_one_link_manager() {
        let mut pw = domain();
        pw.servers = vec![server(0, 0, false)];
        pw.classes[0].servers = vec![0];
        pw.classes[0].attrs.maxlinks = 5;
        pw.servers[0].links_by_lm.add(0);
        assert_eq!(
            pw.can_grant(0, 0, Want::Static),
            None,
            "LINKDEPTH 1 reached"
        );
    }
}
