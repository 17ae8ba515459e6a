//! The `thresh` binary: a thin command line over the `thresh` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
