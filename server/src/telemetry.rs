//! Structured logs with `tracing`: text for people, JSON for machines.

use crate::config::LogConfig;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once, at start-up.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal: a log file, journald or a
    // collector reading a pipe gets plain text, not escape codes.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if config.json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        builder.compact().init();
    }
}
