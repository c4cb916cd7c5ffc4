//! Pathway/XM: servers return to a reloaded processor of the server node, NUMSTATIC
//! reservations included (`faults.md` A.9 Reload; AVAIL p. 6-11, page-165: "the LCS drops
//! links to existing servers as they finish ... new servers start on the reloaded CPU").
//!
//! What is modelled:
//! - a reservation beyond NUMSTATIC is dropped when it expires and the next server is placed by
//!   the PB's current weights (`lcs.rs`), so after a reload those return by themselves;
//! - a NUMSTATIC reservation is renewed when it expires, so it would stay for ever where the PB
//!   put it during the failure. The LCS therefore remembers, per reservation, which processors
//!   were down when its server was placed; when it expires after one of them is up again, the
//!   LCS renews it once more *and* asks the PB for a replacement, placed by the current weights.
//!   When the replacement runs the old server is dropped (at once if idle, after its reply if
//!   busy), so the LCS never holds fewer than NUMSTATIC meanwhile.
//!
//! Simplified, and why ([I]: our inference; the manuals say only that old servers are dropped
//! as their reservations expire and new ones start on the reloaded processor):
//! - the replacement is made before the old server goes (make before break), as the class
//!   keeps NUMSTATIC servers "permanently"; the PB grants it while the class holds fewer than
//!   twice MAXSERVERS (PXM page-90: reservations may briefly reach 2x MAXSERVERS), so a class
//!   with NUMSTATIC = MAXSERVERS is replaced too, and it holds more than MAXSERVERS only while
//!   a replaced server that was busy finishes its request. When the PB refuses (no processor,
//!   or 2x MAXSERVERS held) the old reservation is simply renewed and replacement is tried
//!   again at its next expiry;
//! - the PB places the replacement by the restored weights like any new server, so it lands on
//!   the reloaded processor in proportion to that processor's weight, not necessarily there;
//! - the down processors are read when the server starts running (`process_creation` after its
//!   grant): a reload inside that window leaves the server as placed.

use super::{Pathway, PwCtx};

impl Pathway {
    /// Reservation `k` of LCS `lcs` was just renewed: if its server was placed while a
    /// processor that is up now was down, ask the PB for a replacement (once).
    pub(super) fn lcs_replace_if_displaced(&mut self, lcs: usize, k: usize, x: &mut PwCtx) {
        let Some(pb) = self.broker.as_ref() else {
            return;
        };
        let v = &self.lcss[lcs].reserved[k];
        if v.replaced || !pb.recovered_since(v.placed_down) {
            return;
        }
        if let Some(server) = self.lcs_grant(lcs, true, x) {
            let l = &mut self.lcss[lcs];
            l.reserved[k].replaced = true;
            l.replacements.push(server);
        }
    }

    /// `server` has joined the reservations of LCS `lcs`: if it is a replacement, the oldest
    /// replaced reservation is dropped (after its reply, if its server is busy).
    pub(super) fn lcs_replacement_ready(&mut self, lcs: usize, server: usize, x: &mut PwCtx) {
        let l = &mut self.lcss[lcs];
        let Some(at) = l.replacements.iter().position(|&s| s == server) else {
            return;
        };
        l.replacements.remove(at);
        // The replaced reservation may have been lost with a processor since.
        let Some(k) = l.reserved.iter().position(|v| v.replaced) else {
            return;
        };
        l.stats.replaced += 1;
        if l.reserved[k].busy_since.is_some() {
            l.reserved[k].drop_after_reply = true;
        } else {
            self.lcs_drop(lcs, k, x);
        }
    }

    /// `server`, being created for LCS `lcs`, was lost with its processor: if it was a
    /// replacement, the reservation it was to replace is replaced again at its next expiry.
    pub(super) fn lcs_replacement_lost(&mut self, lcs: usize, server: usize) {
        let l = &mut self.lcss[lcs];
        if let Some(at) = l.replacements.iter().position(|&s| s == server) {
            l.replacements.remove(at);
            if let Some(v) = l.reserved.iter_mut().find(|v| v.replaced) {
                v.replaced = false;
            }
        }
    }
}
