//! The requesters' retry policy (`workload.retry`; issue 15 item 4, faults.md A.5): a request
//! a fault has failed is reissued after a backoff instead of failing, while the policy allows.
//!
//! Models, for every request a fault fails (`failure.rs`'s `fault_failed`: a reset, 904 with
//! file-system error 201, a refused connection), before its client is told:
//! - **Whether it is reissued.** Only while attempts are left (`attempts` counts the sends of
//!   one request in all, the first included). [I] A request *reached a server* if a server
//!   process held it (its send has a server, or it failed with 904), or, on a path with no
//!   Pathsend (a parallel listener serving in its own process), if its listener had taken it
//!   in (its `Handled` leg was passed): its work may have been done. A request that reached a
//!   server is reissued only if it is `idempotent` or runs under TMF (`tmf = true`); one that
//!   did not (refused, or reset on its way in) is always reissued, since it cannot have been
//!   executed. [F] A TMF requester aborts the transaction and reissues it (PS-G p. 3-4):
//!   [I] a reissue counts as a TMF abort when the failed attempt had reached a server (work
//!   under the transaction to undo), and the abort adds `tmf_abort_delay` ([I] 50 ms,
//!   faults.md A.5) to the backoff.
//! - **Pathsend errors before a server** (issue 15 item 4): a send that fails with one of the
//!   policy's `errors` (default 902, 905, 916, 947: the rows of faults.md A.5's table that
//!   end a send before any server has it, [I]) cannot have been executed, so it is reissued
//!   while attempts are left, whatever `idempotent` says. 904 with file-system error 201 is
//!   a fault's and follows the rule above. [F] A 904 after a server TIMEOUT or a 918 after
//!   the call's own timeout is not reissued: its server still holds the request.
//! - **The reissue.** The failed attempt is *answered* (it is no longer in flight, and leaves
//!   as every failed request does, uncounted); a new attempt, linked to it (same session,
//!   class, work, sizes and first-send time `created`, `attempt` one more), waits
//!   `backoff` (`Location::Backoff`) and then starts its path again from the client: it opens
//!   a new connection (the failure took the old one; under the parallel stack the round-robin
//!   filter picks the instance again), and the connection carries the rest of its session.
//! - **Accounting.** The request stays offered once: `offered = completed + failed + in
//!   flight` holds with the new attempt in flight. A failure that is reissued is not a
//!   failure: only the last attempt's outcome counts. `requests.retried` counts reissues,
//!   `requests.tmf_aborts` those after an abort, and each fault its `retried`. A reissue's
//!   latency runs from the first send, and the time from its previous attempt's last clocked
//!   leg to the reissue is charged to the `syn_backoff` part.
//!
//! Simplifies: the policy draws no random numbers (arrivals, mix and work are unchanged by
//! it). [I] A reissue is not admitted again (`admitted` counts a request's first
//! connection), and its client has no patience timer (`abandon_after` covers the first
//! attempt only). A Pathsend error the policy does not list reaches the client.

use crate::engine::{Scheduler, SimDuration};
use crate::scenario::Retry;

use super::fault::Why;
use super::ids::{RequestId, SlabKey};
use super::itinerary::Leg;
use super::pathway::SendError;
use super::request::{Conn, Location, Request, Send};
use super::{Event, Node};

/// What the policy says about a failed attempt: `None` (no reissue) or `Some(tmf_abort)`.
/// `attempt` is the failed attempt's number (0 for the client's send); `reached` says the
/// attempt reached a server.
pub fn decide(policy: &Retry, attempt: u8, reached: bool) -> Option<bool> {
    if u32::from(attempt) + 1 >= policy.attempts {
        return None;
    }
    if reached && !policy.idempotent && !policy.tmf {
        return None;
    }
    Some(policy.tmf && reached)
}

impl Node {
    /// Request `r`, whose client still waits, has just been failed by a fault for `why`:
    /// returns true if its requester reissues it (the caller then counts no failure).
    pub(super) fn retry_after_fault(
        &mut self,
        r: RequestId,
        why: Why,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let Some(policy) = self.clients.retry else {
            return false;
        };
        let old = *self.requests.get(r);
        let reached = self.reached_server(&old, why);
        if !self.reissue_after(r, &policy, reached, s) {
            return false;
        }
        self.faults.charge_retry();
        // The failed attempt is answered: not in flight; the new one is.
        self.requests.fail_at_server(r);
        true
    }

    /// Request `r`, whose client still waits, has just failed with Pathsend error `error`
    /// before it reached a server: returns true if the policy lists `error` and its requester
    /// reissues it (the caller removes the failed attempt and counts no failure). [F] 902,
    /// 904/14, 915, 916 and 947/14 are a fault's doing (`fault::by_fault`): their reissues
    /// are charged to the latest fault.
    pub(super) fn retry_after_error(
        &mut self,
        r: RequestId,
        error: SendError,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let Some(policy) = self.clients.retry else {
            return false;
        };
        if !policy.errors.contains(error.code) {
            return false;
        }
        if !self.reissue_after(r, &policy, false, s) {
            return false;
        }
        if super::fault::by_fault(error) {
            self.faults.charge_retry();
        }
        true
    }

