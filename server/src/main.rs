//! Starts the server: `server [--demo] [--config FILE]`; or, with
//! `--backup FILE` or `--after-restore`, does that to its database and exits
//! (see `server::backup`).
#![recursion_limit = "512"] // see frontend/src/lib.rs: full view types in release builds

use app::db::{Db, PoolSettings};
use server::config::{CliArgs, Config, Task};
use server::startup::Application;
use server::telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = CliArgs::parse(std::env::args().skip(1))?;
    let config = Config::load(&args)?;
    telemetry::init(&config.log);
    if let Some(task) = &args.task {
        return run_task(task, &config).await;
    }
    let application = Application::build(config).await?;
    application.run_until_stopped().await?;
    Ok(())
}

async fn run_task(task: &Task, config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url, &PoolSettings::default())
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    match task {
        Task::Backup(file) => {
            server::backup::backup_sqlite(&db, file).await?;
            println!("backup written to {}", file.display());
        }
        Task::AfterRestore => {
            db.migrate()
                .await
                .map_err(|e| anyhow::anyhow!("cannot migrate the database: {e}"))?;
            let done = server::backup::after_restore(&db, config.clock.now()).await?;
            println!(
                "restored database made safe: {} sessions ended, {} unsent messages held, \
                 {} recovery codes voided",
                done.sessions_ended, done.mail_held, done.codes_voided
            );
        }
    }
    db.close().await;
    Ok(())
}
