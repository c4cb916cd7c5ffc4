//! Listener processes: distributors and parallel listeners.
//!
//! Models the seed's two listening models:
//! - *Distributor*: accepts connections and relays every request through Pathsend to the
//!   request's server class, then relays the reply back to the client. All data flows through
//!   it, which the manual names as the potential bottleneck. CPU per message it handles:
//!   `handle_cpu` inbound and again outbound, plus the message-system send and receive costs.
//! - *Parallel listener*: an instance on every listed processor, sharing the port through
//!   round-robin filtering, doing the request's work (the server class's service demand) in its
//!   own process and processor: no hop at all under TCP/IPv6.
//!
//! A listener is one process per instance and so runs one burst at a time; it never blocks
//! while a request is at a server or in I/O (Guardian nowait I/O), so only its CPU serialises.
//!
//! A parallel listener may instead hand each request to a server of its class in its own
//! processor (`serve = "local-server-class"`): one same-processor Pathsend hop each way.
//!
//! Simplifies: the standard, hybrid and broker listener models are not modelled.

use crate::engine::SimDuration;
use crate::scenario::ListenerModel;

use super::ids::{ProcessId, ProcessorId};
use super::itinerary::Itinerary;
use super::tcpip::Endpoint;

/// One listener instance (one process in one processor).
#[derive(Debug)]
pub struct ListenerInstance {
    /// Its process.
    pub process: ProcessId,
    /// Its processor.
    pub processor: ProcessorId,
    /// Where its sockets live.
    pub endpoint: Endpoint,
    /// Index of the send target its Pathsend requests go to.
    pub send_to: usize,
    /// Connections waiting for its accept (the listen backlog in use).
    pub pending_accepts: u32,
    /// Connections accepted.
    pub connections: u64,
    /// Requests handled.
    pub requests: u64,
    /// SYNs dropped at its full backlog.
    pub syn_drops: u64,
    /// The path its requests take.
    pub path: Itinerary,
}

/// A listener: its instances share one port.
#[derive(Debug)]
pub struct Listener {
    /// Distributor or parallel listener.
    pub model: ListenerModel,
    /// Instances in round-robin order.
    pub instances: Vec<ListenerInstance>,
    /// CPU to accept a connection.
    pub accept_cpu: SimDuration,
    /// CPU per request and per reply handled.
    pub handle_cpu: SimDuration,
    /// Sends each request through Pathsend (a distributor, or a parallel listener with a
    /// local server class) rather than doing the work itself.
    pub relays: bool,
    /// Its Pathsend requests may only go to servers in the listener's own processor.
    pub local: bool,
    next: u32,
}

impl Listener {
    /// A listener over `instances`.
    pub fn new(
        model: ListenerModel,
        instances: Vec<ListenerInstance>,
        accept_cpu: SimDuration,
        handle_cpu: SimDuration,
    ) -> Self {
        assert!(!instances.is_empty(), "a listener needs an instance");
        Listener {
            model,
            instances,
            accept_cpu,
            handle_cpu,
            relays: model == ListenerModel::Distributor,
            local: false,
            next: 0,
        }
    }

    /// The instance that gets the next new connection: the adapter's round-robin filter
    /// (parallel stack) or the clients spreading connections over the IP hosts (conventional).
    /// Either way: first, second, ..., last, then the first again.
    pub fn round_robin(&mut self) -> u32 {
        let i = self.next;
        self.next = (self.next + 1) % self.instances.len() as u32;
        i
    }
}

/// Every listener of the node (for Pathway/XM: one per TCP template).
#[derive(Debug, Default)]
pub struct Listeners {
    /// Listeners, in scenario order.
    pub list: Vec<Listener>,
}

impl Listeners {
    /// Instance `instance` of listener `listener`, mutably.
    pub fn instance_mut(&mut self, listener: usize, instance: usize) -> &mut ListenerInstance {
        &mut self.list[listener].instances[instance]
    }
    /// A SYN reaches the listening socket of an instance: true if it joins the accept queue
    /// (the listen backlog of `backlog` has room), false if it is dropped.
    pub fn admit_syn(&mut self, listener: usize, instance: usize, backlog: u32) -> bool {
        let inst = self.instance_mut(listener, instance);
        if inst.pending_accepts < backlog {
            inst.pending_accepts += 1;
            true
        } else {
            inst.syn_drops += 1;
            false
        }
    }
    /// The instance has handled a request's inbound part; `opens`: it accepted its connection.
    pub fn handled(&mut self, listener: usize, instance: usize, opens: bool) {
        let inst = self.instance_mut(listener, instance);
        inst.requests += 1;
        if opens {
            inst.pending_accepts -= 1;
            inst.connections += 1;
        }
    }
    /// Every instance of every listener, in order.
    pub fn instances(&self) -> impl Iterator<Item = &ListenerInstance> {
        self.list.iter().flat_map(|l| l.instances.iter())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::tcpip::Endpoint;

    /// A listener instance in processor `cpu` behind the shared parallel-stack PIF (also used
    /// by the clients' tests).
    pub(crate) fn instance(cpu: u32) -> ListenerInstance {
        ListenerInstance {
            process: ProcessId(cpu),
            processor: ProcessorId(cpu),
            endpoint: Endpoint {
                tcpip: None,
                host: Some(0),
                ip_host: "shared".into(),
            },
            send_to: 0,
            pending_accepts: 0,
            connections: 0,
            requests: 0,
            syn_drops: 0,
            path: Default::default(),
        }
    }

    #[test]
    fn connections_go_round_robin_over_the_instances() {
        let mut l = Listener::new(
            ListenerModel::Parallel,
            vec![instance(0), instance(1), instance(2)],
            SimDuration::ZERO,
            SimDuration::ZERO,
        );
        let got: Vec<u32> = (0..7).map(|_| l.round_robin()).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0]);
        assert!(!l.relays, "a parallel listener works in-process");
    }

    #[test]
    fn a_full_backlog_drops_syns_until_an_accept() {
        let mut ls = Listeners {
            list: vec![Listener::new(
                ListenerModel::Distributor,
                vec![instance(0)],
                SimDuration::ZERO,
                SimDuration::ZERO,
            )],
        };
        assert!(ls.admit_syn(0, 0, 2));
        assert!(ls.admit_syn(0, 0, 2));
        assert!(!ls.admit_syn(0, 0, 2), "backlog of 2 is full");
        ls.handled(0, 0, true);
        assert!(ls.admit_syn(0, 0, 2), "the accept made room");
        let i = ls.instance_mut(0, 0);
        assert_eq!((i.syn_drops, i.connections, i.requests), (1, 1, 1));
    }
}
