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
//! Under CIP a listener may run several instances in one processor on one port [F CIP
//! page-34]; the manuals do not say how CIP hands connections to the listeners sharing a
//! port, so here it is TCP/IPv6's round robin over the instances, in listed order [?].
//!
//! Simplifies: the standard, hybrid and broker listener models are not modelled.

use crate::engine::SimDuration;
use crate::scenario::{ListenerModel, Scenario, Serve, StackKind, TcpIp};

use super::ids::{ProcessId, ProcessorId};
use super::itinerary::{Itinerary, PathSpec};
use super::pathway_xm::XmAssignment;
use super::processor::{Cpus, ProcessKind};
use super::tcpip::Endpoint;
use crate::stats::ListenerResult;

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
    /// Taken out of the round-robin filter: its processor was declared down (parallel
    /// stack), until it is restarted.
    pub down: bool,
    /// The path its requests take.
    pub path: Itinerary,
}

impl ListenerInstance {
    /// Instance `process` in processor `cpu`, its sockets at `endpoint`, sending to target
    /// `send_to`; nothing handled yet, its path to be built.
    pub fn new(process: ProcessId, cpu: u32, endpoint: Endpoint, send_to: usize) -> Self {
        ListenerInstance {
            process,
            processor: ProcessorId(cpu),
            endpoint,
            send_to,
            pending_accepts: 0,
            connections: 0,
            requests: 0,
            syn_drops: 0,
            down: false,
            path: Itinerary::default(),
        }
    }
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
    /// The port its instances listen on (0 for Pathway/XM TCPs).
    pub port: u16,
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
            port: 0,
            next: 0,
        }
    }

    /// The instance that gets the next new connection: the adapter's round-robin filter
    /// (parallel stack) or the clients spreading connections over the IP hosts (conventional).
    /// Either way: first, second, ..., last, then the first again.
    /// Instances taken out of the filter are skipped (while one is left).
    pub fn round_robin(&mut self) -> u32 {
        let n = self.instances.len() as u32;
        let mut i = self.next;
        for _ in 0..n {
            i = self.next;
            self.next = (self.next + 1) % n;
            if !self.instances[i as usize].down {
                break;
            }
        }
        i
    }
}

/// Every listener of the node (for Pathway/XM: one per TCP template).
#[derive(Debug, Default)]
pub struct Listeners {
    /// Listeners, in scenario order.
    pub list: Vec<Listener>,
    /// Under ACS with a CPU per send: each processor's redirector and that CPU (kept to
    /// re-price the paths after a takeover).
    redirectors: Option<(Vec<ProcessId>, SimDuration)>,
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
    /// Processor `cpu` was declared down (`down`) or restarted: its instances leave or rejoin
    /// the round-robin filter.
    pub fn set_down(&mut self, cpu: ProcessorId, down: bool) {
        for inst in self.list.iter_mut().flat_map(|l| l.instances.iter_mut()) {
            if inst.processor == cpu {
                inst.down = down;
            }
        }
    }

    /// The instance whose process is `p` died (`process_kill`): it leaves the round-robin
    /// filter.
    pub fn process_down(&mut self, p: ProcessId) {
        for inst in self.list.iter_mut().flat_map(|l| l.instances.iter_mut()) {
            if inst.process == p {
                inst.down = true;
            }
        }
    }

    /// The instance whose process is `p` now runs in processor `cpu` (its backup took over):
    /// back in the round-robin filter.
    pub fn process_moved(&mut self, p: ProcessId, cpu: ProcessorId) {
        for inst in self.list.iter_mut().flat_map(|l| l.instances.iter_mut()) {
            if inst.process == p {
                inst.processor = cpu;
                inst.down = false;
            }
        }
    }

    /// True when another listener instance than process `p`'s, up by `up`, listens in
    /// processor `cpu` on `p`'s port: [F] `p`'s backup taking over there cannot listen
    /// (V6-24 page-114).
    pub fn port_taken(
        &self,
        p: ProcessId,
        cpu: ProcessorId,
        up: impl Fn(ProcessId) -> bool,
    ) -> bool {
        let Some(port) = self
            .list
            .iter()
            .find(|l| l.instances.iter().any(|i| i.process == p))
            .map(|l| l.port)
        else {
            return false;
        };
        self.list
            .iter()
            .filter(|l| l.port == port)
            .flat_map(|l| l.instances.iter())
            .any(|i| i.process != p && i.processor == cpu && up(i.process))
    }