    /// The policy's decision on failed attempt `r` (`reached`: it reached a server); when it
    /// says reissue, the new attempt waits its backoff (plus `tmf_abort_delay` after a TMF
    /// abort), counted, and true is returned. The failed attempt is the caller's to end.
    fn reissue_after(
        &mut self,
        r: RequestId,
        policy: &Retry,
        reached: bool,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let old = *self.requests.get(r);
        let Some(tmf_abort) = decide(policy, old.attempt, reached) else {
            return false;
        };
        self.rec.retried(tmf_abort);
        let inst = &self.listeners.list[old.listener as usize].instances[old.instance as usize];
        let terminal = inst.endpoint.host.is_none();
        let new = self.requests.insert(Request {
            leg: 0,
            at: Location::New,
            attempt: old.attempt + 1,
            conn: Conn {
                // The failure took its connection: the reissue opens a new one.
                opens: !terminal,
                closes: old.conn.closes,
                syn_attempts: 0,
            },
            send: Send {
                link: None,
                server: None,
                served_by: None,
                queued_at: s.now(),
                queue_wait: SimDuration::ZERO,
                timeout: None,
                call_timeout: None,
                outstanding: false,
                ..old.send
            },
            hops: 0,
            send_failed: false,
            client_gone: false,
            patience: None,
            lost: false,
            ..old
        });
        let wait = if tmf_abort {
            policy.backoff + policy.tmf_abort_delay
        } else {
            policy.backoff
        };
        let retry = s.schedule_in(wait, Event::Reissue(new));
        self.requests.get_mut(new).at = Location::Backoff { retry };
        true
    }

    /// [I] Whether request `req`, failed for `why`, reached a server (see the module header).
    fn reached_server(&self, req: &Request, why: Why) -> bool {
        // (`Why::Lcs`: an LCS's death; it reached a server only if the LCS had forwarded it.)
        if why == Why::Server || req.send.server.is_some() {
            return true;
        }
        let legs = &self.listeners.list[req.listener as usize].instances[req.instance as usize]
            .path
            .legs;
        !legs.iter().any(|l| matches!(l, Leg::Pathsend))
            && legs[..usize::from(req.leg)]
                .iter()
                .any(|l| matches!(l, Leg::Handled))
    }

    /// The backoff of request `r` is over: its requester reissues it from the client, over a
    /// new connection.
    pub(super) fn reissue(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let req = self.requests.get_mut(r);
        // The rest of the failed attempt and the backoff: waiting to send again.
        let waited = (now - req.leg_started).as_nanos();
        req.spent_ns[8] += waited;
        req.leg_started = now;
        let terminal = self.listeners.list[req.listener as usize].instances[req.instance as usize]
            .endpoint
            .host
            .is_none();
        if self.stack.stack.shared_host() && !terminal {
            // A new connection to the round-robin filter (a terminal keeps its TCP).
            req.instance = self.clients.reconnect(req.session, &mut self.listeners);
        }
        let (session, listener, instance, class) =
            (req.session, req.listener, req.instance, req.class);
        let l = &self.listeners.list[listener as usize];
        let inst = &l.instances[instance as usize];
        let (route, requester) = (
            self.pathway.route(inst.send_to, class, l.local),
            inst.process,
        );
        let pif = match inst.endpoint.host {
            None => 0,
            Some(h) => self.lan.session_pif(session.slot() as usize, h, true),
        };
        let req = self.requests.get_mut(r);
        req.send.route = route;
        req.send.requester = requester;
        req.pif = pif;
        self.run(r, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(attempts: u32, idempotent: bool, tmf: bool) -> Retry {
        Retry {
            attempts,
            backoff: SimDuration::ZERO,
            idempotent,
            tmf,
            tmf_abort_delay: SimDuration::from_millis(50),
            errors: crate::scenario::ErrorSet::of(&crate::scenario::ErrorSet::DEFAULT),
        }
    }

    #[test]
    fn attempts_count_the_first_send() {
        // Three sends in all: the first (0) and the second (1) may fail and be reissued.
        let p = policy(3, true, false);
        assert_eq!(decide(&p, 0, true), Some(false));
        assert_eq!(decide(&p, 1, false), Some(false));
        assert_eq!(decide(&p, 2, false), None);
    }

    #[test]
    fn a_non_idempotent_request_that_reached_a_server_needs_tmf() {
        let p = policy(2, false, false);
        assert_eq!(decide(&p, 0, true), None);
        assert_eq!(decide(&p, 0, false), Some(false));
        let p = policy(2, false, true);
        assert_eq!(decide(&p, 0, true), Some(true), "aborted and reissued");
        assert_eq!(decide(&p, 0, false), Some(false), "nothing to abort");
    }
}
