//! Configuration: built-in defaults, then an optional TOML file, then the
//! environment, each overriding the one before.

use app::auth::SessionSettings;
use app::clinic::ClinicInfo;
use app::clock::Clock;
use app::requests::attachments::AttachmentStore;
use app::security::RateLimit;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Command-line arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliArgs {
    /// Seed demo content into an empty database before serving.
    pub demo: bool,
    /// A TOML file with settings (also `CABINET_CONFIG`).
    pub config_file: Option<PathBuf>,
    /// Instead of serving: what to do to the database, then exit.
    pub task: Option<Task>,
}

/// A one-off job on the configured database instead of serving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Task {
    /// `--backup FILE`: a consistent copy of a SQLite database.
    Backup(PathBuf),
    /// `--after-restore`: end sessions, hold unsent mail, void recovery
    /// codes in a database just restored from a backup.
    AfterRestore,
}

impl CliArgs {
    pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<CliArgs> {
        let mut parsed = CliArgs::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => parsed.demo = true,
                "--config" => {
                    let path = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--config needs a file path"))?;
                    parsed.config_file = Some(PathBuf::from(path));
                }
                "--backup" => {
                    let path = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--backup needs a file path"))?;
                    parsed.task = Some(Task::Backup(PathBuf::from(path)));
                }
                "--after-restore" => parsed.task = Some(Task::AfterRestore),
                other => anyhow::bail!(
                    "unknown argument {other:?}; usage: server [--demo] [--config FILE] \
                     [--backup FILE | --after-restore]"
                ),
            }
        }
        Ok(parsed)
    }
}

/// Where outgoing mail goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// An SMTP server, e.g. `smtp://127.0.0.1:1025`.
    Smtp(String),
    /// No SMTP server configured: each message is written as an `.eml` file
    /// into this folder and logged.
    Folder(PathBuf),
}

/// Log output settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `server=debug,sqlx=warn`.
    pub filter: String,
    /// One JSON object per line instead of text.
    pub json: bool,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// The folder with the built site (`pkg/`, assets).
    pub site_root: String,
    pub mail: MailTransport,
    pub log: LogConfig,
    pub clinic: ClinicInfo,
    pub demo: bool,
    /// Where patients reach the cabinet (`PUBLIC_URL`); `https://` turns on
    /// secure cookies and HSTS.
    pub public_url: String,
    pub sessions: SessionSettings,
    pub rate_limit: RateLimit,
    /// How many requests one patient may send in an hour
    /// (`REQUESTS_PER_HOUR`): a queue is not flooded by one account.
    pub requests_per_hour: u32,
    /// Where the bytes of files attached to requests are kept
    /// (`ATTACHMENTS_DIR`): in that folder, or in the database when unset.
    pub attachments: AttachmentStore,
    /// The most one attached file may hold, in bytes
    /// (`ATTACHMENT_MAX_BYTES`, 10 MiB unless set).
    pub attachment_max_bytes: usize,
    /// The sender of the cabinet's mail (`MAIL_FROM`).
    pub mail_from: String,
    /// The time; tests set a manual clock.
    pub clock: Clock,
    /// Our reverse proxies, whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Deliver mail in the background. Tests turn it off and deliver by
    /// calling the worker themselves, so they see the outbox before delivery.
    pub mail_in_background: bool,
}

/// The settings file: every key optional, the same names as the environment
/// variables in lower case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    leptos_site_addr: Option<String>,
    leptos_site_root: Option<String>,
    smtp_url: Option<String>,
    log_level: Option<String>,
    log_format: Option<String>,
    clinic_name: Option<String>,
    clinic_help_phone: Option<String>,
    clinic_address: Option<String>,
    clinic_utc_offset: Option<String>,
    public_url: Option<String>,
    mail_from: Option<String>,
    session_idle_minutes: Option<String>,
    session_absolute_hours: Option<String>,
    staff_session_idle_minutes: Option<String>,
    staff_session_absolute_hours: Option<String>,
    rate_limit_burst: Option<String>,
    rate_limit_per_minute: Option<String>,
    requests_per_hour: Option<String>,
    attachments_dir: Option<String>,
    attachment_max_bytes: Option<String>,
    trusted_proxies: Option<String>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/cabinet.db";
