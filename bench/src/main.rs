//! `bench-data`: the benchmark kit's data (bench/README.md).
//!
//! `bench-data generate URL N` fills the database at `URL` (SQLite or
//! PostgreSQL) with the demo clinic (clinics, doctors, departments, staff)
//! and `N` patients with a realistic history each: a service agreement and
//! an active cabinet, six appointments (four past, two ahead), two
//! referrals, ten lab orders of ten analytes over the past year (about 100
//! analytes per patient-year), five requests with their status history,
//! an ended session and ten audit rows. Rows go in as multi-row inserts, a
//! thousand patients per transaction. Run again with a larger `N`, it adds
//! the patients missing.
//!
//! `bench-data plans URL` prints the database's plans for the queries the
//! signed-in pages run most (copied from `app/src/db/`), for the benchmark
//! patient: the proof that their cost follows one patient's history, not
//! everyone's.
//!
//! Every patient `bench<i>` signs in with [`PASSWORD`].

use app::db::{with_db, with_tx, Backend, Db, WriteTx};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use server::config::{CliArgs, Config};
use server::startup::Application;

/// Every benchmark patient's password.
const PASSWORD: &str = "bench-patient-pass-2026";
/// Patients written per transaction.
const CHUNK: i64 = 1000;
/// The year the generated requests are numbered in (З-2025-…).
const REQUEST_YEAR: i32 = 2025;

/// One value of a generated row, typed as both databases take it.
enum V {
    I(i64),
    T(String),
    B(bool),
    At(DateTime<Utc>),
    Day(NaiveDate),
}

/// Inserts `rows` into `table` in statements of as many rows as the
/// databases' parameter limits allow.
async fn insert(
    tx: &mut WriteTx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> anyhow::Result<()> {
    let per_row = columns.len();
    // sqlx asks SQLite each parameter's name as it binds it, a search
    // through all of them: statements of thousands of parameters cost more
    // in that than in the insert. PostgreSQL takes up to 65,535.
    let most_parameters = match tx {
        WriteTx::Sqlite(_) => 500,
        WriteTx::Postgres(_) => 30_000,
    };
    let rows_per_statement = (most_parameters / per_row).clamp(1, 1000);
    for chunk in rows.chunks(rows_per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        for r in 0..chunk.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            let params: Vec<String> = (1..=per_row)
                .map(|c| format!("${}", r * per_row + c))
                .collect();
            sql.push('(');
            sql.push_str(&params.join(", "));
            sql.push(')');
        }
        with_tx!(&mut *tx, conn => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                for value in row {
                    query = match value {
                        V::I(n) => query.bind(*n),
                        V::T(text) => query.bind(text.clone()),
                        V::B(yes) => query.bind(*yes),
                        V::At(at) => query.bind(*at),
                        V::Day(day) => query.bind(*day),
                    };
                }
            }
            query.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Ids of the rows of `table` whose `key` column is one of `keys`.
async fn ids_by(
    tx: &mut WriteTx,
    table: &str,
    key: &str,
    keys: &[String],
) -> anyhow::Result<std::collections::HashMap<String, i64>> {
    let mut found = std::collections::HashMap::new();
    let per_statement = match tx {
        WriteTx::Sqlite(_) => 500,
        WriteTx::Postgres(_) => 5000,
    };
    for chunk in keys.chunks(per_statement) {
        let params: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT {key}, id FROM {table} WHERE {key} IN ({})",
            params.join(", ")
        );
        let rows: Vec<(String, i64)> = with_tx!(&mut *tx, conn => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for k in chunk {
                query = query.bind(k.clone());
            }
            query.fetch_all(conn).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

async fn scalar(db: &Db, sql: &'static str) -> anyhow::Result<i64> {
    Ok(with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
    })?)
}

async fn ids(db: &Db, sql: &'static str) -> anyhow::Result<Vec<i64>> {
    Ok(with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>(sql).fetch_all(pool).await
    })?)
}

/// A small fixed-seed generator: the same data for the same `N`.
struct Dice(u64);

