//! Starts the server: `server [--demo] [--config FILE]`.
#![recursion_limit = "512"] // see frontend/src/lib.rs: full view types in release builds

use server::config::{CliArgs, Config};
use server::startup::Application;
use server::telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = CliArgs::parse(std::env::args().skip(1))?;
    let config = Config::load(&args)?;
    telemetry::init(&config.log);
    let application = Application::build(config).await?;
    application.run_until_stopped().await?;
    Ok(())
}
