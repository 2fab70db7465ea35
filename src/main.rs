//! The `ecsim` command. Everything the user types is turned into plain options in `cli`; the library never
//! prints or exits, and exit codes are decided in one place (`cli::main`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
