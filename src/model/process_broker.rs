//! Pathway/XM process broker (PB): on which processor of a logical node each new server process
//! of a distributed server class starts, how long a reservation of a server lasts, and how the
//! node's CPU weights change when a processor fails and is reloaded.
//!
//! What is modelled (`nonstop.md` section c, `faults.md` A.9):
//! - one PB process pair per logical NODE creates the node's server processes, choosing each
//!   new server's processor round-robin by the NODE's CPU weights (PXM p. 4-16/17, p. 9-11):
//!   the smooth weighted round-robin of `pathway_xm.rs`, so over any `total` placements each
//!   processor gets its weight's share, interleaved;
//! - the PB grants *reservations*, the use of a server process for a fixed time, after which
//!   the LCS that holds it drops it or asks again (PXM page-36, page-167). No manual gives the
//!   length: [`RESERVATION_DEFAULT`] is 60 s, marked [?]. A grant is refused when the class
//!   already holds MAXSERVERS reservations, or when no processor of the node is up;
//! - a weight-0 processor is a standby: it gets servers only after another processor fails;
//! - processor failure: the processor leaves the round and its weight is spread over the
//!   node's surviving processors, weight-0 ones included. How is not documented ([?],
//!   `faults.md` A.9): the manual's example (`1:50, 2:25, 3:25, 5:0`, CPU 1 fails) splits CPU
//!   1's 50 "between CPUs 2, 3 and 5", so the default, [`WeightSpread::Equal`], gives each
//!   survivor an equal part; [`WeightSpread::Proportional`] gives the positive-weight survivors
//!   parts in proportion to their weights (the standby then stays a standby unless no
//!   positive-weight processor survives, when the split is equal);
//! - reload: the processor rejoins with its configured weight. Servers placed meanwhile stay
//!   where they are; as their reservations expire the LCS drops them and new ones are placed
//!   by the restored weights, which brings servers back to the reloaded processor (AVAIL
//!   p. 6-11, page-165). [`ProcessBroker::down_mask`] tells the LCS which servers were placed
//!   while a processor was down, so it also replaces the NUMSTATIC ones (`lcs_reload.rs`).
//!
//! Simplified, and why:
//! - the PB is placement and the reservation clock only; the PB pair's own CPU and messages are
//!   not charged, and its takeover is instant: a pair survives a single processor failure
//!   (PXM page-33), and creating a server is charged as `process_creation` by its user;
//! - when the weights change (a failure or a reload) the round-robin restarts from zero, as
//!   nginx restarts its smooth round-robin when the set of upstreams changes: from that moment
//!   the placements follow the new weights, each processor within one server of its share;
//! - the arithmetic stays in integers: with `F` the failed processors' configured weight, `n`
//!   survivors and `W` the survivors' configured weight, an equal split gives survivor `i` the
//!   weight `w_i * n + F` (everything scaled by `n`), a proportional one `w_i * (W + F)`
//!   (scaled by `W`). Shares are what counts, so the scale does not matter.
//!
//! Everything here is a pure function of the configuration and of the calls: no randomness, no
//! hash order; ties go to the earlier processor in the NODE's list.

use crate::engine::{SimDuration, SimTime};

use super::pathway_xm::SmoothWrr;

/// How long a PB reservation of a server process lasts when the scenario does not say: 60 s.
/// [?] No manual gives the length (`faults.md` A.9).
pub const RESERVATION_DEFAULT: SimDuration = SimDuration::from_secs(60);

/// How a failed processor's weight is spread over the node's surviving processors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeightSpread {
    /// An equal part to every survivor, weight-0 processors included (the manual's example).
    #[default]
    Equal,
    /// Parts in proportion to the survivors' configured weights (weight-0 processors get none
    /// unless every survivor has weight 0, when the split is equal).
    Proportional,
}

/// A reservation the PB granted: a server process on `cpu`, held until `expires_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    /// The processor the PB placed the server on.
    pub cpu: u32,
    /// When the reservation was granted.
    pub granted_at: SimTime,
    /// When it expires: `granted_at` + the reservation length.
    pub expires_at: SimTime,
}

/// Why the PB granted no reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The class already holds MAXSERVERS reservations.
    MaxServers,
    /// Every processor of the node is down: no server can be created (Pathsend error 916).
    NoProcessor,
}

/// The process broker of one logical node.
#[derive(Clone, Debug)]
pub struct ProcessBroker {
    /// NODE name (for messages).
    node: String,
    /// The NODE's `(cpu, configured weight)` list, in configuration order.
    cpus: Vec<(u32, u32)>,
    /// Per entry of `cpus`: up.
    up: Vec<bool>,
    /// How a failed processor's weight is spread.
    spread: WeightSpread,
    /// Length of a reservation.
    reservation: SimDuration,
    /// Placement sequence over the current weights; `None` with every processor down.
    wrr: Option<SmoothWrr>,
}