    /// Processor `cpu` is up again and its instances are restarted: empty backlogs, back in
    /// the filter.
    pub fn restarted(&mut self, cpu: ProcessorId) {
        for inst in self.list.iter_mut().flat_map(|l| l.instances.iter_mut()) {
            if inst.processor == cpu {
                inst.pending_accepts = 0;
                inst.down = false;
            }
        }
    }

    /// The scenario's listeners, an instance per listed processor (`<name>-<cpu>`), each
    /// listening through its TCP/IP process `stack[i]` (conventional) or the shared parallel
    /// stack.
    pub fn build(sc: &Scenario, stack: &[ProcessId], cpus: &mut Cpus) -> Self {
        let mut list = Vec::new();
        for l in &sc.listeners {
            let kind = match l.model {
                ListenerModel::Distributor => ProcessKind::Distributor,
                ListenerModel::Parallel => ProcessKind::Listener,
            };
            let mut instances = Vec::new();
            let names = l.instance_names();
            for (i, &cpu) in l.processors.iter().enumerate() {
                let endpoint = match sc.tcpip.stack {
                    StackKind::Conventional => {
                        let t = l.tcpip[i];
                        Endpoint {
                            tcpip: Some(stack[t]),
                            host: Some(u16::try_from(t).expect("at most 64 TCP/IP processes")),
                            ip_host: sc.tcpip.processes[t].name.clone(),
                        }
                    }
                    StackKind::Parallel | StackKind::Cip => Endpoint {
                        tcpip: None,
                        host: Some(0),
                        ip_host: "shared".to_string(),
                    },
                };
                let process = cpus.spawn(names[i].clone(), kind, cpu, l.priority);
                if l.pair && sc.system.processors > 1 {
                    // [I] The backup in the next processor, as for a `$ZTCn`.
                    cpus.pair(process, (cpu + 1) % sc.system.processors);
                }
                instances.push(ListenerInstance::new(process, cpu, endpoint, 0));
            }
            let mut listener = Listener::new(l.model, instances, l.accept_cpu, l.handle_cpu);
            listener.port = l.port;
            if l.serve == Serve::LocalServerClass {
                listener.relays = true;
                listener.local = true;
            }
            list.push(listener);
        }
        Listeners {
            list,
            redirectors: None,
        }
    }

    /// Pathway/XM: a TCP process per planned TCP (pairs where the plan gives a backup), one
    /// listener per TCP template so that each keeps its template's CPU cost, each TCP sending
    /// to its PATHMON. Also returns where each planned TCP is: (listener, instance).
    pub fn build_tcps(
        xm: &crate::scenario::PathwayXm,
        plan: &XmAssignment,
        cpus: &mut Cpus,
    ) -> (Self, Vec<(u16, u32)>) {
        let mut list = Vec::new();
        let mut slot = vec![(0u16, 0u32); plan.tcps.len()];
        for (t, template) in xm.tcp_templates.iter().enumerate() {
            let listener = u16::try_from(list.len()).expect("few templates");
            let mut instances = Vec::new();
            for (i, tcp) in plan
                .tcps
                .iter()
                .enumerate()
                .filter(|(_, p)| p.template == t)
            {
                slot[i] = (listener, instances.len() as u32);
                let process = cpus.spawn(
                    tcp.name.clone(),
                    ProcessKind::Tcp,
                    tcp.primary,
                    template.priority,
                );
                if let Some(b) = tcp.backup {
                    cpus.pair(process, b);
                }
                let endpoint = Endpoint {
                    tcpip: None,
                    host: None,
                    ip_host: "terminals".to_string(),
                };
                instances.push(ListenerInstance::new(
                    process,
                    tcp.primary,
                    endpoint,
                    tcp.pathmon,
                ));
            }
            if !instances.is_empty() {
                list.push(Listener::new(
                    ListenerModel::Distributor,
                    instances,
                    SimDuration::ZERO,
                    template.handle_cpu,
                ));
            }
        }
        (
            Listeners {
                list,
                redirectors: None,
            },
            slot,
        )
    }

    /// Every listener instance's path, once its process, socket and role are known.
    /// `redirectors`: under ACS with a CPU per send, each processor's redirector and that CPU.
    pub fn build_paths(
        &mut self,
        cpus: &Cpus,
        stack: &TcpIp,
        redirectors: Option<(&[ProcessId], SimDuration)>,
    ) {
        self.redirectors = redirectors.map(|(r, cpu)| (r.to_vec(), cpu));
        self.repath(cpus, stack);
    }