impl Dice {
    fn for_patient(i: i64) -> Dice {
        Dice((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n.max(1)) as i64
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
];
const GIVEN: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
];
const PATRONYMIC: &[&str] = &[
    "Александрович",
    "Дмитриевич",
    "Сергеевич",
    "Андреевич",
    "Игоревич",
    "Олегович",
];
const ANALYTES: &[(&str, &str, &str, &str, &str)] = &[
    ("HGB", "Гемоглобин", "г/л", "120", "160"),
    ("RBC", "Эритроциты", "10^12/л", "4.0", "5.5"),
    ("WBC", "Лейкоциты", "10^9/л", "4.0", "9.0"),
    ("PLT", "Тромбоциты", "10^9/л", "150", "400"),
    ("GLU", "Глюкоза", "ммоль/л", "3.3", "5.5"),
    ("CHOL", "Холестерин общий", "ммоль/л", "3.0", "5.2"),
    ("ALT", "АЛТ", "Ед/л", "0", "41"),
    ("AST", "АСТ", "Ед/л", "0", "40"),
    ("CREA", "Креатинин", "мкмоль/л", "62", "106"),
    ("TSH", "ТТГ", "мЕд/л", "0.4", "4.0"),
];

/// What the demo clinic gives every generated patient to refer to.
struct Reference {
    clinics: Vec<i64>,
    doctors: Vec<i64>,
    /// A demo booking's kind, department and content, for generated requests.
    booking: (String, i64, String),
    password_hash: String,
}

async fn reference(db: &Db) -> anyhow::Result<Reference> {
    let booking: (String, i64, String) = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT kind, department_id, content FROM patient_requests \
             WHERE kind = 'booking' ORDER BY id LIMIT 1",
        )
        .fetch_one(pool)
        .await
    })?;
    let password = app::security::Secret::new(PASSWORD);
    Ok(Reference {
        clinics: ids(db, "SELECT id FROM clinics ORDER BY id").await?,
        doctors: ids(db, "SELECT id FROM doctors ORDER BY id").await?,
        booking,
        password_hash: app::security::hash_password(&password)?,
    })
}