impl ProcessBroker {
    /// The PB of node `node` with CPU distribution `cpus` (`(cpu, weight)`, at least one weight
    /// positive, no processor twice: validation guarantees both).
    pub fn new(
        node: &str,
        cpus: &[(u32, u32)],
        spread: WeightSpread,
        reservation: SimDuration,
    ) -> Self {
        assert!(
            cpus.iter().any(|&(_, w)| w > 0),
            "node '{node}': no CPU with a positive weight"
        );
        let mut pb = ProcessBroker {
            node: node.to_string(),
            cpus: cpus.to_vec(),
            up: vec![true; cpus.len()],
            spread,
            reservation,
            wrr: None,
        };
        pb.reweigh();
        pb
    }

    /// Its node's name, configured `(cpu, weight)` list and reservation length.
    pub fn describe(&self) -> (String, Vec<(u32, u32)>, SimDuration) {
        (self.node.clone(), self.cpus.clone(), self.reservation)
    }

    /// The length of a reservation.
    pub fn reservation(&self) -> SimDuration {
        self.reservation
    }

    /// The current weights, `(cpu, weight)` in configuration order, scaled as the module
    /// documentation says (down processors have weight 0). Only their ratios matter.
    pub fn weights(&self) -> Vec<(u32, u64)> {
        let n = self.up.iter().filter(|&&u| u).count() as u64;
        let failed: u64 = self.entries(false).map(|(_, w)| u64::from(w)).sum();
        let survived: u64 = self.entries(true).map(|(_, w)| u64::from(w)).sum();
        let proportional = self.spread == WeightSpread::Proportional && survived > 0;
        self.cpus
            .iter()
            .zip(&self.up)
            .map(|(&(cpu, w), &up)| {
                let w = u64::from(w);
                let weight = match (up, failed, proportional) {
                    (false, _, _) => 0,
                    (true, 0, _) => w,
                    (true, _, false) => w * n + failed,
                    (true, _, true) => w * (survived + failed),
                };
                (cpu, weight)
            })
            .collect()
    }

    /// Each processor's share of new servers [%], `(cpu, share)` in configuration order.
    pub fn shares_pct(&self) -> Vec<(u32, f64)> {
        let weights = self.weights();
        let total: u64 = weights.iter().map(|&(_, w)| w).sum();
        weights
            .into_iter()
            .map(|(cpu, w)| {
                let share = if total == 0 {
                    0.0
                } else {
                    100.0 * w as f64 / total as f64
                };
                (cpu, share)
            })
            .collect()
    }

    /// The processor for the next new server: round-robin by the current weights, or `None`
    /// with every processor of the node down.
    pub fn place(&mut self) -> Option<u32> {
        self.wrr.as_mut().map(|wrr| wrr.pick().0)
    }

    /// Grants a reservation at `now` to a class that holds `held` of its `maxservers`: a new
    /// server placed by [`ProcessBroker::place`], held for the reservation length.
    pub fn grant(
        &mut self,
        now: SimTime,
        held: u32,
        maxservers: u32,
    ) -> Result<Reservation, Refusal> {
        if held >= maxservers {
            return Err(Refusal::MaxServers);
        }
        let cpu = self.place().ok_or(Refusal::NoProcessor)?;
        Ok(Reservation {
            cpu,
            granted_at: now,
            expires_at: now + self.reservation,
        })
    }

    /// The node's processors that are down now: bit k for entry k of the NODE's CPU list (a
    /// NODE has at most 16 processors).
    pub fn down_mask(&self) -> u64 {
        self.up
            .iter()
            .enumerate()
            .filter(|&(_, &up)| !up)
            .fold(0, |m, (k, _)| m | 1 << k)
    }

    /// Whether a processor that was down when `down_mask` was taken (a [`Self::down_mask`])
    /// is up again: a server placed then was placed by spread weights.
    pub fn recovered_since(&self, down_mask: u64) -> bool {
        down_mask & !self.down_mask() != 0
    }

    /// Whether processor `cpu` belongs to the node and is up.
    pub fn is_up(&self, cpu: u32) -> bool {
        self.position(cpu).is_some_and(|k| self.up[k])
    }

    /// Processor `cpu` failed: it leaves the round and its weight is spread. Returns false
    /// (and changes nothing) when `cpu` is not the node's or is already down.
    pub fn processor_down(&mut self, cpu: u32) -> bool {
        self.set_up(cpu, false)
    }

