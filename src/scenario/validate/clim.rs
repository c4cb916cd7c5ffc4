//! `[[clim]]`: the CLIMs of the CIP stack, and the names of their interfaces in `tcpip.pifs`
//! (`<clim>.eth<n>`).

use super::*;

/// Most CLIMs a node is given here.
pub const MAX_CLIMS: usize = 32;
/// Most cores of one CLIM.
pub const MAX_CLIM_CORES: u32 = 64;
/// Ethernet ports of a CLIM an address may be on: `eth1` ..= `eth5` [I] (an IP CLIM's
/// customer ports).
pub const MAX_CLIM_PORTS: u32 = 5;

impl Checker {
    /// The CLIMs, valid under the CIP stack only (at least one there).
    pub(super) fn clims(&mut self, raw: &[RawClim], stack: Option<StackKind>) -> Vec<Clim> {
        match stack {
            Some(StackKind::Cip) if raw.is_empty() => self.err(
                "tcpip.stack",
                "the CIP stack runs on CLIMs: add at least one, e.g. [[clim]] name = \"C0\"",
            ),
            Some(StackKind::Cip) | None => {}
            Some(_) if raw.is_empty() => return Vec::new(),
            Some(_) => {
                self.err(
                    "clim",
                    "[[clim]] entries belong to the CIP stack; set tcpip.stack = \"cip\" or remove them",
                );
                return Vec::new();
            }
        }
        self.at_most(
            "clim",
            raw.len() as u64,
            MAX_CLIMS as u64,
            "the number of [[clim]]",
        );
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for (i, c) in raw.iter().enumerate() {
            let field = format!("clim[{i}]");
            let name =
                self.required_name(&format!("{field}.name"), c.name.as_ref(), "name = \"C0\"");
            if !name.is_empty()
                && !name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            {
                self.err(
                    format!("{field}.name"),
                    format!("CLIM name `{name}` may hold letters, digits, `-` and `_` only, e.g. \"C1002531\""),
                );
            }
            self.unique(&mut seen, &name, &format!("{field}.name"), "CLIM");
            let cores = c.cores.unwrap_or(8);
            if !(1..=MAX_CLIM_CORES).contains(&cores) {
                self.err(
                    format!("{field}.cores"),
                    format!("cores must be between 1 and {MAX_CLIM_CORES}, got {cores}"),
                );
            }
            self.clim_names.push(name.clone());
            out.push(Clim {
                name,
                cores: cores.clamp(1, MAX_CLIM_CORES),
                call_cpu: self.duration(&format!("{field}.call_cpu"), c.call_cpu.as_ref(), "15us"),
                cpu_per_kib: self.unit_cost(
                    &format!("{field}.cpu_per_kib"),
                    c.cpu_per_kib.as_ref(),
                    "0.5us",
                ),
            });
        }
        out
    }
}

/// Reads a CLIM interface name `<clim>.eth<n>`: the index of its CLIM in `clims`.
pub(crate) fn parse_clim_interface(name: &str, clims: &[Clim]) -> Result<usize, String> {
    let names = || list_names(clims.iter().map(|c| &c.name).collect::<Vec<_>>());
    let bad = || {
        format!(
            "`{name}` is not a CLIM interface; write <clim>.eth<n>, e.g. \"{}.eth1\" (n 1..={MAX_CLIM_PORTS}; CLIMs: {})",
            clims.first().map_or("C0", |c| c.name.as_str()),
            names()
        )
    };
    let (clim, port) = name.rsplit_once('.').ok_or_else(bad)?;
    let n: u32 = port
        .strip_prefix("eth")
        .and_then(|n| n.parse().ok())
        .filter(|n| (1..=MAX_CLIM_PORTS).contains(n))
        .ok_or_else(bad)?;
    let _ = n;
    clims.iter().position(|c| c.name == clim).ok_or_else(|| {
        format!(
            "`{name}`: there is no CLIM `{clim}`; the CLIMs are {}",
            names()
        )
    })
}
