//! `spawn_app()`: the real server on port 0 with a fresh database — a temporary
//! SQLite file, or a uniquely named PostgreSQL database when
//! `TEST_DATABASE_URL` (a PostgreSQL URL to a database we may create others
//! from) is set — and a client that keeps cookies.

use app::clinic::ClinicInfo;
use app::clock::Clock;
use app::db::accounts::{self, NewPatientAccount};
use app::db::outbox::{self, Delivery};
use app::db::patients::{self, NewPatient, NewServiceAgreement};
use app::db::{audit, with_db, Db};
use app::security::RateLimit;
use app::security::{hash_password, Secret};
use chrono::NaiveDate;
use reqwest::StatusCode;
use server::config::{CliArgs, Config, LogConfig, MailTransport};
use server::demo;
use server::mail::MailWorker;
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
    pub async fn create() -> (TestDatabase, String) {
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

/// What [`TestApp::insert_cabinet`] writes: a patient, their agreement
/// (its e-mail is also the recovery address) and their cabinet.
pub struct Cabinet<'a> {
    pub mis_patient_id: &'a str,
    pub full_name: &'a str,
    pub birth_date: NaiveDate,
    pub agreement: &'a str,
    pub email: &'a str,
    pub sms_phone: &'a str,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub address_as: &'a str,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub database: TestDatabase,
    pub database_url: String,
    /// Stands still unless a test moves it.
    pub clock: Clock,
    pub mail_worker: MailWorker,
    /// The services the server functions use, for calling the engine
    /// directly where no page does yet.
    pub context: app::context::ServerContext,
    pub outbox: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with the demo patients, temporary credentials and staff.
pub async fn spawn_demo_app() -> TestApp {
    spawn_app_with(|config| config.demo = true).await
}

/// When every test's clock starts.
pub fn test_start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// The configuration every test starts from.
fn test_config(database_url: &str, outbox: &std::path::Path) -> Config {
    let mut config = Config::from_sources(&CliArgs::default(), |_| None).unwrap();
    config.database_url = database_url.to_owned();
    config.site_addr = "127.0.0.1:0".parse().unwrap();
    config.mail = MailTransport::Folder(outbox.to_path_buf());
    config.log = LogConfig {
        filter: "warn".into(),
        json: false,
    };
    config.clinic = ClinicInfo {
        name: TEST_CLINIC_NAME.into(),
        help_phone: TEST_CLINIC_PHONE.into(),
        address: "Москва, Тестовая ул., 1".into(),
        utc_offset_minutes: 180,
    };
    config.clock = Clock::manual(test_start());
    // Tests make many attempts from one address; the rate limit's own test
    // sets a small one.
    config.rate_limit = RateLimit {
        burst: 1000,
        per_minute: 1000,
    };
    // Tests send many requests as the demo patient; the limit's own test
    // sets a small one.
    config.requests_per_hour = 1000;
    config.mail_in_background = false;
    config
}

/// A client that keeps its own cookies: another browser.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A started server, its stop switch and its task.
struct Started {
    address: String,
    db: Db,
    clock: Clock,
    mail_worker: MailWorker,
    context: app::context::ServerContext,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(config: Config) -> Started {
    let clock = config.clock.clone();
    let application = Application::build(config).await.unwrap();
    let port = application.port();
    let db = application.db();
    let mail_worker = application.mail_worker();
    let context = application.server_context();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async {
        let _ = stopped.await;
    }));
    Started {
        address: format!("http://127.0.0.1:{port}"),
        db,
        clock,
        mail_worker,
        context,
        stop,
        server,
    }
}

/// Like [`spawn_app`], with a chance to change the configuration first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let (database, database_url) = TestDatabase::create().await;
    spawn_app_on(database, database_url, configure).await
}

/// The server on a database the test has prepared (a restored backup).
pub async fn spawn_app_on(
    database: TestDatabase,
    database_url: String,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    let outbox = tempfile::tempdir().unwrap();
    let mut config = test_config(&database_url, outbox.path());
    configure(&mut config);
    let started = start(config).await;
    TestApp {
        address: started.address,
        client: new_client(),
        db: started.db,
        database,
        database_url,
        clock: started.clock,
        mail_worker: started.mail_worker,
        context: started.context,
        outbox,
        stop: Some(started.stop),
        server: Some(started.server),
    }
}

