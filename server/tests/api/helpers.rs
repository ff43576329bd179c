//! `spawn_app()`: the real server on port 0 with a fresh database — a temporary
//! SQLite file, or a uniquely named PostgreSQL database when
//! `TEST_DATABASE_URL` (a PostgreSQL URL to a database we may create others
//! from) is set — and a client that keeps cookies.

use app::clinic::ClinicInfo;
use app::db::Db;
use server::config::{CliArgs, Config, LogConfig, MailTransport};
use server::startup::Application;
use tokio::sync::oneshot;

pub const TEST_CLINIC_NAME: &str = "Тестовая клиника";
pub const TEST_CLINIC_PHONE: &str = "+7 (495) 000 00 01";

/// The database a test runs against, removed when the test ends.
pub enum TestDatabase {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    async fn create() -> (TestDatabase, String) {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("cabinet_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&admin_url, &Default::default()).await.unwrap();
                let Db::Postgres(pool) = &admin else {
                    panic!("TEST_DATABASE_URL must be a PostgreSQL URL");
                };
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .unwrap();
                admin.close().await;
                let url = database_url_with_name(&admin_url, &name);
                (TestDatabase::Postgres { admin_url, name }, url)
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("data/cabinet.db").display());
                (TestDatabase::Sqlite { _dir: dir }, url)
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any async context we may block: use a thread
            // with its own runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(drop_postgres_database(&admin_url, &name));
            })
            .join();
        }
    }
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(Db::Postgres(pool)) = Db::connect(admin_url, &Default::default()).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&pool)
        .await;
        pool.close().await;
    }
}

fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub database: TestDatabase,
    _outbox: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with a chance to change the configuration first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let (database, database_url) = TestDatabase::create().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut config = Config::from_sources(&CliArgs::default(), |_| None).unwrap();
    config.database_url = database_url;
    config.site_addr = "127.0.0.1:0".parse().unwrap();
    config.mail = MailTransport::Folder(outbox.path().to_path_buf());
    config.log = LogConfig {
        filter: "warn".into(),
        json: false,
    };
    config.clinic = ClinicInfo {
        name: TEST_CLINIC_NAME.into(),
        help_phone: TEST_CLINIC_PHONE.into(),
        address: "Москва, Тестовая ул., 1".into(),
    };
    configure(&mut config);

    let application = Application::build(config).await.unwrap();
    let port = application.port();
    let db = application.db();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client,
        db,
        database,
        _outbox: outbox,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_html(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Makes the database unreachable for the running server: PostgreSQL drops
    /// the database under it; SQLite closes the pool it reads through.
    pub async fn make_database_unreachable(&self) {
        match &self.database {
            TestDatabase::Postgres { admin_url, name } => {
                drop_postgres_database(admin_url, name).await
            }
            TestDatabase::Sqlite { .. } => self.db.close().await,
        }
    }

    /// Asks the server to stop as on SIGTERM and waits until it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}
