//! The `nssim` binary: parse the command line, hand over to the library, map to an exit code.

fn main() -> std::process::ExitCode {
    nssim::cli::main()
}