    /// Prices every instance's path from where its processes run now: the hop between a
    /// conventional TCP/IP process and its listener is same-processor or ServerNet, and under
    /// ACS the send goes through the redirector of the listener's processor. Called at build
    /// and after a takeover moved a `$ZTCn` or a listener (issue 15 item 4). The legs stay the
    /// same (only their costs change), so requests on their way keep their place.
    pub fn repath(&mut self, cpus: &Cpus, stack: &TcpIp) {
        let redirectors = self.redirectors.as_ref().map(|(r, cpu)| (&r[..], *cpu));
        for l in &mut self.list {
            for inst in &mut l.instances {
                let stack_cross = inst
                    .endpoint
                    .tcpip
                    .is_some_and(|t| cpus.processor_of(t) != inst.processor);
                let spec = PathSpec {
                    listener: inst.process,
                    tcpip: inst.endpoint.tcpip,
                    clim: stack.stack == StackKind::Cip && inst.endpoint.host.is_some(),
                    host: inst.endpoint.host,
                    relays: l.relays,
                    stack_cross,
                    accept: l.accept_cpu,
                    handle: l.handle_cpu,
                    redirector: redirectors
                        .map(|(rout, cpu)| (rout[inst.processor.0 as usize], cpu)),
                };
                inst.path = Itinerary::build(&spec, stack);
            }
        }
    }

    /// Every instance of every listener, in order.
    pub fn instances(&self) -> impl Iterator<Item = &ListenerInstance> {
        self.list.iter().flat_map(|l| l.instances.iter())
    }
    /// Per instance, in order: what it handled (names from `cpus`).
    pub fn results(&self, cpus: &Cpus) -> Vec<ListenerResult> {
        self.instances()
            .map(|i| ListenerResult {
                name: cpus.process(i.process).name.clone(),
                processor: i.processor.0,
                ip_host: i.endpoint.ip_host.clone(),
                connections: i.connections,
                requests: i.requests,
                syn_drops: i.syn_drops,
            })
            .collect()
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
            down: false,
            path: Default::default(),
        }
    }

    #[test]
    fn a_takeover_reprices_the_messages_between_a_ztc_and_its_listener() {
        // Issue 15 item 4, concern (b): `$ZTC1` (processor 1) serves a distributor in
        // processor 2, so their messages cross ServerNet. Its backup in processor 2 takes
        // over: after `repath` the same legs pay the same-processor rate.
        use crate::engine::{Scheduler, SimTime};
        use crate::model::itinerary::Leg;
        use crate::model::processor::ProcessKind;
        use crate::stats::Recorder;
        let mut cpus = Cpus::new(3, 1);
        let ztc = cpus.spawn("$ZTC1".into(), ProcessKind::TcpIp, 1, 199);
        cpus.pair(ztc, 2);
        let dist = cpus.spawn("$DIST-2".into(), ProcessKind::Distributor, 2, 150);
        let mut inst = instance(2);
        inst.process = dist;
        inst.endpoint.tcpip = Some(ztc);
        let mut ls = Listeners {
            redirectors: None,
            list: vec![Listener::new(
                ListenerModel::Distributor,
                vec![inst],
                SimDuration::ZERO,
                SimDuration::ZERO,
            )],
        };
        let stack = crate::model::tcpip::free_stack(crate::scenario::StackKind::Conventional);
        ls.build_paths(&cpus, &stack, None);
        let cross = |ls: &Listeners| -> u32 {
            ls.list[0].instances[0]
                .path
                .legs
                .iter()
                .map(|l| match l {
                    Leg::Cpu { cost, .. } => {
                        u32::from(cost.msgs.ipc_cross[0]) + u32::from(cost.msgs.ipc_cross[1])
                    }
                    _ => 0,
                })
                .sum()
        };
        let before = cross(&ls);
        assert!(before > 0, "the messages cross ServerNet before");
        let mut rec = Recorder::new(
            SimTime::ZERO,
            SimTime(1_000_000),
            SimDuration::from_micros(100),
            0,
        );
        let mut sched: Scheduler<crate::model::Event> = Scheduler::new();
        let mut ctx = crate::model::Ctx {
            sched: &mut sched,
            rec: &mut rec,
        };
        cpus.kill_primary(ztc, &mut ctx);
        cpus.take_over(ztc, &mut ctx);
        assert_eq!(cpus.processor_of(ztc), ProcessorId(2));
        assert_eq!(cross(&ls), before, "priced at build until repath");
        ls.repath(&cpus, &stack);
        assert_eq!(cross(&ls), 0, "same processor now");
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
            redirectors: None,
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