const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
const DEFAULT_SITE_ROOT: &str = "target/site";
const DEFAULT_OUTBOX: &str = "data/outbox";
const DEFAULT_CLINIC_NAME: &str = "Европейский медицинский центр (ЕМС)";
const DEFAULT_CLINIC_PHONE: &str = "+7 (495) 933 66 55";
const DEFAULT_CLINIC_ADDRESS: &str = "Москва";
const DEFAULT_MAIL_FROM: &str = "Личный кабинет пациента <no-reply@localhost>";

impl Config {
    /// Reads the configuration from the process environment and the file named
    /// by `--config` or `CABINET_CONFIG`.
    pub fn load(args: &CliArgs) -> anyhow::Result<Config> {
        Config::from_sources(args, |name| std::env::var(name).ok())
    }

    /// Builds the configuration from `env` (a lookup, so tests need not touch
    /// the process environment) and the optional file.
    pub fn from_sources(
        args: &CliArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let file_path = args
            .config_file
            .clone()
            .or_else(|| env("CABINET_CONFIG").map(PathBuf::from));
        let file = match file_path {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    anyhow::anyhow!("cannot read the config file {}: {e}", path.display())
                })?;
                toml::from_str::<FileSettings>(&text)
                    .map_err(|e| anyhow::anyhow!("invalid config file {}: {e}", path.display()))?
            }
            None => FileSettings::default(),
        };
        let pick = |name: &str, from_file: Option<String>, default: &str| {
            env(name)
                .filter(|value| !value.trim().is_empty())
                .or(from_file)
                .unwrap_or_else(|| default.to_owned())
        };

        let database_url = pick("DATABASE_URL", file.database_url, DEFAULT_DATABASE_URL);
        if app::db::Backend::of_url(&database_url).is_none() {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://");
        }
        let site_addr_text = pick("LEPTOS_SITE_ADDR", file.leptos_site_addr, DEFAULT_SITE_ADDR);
        let site_addr: SocketAddr = site_addr_text.parse().map_err(|e| {
            anyhow::anyhow!("LEPTOS_SITE_ADDR {site_addr_text:?} is not host:port: {e}")
        })?;
        let mail = match env("SMTP_URL")
            .filter(|v| !v.trim().is_empty())
            .or(file.smtp_url)
        {
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                MailTransport::Smtp(url)
            }
            Some(_) => anyhow::bail!("SMTP_URL must start with smtp:// or smtps://"),
            None => MailTransport::Folder(PathBuf::from(DEFAULT_OUTBOX)),
        };
        let public_url = pick(
            "PUBLIC_URL",
            file.public_url,
            &format!("http://{site_addr}"),
        )
        .trim_end_matches('/')
        .to_owned();
        let secure = public_url_is_secure(&public_url)?;
        if secure && matches!(mail, MailTransport::Folder(_)) {
            // Files would keep every recovery code on disk, and nobody reads them.
            anyhow::bail!("SMTP_URL must be set when PUBLIC_URL is https://: mail cannot go to files in service");
        }
        let number = |name: &str, from_file: Option<String>, default: u32| -> anyhow::Result<u32> {
            let text = pick(name, from_file, &default.to_string());
            match text.trim().parse::<u32>() {
                Ok(value) if value > 0 => Ok(value),
                _ => anyhow::bail!("{name} must be a whole number above 0, not {text:?}"),
            }
        };
        let minutes = |n: u32| chrono::Duration::minutes(i64::from(n));
        let hours = |n: u32| chrono::Duration::hours(i64::from(n));
        let sessions = SessionSettings {
            patient_idle: minutes(number(
                "SESSION_IDLE_MINUTES",
                file.session_idle_minutes,
                30,
            )?),
            patient_absolute: hours(number(
                "SESSION_ABSOLUTE_HOURS",
                file.session_absolute_hours,
                12,
            )?),
            staff_idle: minutes(number(
                "STAFF_SESSION_IDLE_MINUTES",
                file.staff_session_idle_minutes,
                30,
            )?),
            staff_absolute: hours(number(
                "STAFF_SESSION_ABSOLUTE_HOURS",
                file.staff_session_absolute_hours,
                12,
            )?),
            secure_cookies: secure,
        };
        let defaults = RateLimit::default();
        let rate_limit = RateLimit {
            burst: number("RATE_LIMIT_BURST", file.rate_limit_burst, defaults.burst)?,
            per_minute: number(
                "RATE_LIMIT_PER_MINUTE",
                file.rate_limit_per_minute,
                defaults.per_minute,
            )?,
        };
        let requests_per_hour = number("REQUESTS_PER_HOUR", file.requests_per_hour, 30)?;
        let attachment_max_bytes = number(
            "ATTACHMENT_MAX_BYTES",
            file.attachment_max_bytes,
            app::requests::attachments::MAX_ATTACHMENT_BYTES as u32,
        )? as usize;
        let attachments = match pick("ATTACHMENTS_DIR", file.attachments_dir, "").trim() {
            "" => AttachmentStore::Database,
            folder => AttachmentStore::Folder(folder.into()),
        };
        let mail_from = pick("MAIL_FROM", file.mail_from, DEFAULT_MAIL_FROM);
        let proxies_text = pick("TRUSTED_PROXIES", file.trusted_proxies, "");
        let trusted_proxies = proxies_text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry.parse().map_err(|_| {
                    anyhow::anyhow!("TRUSTED_PROXIES must list IP addresses, not {entry:?}")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let offset_text = pick("CLINIC_UTC_OFFSET", file.clinic_utc_offset, "+03:00");
        let utc_offset_minutes = offset_text
            .trim()
            .parse::<chrono::FixedOffset>()
            .map(|offset| offset.local_minus_utc() / 60)
            .map_err(|_| {
                anyhow::anyhow!("CLINIC_UTC_OFFSET must look like +03:00, not {offset_text:?}")
            })?;
        let log_format = pick("LOG_FORMAT", file.log_format, "text");
        let json = match log_format.as_str() {
            "json" => true,
            "text" => false,
            other => anyhow::bail!("LOG_FORMAT must be text or json, not {other:?}"),
        };

        Ok(Config {
            database_url,
            site_addr,
            site_root: pick("LEPTOS_SITE_ROOT", file.leptos_site_root, DEFAULT_SITE_ROOT),
            mail,
            log: LogConfig {
                filter: pick("LOG_LEVEL", file.log_level, "info"),
                json,
            },
            clinic: ClinicInfo {
                name: pick("CLINIC_NAME", file.clinic_name, DEFAULT_CLINIC_NAME),
                help_phone: pick(
                    "CLINIC_HELP_PHONE",
                    file.clinic_help_phone,
                    DEFAULT_CLINIC_PHONE,
                ),
                address: pick(
                    "CLINIC_ADDRESS",
                    file.clinic_address,
                    DEFAULT_CLINIC_ADDRESS,
                ),
                utc_offset_minutes,
            },
            demo: args.demo,
            public_url,
            sessions,
            rate_limit,
            requests_per_hour,
            attachment_max_bytes,
            attachments,
            mail_from,
            clock: Clock::System,
            trusted_proxies,
            mail_in_background: true,
        })
    }

    /// The host name in the public address, for Message-IDs.
    pub fn public_host(&self) -> String {
        host_of(&self.public_url)
            .filter(|host| host.chars().any(|c| c.is_ascii_alphabetic()))
            .unwrap_or_else(|| "localhost".to_owned())
    }
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// Whether cookies must be `Secure`: yes for `https://`. Plain `http://` is
/// for local development only, so any other host is refused.
fn public_url_is_secure(url: &str) -> anyhow::Result<bool> {
    if url.starts_with("https://") {
        return Ok(true);
    }
    if !url.starts_with("http://") {
        anyhow::bail!("PUBLIC_URL must start with https:// (or http:// on this computer)");
    }
    match host_of(url).as_deref() {
        Some("localhost" | "127.0.0.1" | "::1") => Ok(false),
        _ => anyhow::bail!(
            "PUBLIC_URL {url:?} is plain http on another computer: cookies would travel unencrypted; use https://"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn without_settings_the_server_uses_the_embedded_sqlite_file_and_writes_mail_to_files() {
        let config = Config::from_sources(&CliArgs::default(), env_of(&[])).unwrap();
        assert_eq!(config.database_url, "sqlite://data/cabinet.db");
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(
            config.mail,
            MailTransport::Folder(PathBuf::from("data/outbox"))
        );
        assert!(!config.demo);
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert!(!config.sessions.secure_cookies);
        assert_eq!(config.sessions.patient_idle, chrono::Duration::minutes(30));
        assert_eq!(
            config.sessions.patient_absolute,
            chrono::Duration::hours(12)
        );
    }

    #[test]
    fn an_https_public_address_makes_cookies_secure_and_plain_http_elsewhere_is_refused() {
        let config = Config::from_sources(
            &CliArgs::default(),
            env_of(&[
                ("PUBLIC_URL", "https://lk.clinic.ru/"),
                ("SESSION_IDLE_MINUTES", "15"),
                ("SMTP_URL", "smtp://relay.clinic.ru:587?tls=required"),
                ("TRUSTED_PROXIES", "10.0.0.5, ::1"),
            ]),
        )
        .unwrap();
        assert!(config.sessions.secure_cookies);
        assert_eq!(config.public_url, "https://lk.clinic.ru");
        assert_eq!(config.public_host(), "lk.clinic.ru");
        assert_eq!(config.sessions.patient_idle, chrono::Duration::minutes(15));
        assert_eq!(config.trusted_proxies.len(), 2);
        let no_smtp = Config::from_sources(
            &CliArgs::default(),
            env_of(&[("PUBLIC_URL", "https://lk.clinic.ru")]),
        );
        assert!(no_smtp.unwrap_err().to_string().contains("SMTP_URL"));
        let plain = Config::from_sources(
            &CliArgs::default(),
            env_of(&[("PUBLIC_URL", "http://lk.clinic.ru")]),
        );
        assert!(plain.unwrap_err().to_string().contains("PUBLIC_URL"));
        let zero = Config::from_sources(&CliArgs::default(), env_of(&[("RATE_LIMIT_BURST", "0")]));
        assert!(zero.unwrap_err().to_string().contains("RATE_LIMIT_BURST"));
    }

    #[test]
    fn the_environment_overrides_the_file_which_overrides_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cabinet.toml");
        std::fs::write(&file, "clinic_name = \"Клиника из файла\"\nsmtp_url = \"smtp://127.0.0.1:1025\"\ndatabase_url = \"sqlite://file.db\"\n").unwrap();
        let args = CliArgs {
            demo: true,
            config_file: Some(file),
            task: None,
        };
        let config = Config::from_sources(
            &args,
            env_of(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/cabinet")]),
        )
        .unwrap();
        assert_eq!(config.database_url, "postgres://postgres@127.0.0.1/cabinet");
        assert_eq!(config.clinic.name, "Клиника из файла");
        assert_eq!(
            config.mail,
            MailTransport::Smtp("smtp://127.0.0.1:1025".into())
        );
        assert!(config.demo);
    }

    #[test]
    fn a_mistyped_setting_stops_the_start_with_a_message_naming_it() {
        let bad_url = Config::from_sources(
            &CliArgs::default(),
            env_of(&[("DATABASE_URL", "mysql://x")]),
        );
        assert!(bad_url.unwrap_err().to_string().contains("DATABASE_URL"));
        let bad_addr = Config::from_sources(
            &CliArgs::default(),
            env_of(&[("LEPTOS_SITE_ADDR", "localhost")]),
        );
        assert!(bad_addr
            .unwrap_err()
            .to_string()
            .contains("LEPTOS_SITE_ADDR"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cabinet.toml");
        std::fs::write(&file, "clinic_nmae = \"typo\"\n").unwrap();
        let args = CliArgs {
            demo: false,
            config_file: Some(file),
            task: None,
        };
        assert!(Config::from_sources(&args, env_of(&[]))
            .unwrap_err()
            .to_string()
            .contains("clinic_nmae"));
    }

    #[test]
    fn the_command_line_takes_demo_a_config_file_and_one_task_and_refuses_anything_else() {
        let args = CliArgs::parse(["--demo".into(), "--config".into(), "c.toml".into()]).unwrap();
        assert_eq!(
            args,
            CliArgs {
                demo: true,
                config_file: Some(PathBuf::from("c.toml")),
                task: None,
            }
        );
        assert_eq!(
            CliArgs::parse(["--backup".into(), "b.db".into()])
                .unwrap()
                .task,
            Some(Task::Backup(PathBuf::from("b.db")))
        );
        assert_eq!(
            CliArgs::parse(["--after-restore".into()]).unwrap().task,
            Some(Task::AfterRestore)
        );
        assert!(CliArgs::parse(["--dmeo".into()]).is_err());
        assert!(CliArgs::parse(["--config".into()]).is_err());
        assert!(CliArgs::parse(["--backup".into()]).is_err());
    }
}
