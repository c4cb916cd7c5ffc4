//! Scenario files: TOML -> raw serde structs -> validated, typed [`Scenario`].

mod types;

pub use types::*;
