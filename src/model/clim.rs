//! CLIMs: where the CIP stack's protocol work runs.
//!
//! Models (faults.md A.4, nonstop.md a.1, a.8): under CIP the IP function is split between the
//! NonStop host (the sockets API and the CIPSAM process) and the CLIMs [F CIP page-32]; the
//! protocol stack itself runs on the CLIM [I]. Each CLIM is a processor of its own, after the
//! host's, with `cores` cores; its protocol work runs in one process per core (kind `clim`,
//! named `<clim>.core<k>`), so the host processors pay none of it. A connection's protocol
//! work is done by the CLIM whose interface carries the connection's address, on the core
//! `session slot mod cores` [I] (Linux spreads flows over cores by a hash of the connection;
//! the slot stands for that hash and keeps a connection on one core). Its cost per message of
//! `b` bytes is `call_cpu + cpu_per_kib x b / 1024`, plus `tcpip.connect_cpu` when the
//! request opens its connection and `tcpip.close_cpu` when it closes it [I]. Every socket
//! call of the application is a message between the host and the CLIM over ServerNet [I]: an
//! IPC hop at the message system's cross-processor latency and, in the application's burst,
//! one cross-processor message end (`itinerary.rs`).
//!
//! Simplifies: the CIPSAM process is off the data path [F CIP page-186: aborting it leaves
//! existing sockets working] and is not modelled; the CLIM's own CPU per message end is in
//! `call_cpu`; no Linux scheduling beyond one run queue per CLIM; the CLIM's ServerNet and
//! Ethernet DMA are folded into the hop latency and the PIF.

use crate::engine::SimDuration;
use crate::scenario::Scenario;

use super::ids::{ProcessId, ProcessorId};
use super::lan::Lan;
use super::processor::{Cpus, ProcessKind};

/// One CLIM.
#[derive(Debug)]
pub struct Clim {
    /// Its name.
    pub name: String,
    /// The processor standing for it (after the host's).
    pub processor: ProcessorId,
    /// Its stack's process on each core.
    pub cores: Vec<ProcessId>,
    /// The protocol CPU of one socket call.
    pub call_cpu: SimDuration,
    /// The protocol CPU per KiB.
    pub cpu_per_kib: SimDuration,
}

/// The node's CLIMs (none unless the stack is CIP).
#[derive(Debug, Default)]
pub struct Clims {
    /// In scenario order.
    pub list: Vec<Clim>,
    /// Per PIF (LAN port): the CLIM it belongs to.
    of_port: Vec<u16>,
}

/// Scheduling priority of the CLIM's stack processes: they are alone in their processor.
const CLIM_PRIORITY: u8 = 199;

impl Clims {
    /// The scenario's CLIMs, each a processor with a stack process per core; `lan` has been
    /// built, its ports named `<clim>.eth<n>`.
    pub fn build(sc: &Scenario, cpus: &mut Cpus, lan: &Lan) -> Clims {
        let mut list = Vec::new();
        for c in &sc.tcpip.clims {
            let processor = cpus.add_processor(c.cores);
            let cores = (0..c.cores)
                .map(|k| {
                    cpus.spawn(
                        format!("{}.core{k}", c.name),
                        ProcessKind::Clim,
                        processor.0,
                        CLIM_PRIORITY,
                    )
                })
                .collect();
            list.push(Clim {
                name: c.name.clone(),
                processor,
                cores,
                call_cpu: c.call_cpu,
                cpu_per_kib: c.cpu_per_kib,
            });
        }
        let of_port = if list.is_empty() {
            Vec::new()
        } else {
            lan.pifs
                .iter()
                .map(|p| {
                    let clim = p.name.rsplit_once('.').map_or("", |(c, _)| c);
                    list.iter()
                        .position(|c| c.name == clim)
                        .expect("validated: a CLIM's interface") as u16
                })
                .collect()
        };
        Clims { list, of_port }
    }

    /// True under CIP.
    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    /// The CLIM that port `port` belongs to.
    pub fn of_port(&self, port: u16) -> usize {
        usize::from(self.of_port[usize::from(port)])
    }

    /// The ports (LAN PIFs) of CLIM `clim`, in order.
    pub fn ports(&self, clim: usize) -> Vec<u16> {
        (0..self.of_port.len() as u16)
            .filter(|&p| usize::from(self.of_port[usize::from(p)]) == clim)
            .collect()
    }

    /// The stack process of CLIM `clim` that does the work of the connection in session
    /// slot `slot`.
    pub fn core(&self, clim: usize, slot: u32) -> ProcessId {
        let cores = &self.list[clim].cores;
        cores[slot as usize % cores.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_stays_on_one_core_and_slots_spread_over_all() {
        let mut cpus = Cpus::new(2, 1);
        let mut clims = Clims::default();
        let p = cpus.add_processor(3);
        assert_eq!(p, ProcessorId(2));
        clims.list.push(Clim {
            name: "C0".into(),
            processor: p,
            cores: (0..3)
                .map(|k| cpus.spawn(format!("C0.core{k}"), ProcessKind::Clim, 2, 199))
                .collect(),
            call_cpu: SimDuration::ZERO,
            cpu_per_kib: SimDuration::ZERO,
        });
        let cores: Vec<ProcessId> = (0..6).map(|s| clims.core(0, s)).collect();
        assert_eq!(cores[0], cores[3]);
        assert_ne!(cores[0], cores[1]);
        assert_ne!(cores[1], cores[2]);
        assert!(cores.iter().all(|&c| cpus.processor_of(c) == p));
    }
}