    /// Processor `cpu` was reloaded: it rejoins with its configured weight. Returns false (and
    /// changes nothing) when `cpu` is not the node's or is up.
    pub fn processor_up(&mut self, cpu: u32) -> bool {
        self.set_up(cpu, true)
    }

    fn set_up(&mut self, cpu: u32, up: bool) -> bool {
        match self.position(cpu) {
            Some(k) if self.up[k] != up => {
                self.up[k] = up;
                self.reweigh();
                true
            }
            _ => false,
        }
    }

    fn position(&self, cpu: u32) -> Option<usize> {
        self.cpus.iter().position(|&(c, _)| c == cpu)
    }

    /// The `(cpu, configured weight)` entries that are up (`true`) or down (`false`).
    fn entries(&self, up: bool) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.cpus
            .iter()
            .zip(&self.up)
            .filter(move |&(_, &u)| u == up)
            .map(|(&e, _)| e)
    }

    /// Restarts the round-robin over the current weights.
    fn reweigh(&mut self) {
        let weights = self.weights();
        self.wrr = weights
            .iter()
            .any(|&(_, w)| w > 0)
            .then(|| SmoothWrr::over(&self.node, weights));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manual's node, `SET NODE CPUS (1:50, 2:25, 3:25, 5:0)`.
    fn manual_node(spread: WeightSpread) -> ProcessBroker {
        ProcessBroker::new(
            "SRV",
            &[(1, 50), (2, 25), (3, 25), (5, 0)],
            spread,
            RESERVATION_DEFAULT,
        )
    }

    fn counts(pb: &mut ProcessBroker, picks: usize) -> Vec<(u32, usize)> {
        let placed: Vec<u32> = (0..picks).map(|_| pb.place().unwrap()).collect();
        [1, 2, 3, 5]
            .iter()
            .map(|&c| (c, placed.iter().filter(|&&p| p == c).count()))
            .collect()
    }

    /// Every prefix of the placements keeps each processor within one server of its share
    /// (its weight over the total, times the servers placed so far).
    fn within_one_of_share(pb: &mut ProcessBroker, picks: usize) {
        let weights = pb.weights();
        let total: u64 = weights.iter().map(|&(_, w)| w).sum();
        let mut got = vec![0u64; weights.len()];
        for placed in 1..=picks as u64 {
            let cpu = pb.place().unwrap();
            got[weights.iter().position(|&(c, _)| c == cpu).unwrap()] += 1;
            for (k, &(cpu, w)) in weights.iter().enumerate() {
                let share = (placed * w) as f64 / total as f64;
                assert!(
                    (got[k] as f64 - share).abs() < 1.0,
                    "cpu {cpu}: {} servers after {placed}, share {share}",
                    got[k]
                );
            }
        }
    }

    /// Before any failure: 50/25/25 interleaved (1, 2, 3, 1, ...), the standby never.
    #[test]
    fn places_by_weight_and_keeps_the_standby() {
        let mut pb = manual_node(WeightSpread::Equal);
        let placed: Vec<u32> = (0..8).map(|_| pb.place().unwrap()).collect();
        assert_eq!(placed, vec![1, 2, 3, 1, 1, 2, 3, 1]);
        assert_eq!(
            counts(&mut pb, 400),
            vec![(1, 200), (2, 100), (3, 100), (5, 0)]
        );
        within_one_of_share(&mut manual_node(WeightSpread::Equal), 1000);
    }

    /// CPU 1 fails: its 50 is split equally over 2, 3 and 5, so the weights become 25 + 50/3,
    /// 25 + 50/3 and 50/3 of 100, i.e. (scaled by 3 survivors) 125, 125 and 50 of 300: the
    /// standby now gets a sixth of the new servers, CPU 1 none.
    #[test]
    fn failure_spreads_the_weight_equally_over_survivors() {
        let mut pb = manual_node(WeightSpread::Equal);
        assert!(pb.processor_down(1));
        assert!(!pb.is_up(1));
        assert_eq!(pb.weights(), vec![(1, 0), (2, 125), (3, 125), (5, 50)]);
        let shares: Vec<String> = pb
            .shares_pct()
            .iter()
            .map(|&(c, s)| format!("{c}:{s:.3}"))
            .collect();
        assert_eq!(shares, vec!["1:0.000", "2:41.667", "3:41.667", "5:16.667"]);
        assert_eq!(
            counts(&mut pb, 300),
            vec![(1, 0), (2, 125), (3, 125), (5, 50)]
        );
        within_one_of_share(&mut pb, 1000);
    }

    /// Proportional: CPU 1's 50 goes to 2 and 3 in the ratio 25:25, the standby stays one.
    /// Scaled by W = 50: w_i * (W + F) = 25 * 100 = 2500 each.
    #[test]
    fn proportional_spread_keeps_the_standby_until_it_is_the_last() {
        let mut pb = manual_node(WeightSpread::Proportional);
        pb.processor_down(1);
        assert_eq!(pb.weights(), vec![(1, 0), (2, 2500), (3, 2500), (5, 0)]);
        assert_eq!(counts(&mut pb, 100), vec![(1, 0), (2, 50), (3, 50), (5, 0)]);
        // 2 and 3 fail too: only the standby is left, and it takes everything.
        pb.processor_down(2);
        pb.processor_down(3);
        assert_eq!(counts(&mut pb, 10), vec![(1, 0), (2, 0), (3, 0), (5, 10)]);
    }

    /// Two failures: F = 50 + 25 = 75 over n = 2 survivors, weights 25 * 2 + 75 = 125 and
    /// 0 * 2 + 75 = 75 (62.5 % and 37.5 %).
    #[test]
    fn two_failures_add_their_weights() {
        let mut pb = manual_node(WeightSpread::Equal);
        pb.processor_down(1);
        pb.processor_down(2);
        assert_eq!(pb.weights(), vec![(1, 0), (2, 0), (3, 125), (5, 75)]);
        within_one_of_share(&mut pb, 400);
    }

    /// Reload: the configured weights return and the round restarts, so the placements are
    /// the configuration's sequence again and the reloaded processor gets servers.
    #[test]
    fn reload_restores_the_configured_weights() {
        let mut pb = manual_node(WeightSpread::Equal);
        pb.processor_down(1);
        pb.place();
        assert!(!pb.processor_down(1), "already down");
        assert!(pb.processor_up(1));
        assert!(!pb.processor_up(1), "already up");
        assert_eq!(pb.weights(), vec![(1, 50), (2, 25), (3, 25), (5, 0)]);
        let placed: Vec<u32> = (0..4).map(|_| pb.place().unwrap()).collect();
        assert_eq!(placed, vec![1, 2, 3, 1]);
    }

    /// The down mask names the failed entries; a placement made while 1 (entry 0) was down
    /// is recovered from once 1 is up, not while only another processor came back.
    #[test]
    fn down_mask_tells_what_came_back() {
        let mut pb = manual_node(WeightSpread::Equal);
        assert_eq!(pb.down_mask(), 0);
        pb.processor_down(1);
        pb.processor_down(3);
        let during = pb.down_mask();
        assert_eq!(during, 0b101);
        assert!(!pb.recovered_since(during));
        pb.processor_up(3);
        assert!(pb.recovered_since(during));
        assert!(!pb.recovered_since(pb.down_mask()), "1 still down");
        pb.processor_up(1);
        assert!(pb.recovered_since(0b001) && !pb.recovered_since(0));
    }

    /// A processor outside the node changes nothing.
    #[test]
    fn foreign_processors_are_ignored() {
        let mut pb = manual_node(WeightSpread::Equal);
        assert!(!pb.processor_down(7));
        assert!(!pb.is_up(7));
        assert_eq!(pb.weights(), vec![(1, 50), (2, 25), (3, 25), (5, 0)]);
    }

    /// Grants: expiry one reservation length after the grant; refused at MAXSERVERS, and with
    /// every processor down (916); granted again after a reload.
    #[test]
    fn grants_reservations_within_maxservers() {
        let mut pb = ProcessBroker::new(
            "SRV",
            &[(4, 1)],
            WeightSpread::Equal,
            SimDuration::from_secs(30),
        );
        assert_eq!(pb.reservation(), SimDuration::from_secs(30));
        let now = SimTime::ZERO + SimDuration::from_secs(5);
        assert_eq!(
            pb.grant(now, 1, 2),
            Ok(Reservation {
                cpu: 4,
                granted_at: now,
                expires_at: SimTime::ZERO + SimDuration::from_secs(35),
            })
        );
        assert_eq!(pb.grant(now, 2, 2), Err(Refusal::MaxServers));
        pb.processor_down(4);
        assert_eq!(pb.place(), None);
        assert_eq!(pb.grant(now, 0, 2), Err(Refusal::NoProcessor));
        assert!(pb.shares_pct().iter().all(|&(_, s)| s == 0.0));
        pb.processor_up(4);
        assert_eq!(pb.grant(now, 0, 2).map(|r| r.cpu), Ok(4));
    }
}