/// Writes patients `from..to` (`bench<from>` …) and their history.
async fn write_patients(
    db: &Db,
    reference: &Reference,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let today = now.date_naive();
    let mis = |i: i64| format!("B{i:08}");
    let (mut patients, mut agreements, mut accounts) = (Vec::new(), Vec::new(), Vec::new());
    for i in from..to {
        let mut dice = Dice::for_patient(i);
        let name = format!(
            "{} {} {}",
            dice.pick(SURNAMES),
            dice.pick(GIVEN),
            dice.pick(PATRONYMIC)
        );
        let birth = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or(today)
            + Duration::days(dice.below(365 * 65));
        patients.push(vec![
            V::T(mis(i)),
            V::T(name.clone()),
            V::Day(birth),
            V::At(now - Duration::days(400)),
            V::T(app::db::patients::name_key(&name)),
        ]);
        let email = format!("bench{i}@example.ru");
        agreements.push((i, email.clone()));
        accounts.push((i, email));
    }
    insert(
        &mut tx,
        "patients",
        &[
            "mis_patient_id",
            "full_name",
            "birth_date",
            "created_at",
            "name_key",
        ],
        &patients,
    )
    .await?;
    let keys: Vec<String> = (from..to).map(mis).collect();
    let patient_ids = ids_by(&mut tx, "patients", "mis_patient_id", &keys).await?;
    let id_of = |i: i64| patient_ids.get(&mis(i)).copied().unwrap_or_default();

    let rows: Vec<Vec<V>> = agreements
        .iter()
        .map(|(i, email)| {
            vec![
                V::I(id_of(*i)),
                V::T(format!("ДС-B{i:08}")),
                V::Day(today - Duration::days(400)),
                V::T(email.clone()),
                V::T(format!("+7916{:07}", i % 10_000_000)),
                V::At(now - Duration::days(400)),
            ]
        })
        .collect();
    insert(
        &mut tx,
        "service_agreements",
        &[
            "patient_id",
            "number",
            "signed_on",
            "email",
            "sms_phone",
            "created_at",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<V>> = accounts
        .iter()
        .map(|(i, email)| {
            vec![
                V::I(id_of(*i)),
                V::T(format!("bench{i}")),
                V::T(format!("bench{i}")),
                V::T(reference.password_hash.clone()),
                V::T("Пациент".into()),
                V::T(email.clone()),
                V::At(now - Duration::days(390)),
            ]
        })
        .collect();
    insert(
        &mut tx,
        "patient_accounts",
        &[
            "patient_id",
            "login",
            "login_key",
            "password_hash",
            "address_as",
            "recovery_email",
            "created_at",
        ],
        &rows,
    )
    .await?;

    // Six appointments and two referrals each.
    let (mut appointments, mut referrals) = (Vec::new(), Vec::new());
    for i in from..to {
        let mut dice = Dice::for_patient(i + 7);
        for k in 0..6 {
            let days = if k < 4 {
                -dice.below(360) - 1
            } else {
                dice.below(60) + 1
            };
            let starts = now + Duration::days(days) + Duration::minutes(30 * dice.below(16));
            appointments.push(vec![
                V::T(format!("BA{i:08}-{k}")),
                V::I(id_of(i)),
                V::I(reference.doctors[dice.below(reference.doctors.len() as u64) as usize]),
                V::T("Консультация".into()),
                V::I(reference.clinics[dice.below(reference.clinics.len() as u64) as usize]),
                V::At(starts),
                V::I(30),
                V::T(if k < 4 { "done" } else { "booked" }.into()),
                V::At(now - Duration::days(1)),
            ]);
        }
        for k in 0..2 {
            let issued = today - Duration::days(dice.below(200));
            referrals.push(vec![
                V::T(format!("BR{i:08}-{k}")),
                V::I(id_of(i)),
                V::I(reference.doctors[dice.below(reference.doctors.len() as u64) as usize]),
                V::T("lab_test".into()),
                V::T("Общий анализ крови".into()),
                V::Day(issued),
                V::Day(issued + Duration::days(90)),
                V::B(k == 0),
                V::At(now - Duration::days(1)),
            ]);
        }
    }
    insert(
        &mut tx,
        "appointments",
        &[
            "mis_id",
            "patient_id",
            "doctor_id",
            "visit_type",
            "clinic_id",
            "starts_at",
            "duration_minutes",
            "status",
            "updated_at",
        ],
        &appointments,
    )
    .await?;
    insert(
        &mut tx,
        "referrals",
        &[
            "mis_id",
            "patient_id",
            "doctor_id",
            "kind",
            "service",
            "issued_on",
            "valid_until",
            "used",
            "updated_at",
        ],
        &referrals,
    )
    .await?;

    // Ten lab orders of ten analytes over the past year.
    let mut orders = Vec::new();
    for i in from..to {
        let mut dice = Dice::for_patient(i + 13);
        for k in 0..10 {
            let taken = today - Duration::days(36 * k + dice.below(30));
            orders.push(vec![
                V::T(format!("BL{i:08}-{k}")),
                V::I(id_of(i)),
                V::Day(taken),
                V::T("Лаборатория ЕМС".into()),
                V::T("Биохимия и общий анализ крови".into()),
                V::T("ready".into()),
                V::At(now - Duration::days(36 * k)),
                V::T(format!("{i:032x}{k:032x}")),
                V::At(now - Duration::days(36 * k)),
            ]);
        }
    }
    insert(
        &mut tx,
        "lab_orders",
        &[
            "mis_id",
            "patient_id",
            "taken_on",
            "lab",
            "panel",
            "status",
            "ready_at",
            "content_sha256",
            "updated_at",
        ],
        &orders,
    )
    .await?;
    let order_keys: Vec<String> = (from..to)
        .flat_map(|i| (0..10).map(move |k| format!("BL{i:08}-{k}")))
        .collect();
    let order_ids = ids_by(&mut tx, "lab_orders", "mis_id", &order_keys).await?;
    let mut analytes = Vec::new();
    for key in &order_keys {
        let order_id = order_ids.get(key).copied().unwrap_or_default();
        let mut dice = Dice::for_patient(order_id);
        for (position, (code, name, unit, low, high)) in ANALYTES.iter().enumerate() {
            let low_value: f64 = low.parse().unwrap_or(0.0);
            let high_value: f64 = high.parse().unwrap_or(1.0);
            let spread = (high_value - low_value) * 1.4;
            let value = low_value - (high_value - low_value) * 0.2
                + spread * (dice.below(1000) as f64) / 1000.0;
            analytes.push(vec![
                V::I(order_id),
                V::I(position as i64),
                V::T((*code).into()),
                V::T((*name).into()),
                V::T(format!("{value:.1}")),
                V::T((*unit).into()),
                V::T((*low).into()),
                V::T((*high).into()),
            ]);
        }
    }
    insert(
        &mut tx,
        "lab_analytes",
        &[
            "order_id",
            "position",
            "code",
            "name",
            "value_number",
            "unit",
            "reference_low",
            "reference_high",
        ],
        &analytes,
    )
    .await?;

    // Five requests each, with their history; numbered after the ones
    // before them.
    let (kind, department, content) = &reference.booking;
    let first_seq = (from - 1) * 5 + 1;
    let mut requests = Vec::new();
    let mut numbers = Vec::new();
    for i in from..to {
        let mut dice = Dice::for_patient(i + 29);
        for k in 0..5 {
            let seq = first_seq + (i - from) * 5 + k;
            let number = format!("З-{REQUEST_YEAR}-{seq:06}");
            let sent = now - Duration::days(dice.below(360) + 1);
            requests.push(vec![
                V::T(number.clone()),
                V::I(id_of(i)),
                V::T(kind.clone()),
                V::I(*department),
                V::T(content.clone()),
                V::T(if k == 0 { "sent" } else { "done" }.into()),
                V::T(format!("bench-form-key-{seq:010}")),
                V::At(sent),
                V::At(sent + Duration::hours(2)),
                V::I(1_000_000_000 + seq),
            ]);
            numbers.push(number);
        }
    }
    insert(
        &mut tx,
        "patient_requests",
        &[
            "number",
            "patient_id",
            "kind",
            "department_id",
            "content",
            "status",
            "idempotency_key",
            "created_at",
            "updated_at",
            "change_seq",
        ],
        &requests,
    )
    .await?;
    let request_ids = ids_by(&mut tx, "patient_requests", "number", &numbers).await?;
    let mut history = Vec::new();
    for (row, number) in requests.iter().zip(&numbers) {
        let (Some(V::At(sent)), Some(V::T(status))) = (row.get(7), row.get(5)) else {
            continue;
        };
        let id = request_ids.get(number).copied().unwrap_or_default();
        history.push(vec![V::I(id), V::T("sent".into()), V::At(*sent)]);
        if status == "done" {
            history.push(vec![
                V::I(id),
                V::T("done".into()),
                V::At(*sent + Duration::hours(2)),
            ]);
        }
    }
    insert(
        &mut tx,
        "request_status_history",
        &["request_id", "status", "at"],
        &history,
    )
    .await?;

    // An ended session and ten audit rows each.
    let (mut sessions, mut audit) = (Vec::new(), Vec::new());
    for i in from..to {
        let patient = id_of(i);
        let started = now - Duration::days(3);
        sessions.push(vec![
            V::T(format!("{:064x}", i as u128 * 0x9e37_79b9_7f4a_7c15)),
            V::I(patient),
            V::At(started),
            V::At(started + Duration::minutes(20)),
            V::At(started + Duration::hours(12)),
            V::T("Mozilla/5.0 (bench)".into()),
            V::T("192.0.2.1".into()),
            V::At(started + Duration::minutes(50)),
            V::T("idle".into()),
        ]);
        for k in 0..10 {
            let action = if k % 2 == 0 {
                "signed_in"
            } else {
                "request_sent"
            };
            audit.push(vec![
                V::At(now - Duration::days(30 * k)),
                V::T(action.into()),
                V::I(patient),
                V::I(patient),
                V::T(String::new()),
                V::T("192.0.2.1".into()),
                V::T(format!("bench-{i}-{k}")),
            ]);
        }
    }
    insert(
        &mut tx,
        "sessions",
        &[
            "token_hash",
            "patient_id",
            "created_at",
            "last_seen_at",
            "expires_at",
            "user_agent",
            "ip",
            "ended_at",
            "ended_reason",
        ],
        &sessions,
    )
    .await?;
    insert(
        &mut tx,
        "audit_log",
        &[
            "at",
            "action",
            "actor_patient_id",
            "patient_id",
            "detail",
            "ip",
            "request_id",
        ],
        &audit,
    )
    .await?;

    // The counters new requests continue from.
    let last = (to - 1) * 5;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO request_numbers (year, last_value) VALUES ($1, $2) \
             ON CONFLICT (year) DO UPDATE SET last_value = $2",
        )
        .bind(REQUEST_YEAR)
        .bind(last)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE change_counters SET last_value = $1 WHERE name = 'requests' AND last_value < $1",
        )
        .bind(1_000_000_000 + last)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })?;
    tx.commit().await?;
    Ok(())
}