/// A second server process on the same database, as behind a load
/// balancer; stopped when dropped.
pub struct OtherInstance {
    pub address: String,
    /// Its own clock: a test moves it with the first instance's.
    pub clock: Clock,
    _stop: oneshot::Sender<()>,
}

impl TestApp {
    /// Starts another instance of the server on this test's database.
    pub async fn another_instance(&self) -> OtherInstance {
        self.another_instance_with(|_| {}).await
    }

    /// [`another_instance`](Self::another_instance), with a chance to
    /// change its configuration first.
    pub async fn another_instance_with(
        &self,
        configure: impl FnOnce(&mut Config),
    ) -> OtherInstance {
        let mut config = test_config(&self.database_url, self.outbox.path());
        config.demo = false;
        configure(&mut config);
        let started = start(config).await;
        OtherInstance {
            address: started.address,
            clock: started.clock,
            _stop: started.stop,
        }
    }

    /// A form post from `client`, another browser on our pages.
    pub async fn post_form_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}{}", self.address, path))
            .header("origin", &self.address)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A new browser with `login` signed in to the admin module.
    pub async fn staff_client(&self, login: &str, password: &str) -> reqwest::Client {
        let client = new_client();
        let response = self
            .post_form_as(
                &client,
                "/api/admin/sign_in",
                &[("login", login), ("password", password)],
            )
            .await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "{}",
            response.text().await.unwrap()
        );
        client
    }
    /// A page load as a browser makes it (asking for HTML).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.client, path).await
    }

    /// A page load from `client`, another browser.
    pub async fn get_as(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(format!("{}{}", self.address, path))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .unwrap()
    }

    /// A form post from our own pages (with our `Origin`), as a browser
    /// without wasm or the server function client sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_as(&self.client, path, form).await
    }

    /// A form posted from `page` by a browser without wasm: it asks for
    /// HTML, so the server answers with a redirect, not with JSON.
    pub async fn post_plain_form(
        &self,
        path: &str,
        page: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .header("origin", &self.address)
            .header("accept", "text/html")
            .header("referer", format!("{}{}", self.address, page))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.post_form("/api/sign_in", &[("login", login), ("password", password)])
            .await
    }

    /// Signs the demo patient in and checks that it worked.
    pub async fn sign_in_demo_patient(&self) {
        let response = self
            .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
            .await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "{}",
            response.text().await.unwrap()
        );
    }

    /// A second patient with an active cabinet, signed in on their own
    /// client: «Пётр Ильич», login `ivanov`, no requests yet.
    pub async fn second_patient(&self) -> reqwest::Client {
        let password = "second-patient-pass-2026";
        let hash = hash_password(&Secret::new(password)).unwrap();
        let mut tx = self.db.begin_write().await.unwrap();
        self.insert_cabinet(
            &mut tx,
            &Cabinet {
                mis_patient_id: "MIS-300001",
                full_name: "Иванов Пётр Ильич",
                birth_date: NaiveDate::from_ymd_opt(1965, 1, 2).unwrap(),
                agreement: "ДС-2026-0300",
                email: "p.ivanov@example.ru",
                sms_phone: "+79035550300",
                login: "ivanov",
                password_hash: &hash,
                address_as: "Пётр Ильич",
            },
        )
        .await;
        tx.commit().await.unwrap();
        let client = new_client();
        let response = self
            .post_form_as(
                &client,
                "/api/sign_in",
                &[("login", "ivanov"), ("password", password)],
            )
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        client
    }

    /// Writes a patient with a service agreement and an active cabinet, in
    /// `tx`, as the MIS and reception would: the patient's id.
    pub async fn insert_cabinet(&self, tx: &mut app::db::WriteTx, cabinet: &Cabinet<'_>) -> i64 {
        let now = self.clock.now();
        let patient_id = patients::insert(
            tx,
            &NewPatient {
                mis_patient_id: cabinet.mis_patient_id,
                full_name: cabinet.full_name,
                birth_date: cabinet.birth_date,
            },
            now,
        )
        .await
        .unwrap();
        patients::insert_agreement(
            tx,
            &NewServiceAgreement {
                patient_id,
                number: cabinet.agreement,
                signed_on: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                email: cabinet.email,
                sms_phone: cabinet.sms_phone,
            },
            now,
        )
        .await
        .unwrap();
        accounts::insert_account(
            tx,
            &NewPatientAccount {
                patient_id,
                login: cabinet.login,
                password_hash: cabinet.password_hash,
                address_as: cabinet.address_as,
                recovery_email: cabinet.email,
                locale: "ru",
            },
            now,
        )
        .await
        .unwrap();
        patient_id
    }

    /// Runs `sql` on the test's database behind the server's back, as a
    /// broken database or a hand-made mistake would change it.
    pub async fn execute_sql(&self, sql: &'static str) {
        with_db!(&self.db, pool => {
            sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap()
        });
    }

    /// Delivers the mail that is due, as the worker would when woken.
    pub async fn deliver_mail(&self) -> usize {
        self.mail_worker.deliver_due().await.unwrap()
    }

    /// Queues one message of `kind` to a test address straight into the
    /// outbox, as a change would, valid until `expires_at`: its Message-ID.
    pub async fn queue_mail(
        &self,
        kind: &str,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> String {
        let message_id = format!("<{}@test.invalid>", uuid::Uuid::new_v4().simple());
        let mut tx = self.db.begin_write().await.unwrap();
        outbox::enqueue(
            &mut tx,
            &outbox::NewMail {
                message_id: &message_id,
                kind,
                recipient: "someone@example.ru",
                subject: kind,
                text_body: kind,
                html_body: kind,
                sensitive: false,
                expires_at,
            },
            self.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        message_id
    }

    /// Every queued message, oldest first.
    pub async fn outbox(&self) -> Vec<Delivery> {
        outbox::all(&self.db).await.unwrap()
    }

    /// The audit log's actions, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        audit::all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.action)
            .collect()
    }

    pub async fn get_html(&self, path: &str) -> (reqwest::StatusCode, String) {
        self.get_html_as(&self.client, path).await
    }

    /// A page as `client` (another browser) sees it, as [`Self::get_html`].
    pub async fn get_html_as(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let response = self.get_as(client, path).await;
        let status = response.status();
        (status, markup_of(response).await)
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

/// `form` with `changes` applied: a field named there takes its value, and
/// a field `form` lacks is added.
pub fn changed<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

/// The cookie a response sets, as `name=value`.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// A client with no cookie jar, for replaying a cookie by hand.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The body of a server function's error: the `AppError` as JSON.
/// The JSON of a 200 answer; any other status fails the test, with the body.
pub async fn json(response: reqwest::Response) -> serde_json::Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, reqwest::StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

pub async fn error_json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// The problem reported for `field` in a validation error body.
pub fn problem_of(error: &serde_json::Value, field: &str) -> Option<String> {
    error["Validation"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["problem"].as_str())
        .map(str::to_owned)
}

/// A page's markup without the empty comments (`<!>`) that mark where a
/// view ends for hydration. How many there are depends on the build: with
/// `--cfg erase_components` (every debug build of cargo-leptos, and the
/// test run) each text is followed by one, so a heading reads
/// `<h1 class="page-title">Finance<!></h1>`.
pub async fn markup_of(response: reqwest::Response) -> String {
    response.text().await.unwrap().replace("<!>", "")
}

/// Posts the demo patient's password on `client`: the address the answer
/// names.
pub async fn password_step(app: &TestApp, client: &reqwest::Client) -> String {
    password_step_with(app, client, demo::PATIENT_PASSWORD).await
}

pub async fn password_step_with(app: &TestApp, client: &reqwest::Client, password: &str) -> String {
    json(
        app.post_form_as(
            client,
            "/api/sign_in",
            &[("login", demo::PATIENT_LOGIN), ("password", password)],
        )
        .await,
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

/// Whether `client` is signed in as a patient.
pub async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    app.post_form_as(client, "/api/settings/account", &[])
        .await
        .status()
        == StatusCode::OK
}

pub async fn problem(response: reqwest::Response, field: &str) -> Option<String> {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    problem_of(&error_json(response).await, field)
}