/// Opens (and migrates, and seeds with the demo clinic when empty) the
/// database, as the server would at its start.
async fn open(url: &str) -> anyhow::Result<Db> {
    let mut config = Config::from_sources(
        &CliArgs {
            demo: true,
            ..CliArgs::default()
        },
        |_| None,
    )?;
    config.database_url = url.to_owned();
    config.site_addr = "127.0.0.1:0".parse()?;
    config.site_root = "target/site".into();
    config.log.filter = "warn".into();
    let application = Application::build(config).await?;
    Ok(application.db())
}

async fn generate(url: &str, patients: i64) -> anyhow::Result<()> {
    let db = open(url).await?;
    let reference = reference(&db).await?;
    let have = scalar(
        &db,
        "SELECT COUNT(*) FROM patients WHERE mis_patient_id LIKE 'B%'",
    )
    .await?;
    let now = Utc::now();
    let started = std::time::Instant::now();
    let mut from = have;
    while from < patients {
        let to = (from + CHUNK).min(patients);
        write_patients(&db, &reference, from, to, now).await?;
        from = to;
        if from % (CHUNK * 20) == 0 || from == patients {
            eprintln!("{from} patients ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize`
    // (SQLite) would keep them in service.
    with_db!(&db, pool => {
        sqlx::query("ANALYZE").execute(pool).await.map(|_| ())
    })?;
    let total = scalar(&db, "SELECT COUNT(*) FROM patients").await?;
    let analytes = scalar(&db, "SELECT COUNT(*) FROM lab_analytes").await?;
    println!(
        "{url}: {total} patients, {analytes} analytes; {} patients written in {:.0} s",
        patients - have.min(patients),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The statements behind the signed-in pages, as `app/src/db/` writes
/// them, with the benchmark patient's values in place of parameters.
const HOT: &[(&str, &str)] = &[
    (
        "the session of a cookie (every page)",
        "SELECT id FROM sessions WHERE token_hash = 'x' AND ended_at IS NULL",
    ),
    (
        "«Все запросы»: a patient's requests, newest first",
        "SELECT r.id, r.number, d.name FROM patient_requests r \
         JOIN departments d ON d.id = r.department_id \
         WHERE r.patient_id = {patient} ORDER BY r.created_at DESC, r.id DESC",
    ),
    (
        "a request by its number",
        "SELECT id FROM patient_requests WHERE number = '{number}'",
    ),
    (
        "a request's history",
        "SELECT status, at FROM request_status_history WHERE request_id = 1 ORDER BY id",
    ),
    (
        "«Календарь»: a patient's appointments in a month",
        "SELECT id FROM appointments WHERE patient_id = {patient} \
         AND starts_at >= '2026-12-01' AND starts_at < '2027-01-01' ORDER BY starts_at",
    ),
    (
        "«Результаты»: a patient's ready lab orders, newest first",
        "SELECT id FROM lab_orders WHERE patient_id = {patient} AND status = 'ready' \
         ORDER BY taken_on DESC",
    ),
    (
        "a lab order's analytes",
        "SELECT code, value_number FROM lab_analytes WHERE order_id = 1 ORDER BY position",
    ),
    (
        "«Направления»: a patient's referrals",
        "SELECT id FROM referrals WHERE patient_id = {patient} ORDER BY valid_until",
    ),
];

async fn plans(url: &str, login: &str) -> anyhow::Result<()> {
    let db = Db::connect(url, &Default::default()).await?;
    let patient: i64 = with_db!(&db, pool => {
        sqlx::query_scalar("SELECT patient_id FROM patient_accounts WHERE login_key = $1")
            .bind(login)
            .fetch_one(pool)
            .await
    })?;
    let number: String = with_db!(&db, pool => {
        sqlx::query_scalar("SELECT number FROM patient_requests WHERE patient_id = $1 LIMIT 1")
            .bind(patient)
            .fetch_one(pool)
            .await
    })?;
    let explain = match db.backend() {
        Backend::Sqlite => "EXPLAIN QUERY PLAN ",
        Backend::Postgres => "EXPLAIN ",
    };
    for (what, sql) in HOT {
        let sql = sql
            .replace("{patient}", &patient.to_string())
            .replace("{number}", &number);
        println!("-- {what}\n{sql}");
        let sql = format!("{explain}{sql}");
        match &db {
            Db::Sqlite(pool) => {
                let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_all(pool)
                    .await?;
                for (_, _, _, detail) in rows {
                    println!("   {detail}");
                }
            }
            Db::Postgres(pool) => {
                let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_all(pool)
                    .await?;
                for (line,) in rows {
                    println!("   {line}");
                }
            }
        }
    }
    Ok(())
}

const USAGE: &str =
    "usage: bench-data generate DATABASE_URL PATIENTS | bench-data plans DATABASE_URL LOGIN";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", url, patients] => generate(url, patients.parse()?).await,
        ["plans", url, login] => plans(url, login).await,
        _ => anyhow::bail!(USAGE),
    }
}
