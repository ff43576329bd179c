//! Demo content for `server --demo`: seeded into an empty database only, never
//! without the flag. Tests outside the codebase rely on these accounts:
//!
//! | who | login | password |
//! |---|---|---|
//! | patient | `demo` | `demo-patient-pass-2026` |
//! | patient not yet activated | `temp-0001` (temporary) | `temp-pass-0001-2026` |
//! | staff administrator | `admin` | `demo-admin-pass-2026` |
//! | staff at reception | `reception` | `demo-reception-pass-2026` |
//! | operator of the contact centre | `operator` | `demo-operator-pass-2026` |
//!
//! The demo patient has requests in every department's queue: the contact
//! centre's, medical records', radiology's, home care's and the portal
//! team's; and, as the MIS would push them, upcoming and past appointments
//! in two clinics (one with a preparation memo), three active referrals —
//! a consultation, a study, a lab test — and an expired one.
//!
//! At every start in demo mode, a fresh demo MIS client is made and its
//! token printed (the one before is revoked), so the integration API can be
//! tried by hand.

use app::auth::{PatientSession, StaffSession};
use app::clock::Clock;
use app::context::ServerContext;
use app::db::accounts::{self, NewPatientAccount, NewTemporaryCredentials};
use app::db::clinics::{self, NewClinic};
use app::db::patients::{self, NewPatient, NewServiceAgreement};
use app::db::staff::{self, NewStaff};
use app::domain::request::RequestStatus;
use app::domain::StaffRole;
use app::requests::engine;
use app::requests::kinds::booking::BookingContent;
use app::requests::kinds::document::{
    DocumentContent, DocumentDelivery, DocumentRequest, DocumentWanted, Relation, TaxCertificate,
    Version,
};
use app::requests::kinds::feedback::{FeedbackContent, FeedbackType};
use app::requests::kinds::home_visit::HomeVisitContent;
use app::requests::kinds::radiology_report::RadiologyReportContent;
use app::requests::kinds::{ClinicChoice, RequestContent, TimeOfDay};
use app::security::{hash_password, Secret};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

pub const PATIENT_LOGIN: &str = "demo";
pub const PATIENT_PASSWORD: &str = "demo-patient-pass-2026";
pub const TEMPORARY_LOGIN: &str = "temp-0001";
pub const TEMPORARY_PASSWORD: &str = "temp-pass-0001-2026";
pub const ADMIN_LOGIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "demo-admin-pass-2026";
pub const RECEPTION_LOGIN: &str = "reception";
pub const RECEPTION_PASSWORD: &str = "demo-reception-pass-2026";
pub const OPERATOR_LOGIN: &str = "operator";
pub const OPERATOR_PASSWORD: &str = "demo-operator-pass-2026";

/// Temporary credentials printed at reception stay valid this long.
const TEMPORARY_VALIDITY: Duration = Duration::days(30);

/// What [`seed`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeded {
    /// The database was empty and now holds the demo content.
    Yes,
    /// The database already had patients; nothing was written.
    AlreadyHadData,
}

fn date(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| anyhow::anyhow!("invalid demo date"))
}

/// Hashes the demo passwords off the async threads: argon2 is CPU-heavy.
async fn hash_all<const N: usize>(passwords: [&'static str; N]) -> anyhow::Result<[String; N]> {
    tokio::task::spawn_blocking(move || {
        let mut hashes: [String; N] = std::array::from_fn(|_| String::new());
        for (hash, password) in hashes.iter_mut().zip(passwords) {
            *hash = hash_password(&Secret::new(password))?;
        }
        Ok(hashes)
    })
    .await?
}

/// Seeds the demo content if the database has no patients yet: the
/// accounts in one transaction, then the demo patient's requests sent and
/// moved on through the request engine, as a patient and staff would.
pub async fn seed(context: &ServerContext) -> anyhow::Result<Seeded> {
    let now = context.clock.now();
    let [patient_hash, temporary_hash, admin_hash, reception_hash, operator_hash] = hash_all([
        PATIENT_PASSWORD,
        TEMPORARY_PASSWORD,
        ADMIN_PASSWORD,
        RECEPTION_PASSWORD,
        OPERATOR_PASSWORD,
    ])
    .await?;

    let mut tx = context.db.begin_write().await?;
    if patients::any_exist_in(&mut tx).await? {
        return Ok(Seeded::AlreadyHadData);
    }

    for clinic in [
        NewClinic {
            code: "spir",
            name: "Клиника на Спиридоньевском",
            address: "Москва, Спиридоньевский пер., 5",
            phone: "+7 (495) 933 66 55",
        },
        NewClinic {
            code: "orlovsky",
            name: "Клиника на Орловском",
            address: "Москва, Орловский пер., 7",
            phone: "+7 (495) 933 66 55",
        },
        NewClinic {
            code: "children",
            name: "Детская клиника",
            address: "Москва, ул. Щепкина, 35",
            phone: "+7 (495) 933 66 55",
        },
    ] {
        clinics::insert(&mut tx, &clinic).await?;
    }

    let patient_id = patients::insert(
        &mut tx,
        &NewPatient {
            mis_patient_id: "MIS-100001",
            full_name: "Смирнова Анна Сергеевна",
            birth_date: date(1984, 3, 12)?,
        },
        now,
    )
    .await?;
    patients::insert_agreement(
        &mut tx,
        &NewServiceAgreement {
            patient_id,
            number: "ДС-2026-0001",
            signed_on: date(2026, 1, 15)?,
            email: "anna.smirnova@example.ru",
            sms_phone: "+79161234567",
        },
        now,
    )
    .await?;
    accounts::insert_account(
        &mut tx,
        &NewPatientAccount {
            patient_id,
            login: PATIENT_LOGIN,
            password_hash: &patient_hash,
            address_as: "Анна Сергеевна",
            recovery_email: "anna.smirnova@example.ru",
            locale: "ru",
        },
        now,
    )
    .await?;

    let new_patient_id = patients::insert(
        &mut tx,
        &NewPatient {
            mis_patient_id: "MIS-100002",
            full_name: "Петров Игорь Николаевич",
            birth_date: date(1971, 9, 2)?,
        },
        now,
    )
    .await?;
    patients::insert_agreement(
        &mut tx,
        &NewServiceAgreement {
            patient_id: new_patient_id,
            number: "ДС-2026-0002",
            signed_on: now.date_naive(),
            email: "i.petrov@example.ru",
            sms_phone: "+79035550102",
        },
        now,
    )
    .await?;
    accounts::insert_temporary_credentials(
        &mut tx,
        &NewTemporaryCredentials {
            patient_id: new_patient_id,
            login: TEMPORARY_LOGIN,
            password_hash: &temporary_hash,
            expires_at: now + TEMPORARY_VALIDITY,
        },
        now,
    )
    .await?;

    let admin = staff::insert(
        &mut tx,
        &NewStaff {
            login: ADMIN_LOGIN,
            full_name: "Администратор портала",
            password_hash: &admin_hash,
            roles: &[StaffRole::Admin],
        },
        now,
    )
    .await?;

    staff::insert(
        &mut tx,
        &NewStaff {
            login: RECEPTION_LOGIN,
            full_name: "Регистратура, Клиника на Спиридоньевском",
            password_hash: &reception_hash,
            roles: &[StaffRole::Reception],
        },
        now,
    )
    .await?;
    let operator = staff::insert(
        &mut tx,
        &NewStaff {
            login: OPERATOR_LOGIN,
            full_name: "Оператор контакт-центра",
            password_hash: &operator_hash,
            roles: &[],
        },
        now,
    )
    .await?;
    staff::set_roles_and_departments(
        &mut tx,
        operator,
        &[StaffRole::Operator],
        &["contact_centre".to_owned()],
    )
    .await?;

    tx.commit().await?;

    let staff_session = |staff_id, login: &str, full_name: &str, role| StaffSession {
        session_id: 0,
        staff_id,
        login: login.to_owned(),
        full_name: full_name.to_owned(),
        roles: vec![role],
        needs_second_factor: false,
    };
    let people = People {
        patient: PatientSession {
            session_id: 0,
            patient_id,
            login: PATIENT_LOGIN.to_owned(),
            address_as: "Анна Сергеевна".to_owned(),
            locale: "ru".to_owned(),
            ends_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
        },
        operator: staff_session(
            operator,
            OPERATOR_LOGIN,
            "Оператор контакт-центра",
            StaffRole::Operator,
        ),
        admin: staff_session(
            admin,
            ADMIN_LOGIN,
            "Администратор портала",
            StaffRole::Admin,
        ),
    };
    seed_mis_data(context, patient_id, now).await?;
    seed_results(context, patient_id, now).await?;
    seed_balances(context, patient_id, now).await?;
    seed_content(context, admin, now).await?;
    // The demo's history is not news: nobody is mailed about it.
    set_status_mail(context, patient_id, false).await?;
    seed_requests(context, &people, now).await?;
    set_status_mail(context, patient_id, true).await?;
    Ok(Seeded::Yes)
}

/// The name of the demo MIS client.
pub const DEMO_MIS_CLIENT: &str = "Демо-МИС";

/// Makes a fresh demo MIS client, revoking the demo's earlier ones: its
/// token, to print.
pub async fn demo_mis_token(context: &ServerContext) -> anyhow::Result<Secret> {
    let mut tx = context.db.begin_write().await?;
    for client in app::db::mis_clients::all(&context.db).await? {
        if client.name == DEMO_MIS_CLIENT && client.revoked_at.is_none() {
            app::db::mis_clients::revoke(&mut tx, client.id, context.clock.now()).await?;
        }
    }
    tx.commit().await?;
    let token = app::admin::integration_server::make_client(
        context,
        app::db::audit::Actor::Anonymous,
        DEMO_MIS_CLIENT,
    )
    .await?;
    Ok(token)
}

/// What the MIS would have pushed about the demo patient: doctors, their
/// appointments in two clinics and referrals — written by the same
/// functions the integration API writes with.
async fn seed_mis_data(
    context: &ServerContext,
    patient_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use app::db::appointments::{self, NewAppointment};
    use app::db::doctors::{self, NewDoctor};
    use app::db::referrals::{self, NewReferral};

    let today = context.clinic.local_date(now);
    // `days` from today at `hh:mm` in the clinic's time.
    let at = |days: i64, hour: u32, minute: u32| -> anyhow::Result<DateTime<Utc>> {
        let local = (today + Duration::days(days))
            .and_hms_opt(hour, minute, 0)
            .ok_or_else(|| anyhow::anyhow!("invalid demo time"))?;
        Ok(context.clinic.instant_of(local))
    };
    let mut tx = context.db.begin_write().await?;
    for (mis_id, full_name, specialty) in [
        ("D-1", "Петров Пётр Петрович", "Кардиолог"),
        ("D-2", "Иванова Мария Олеговна", "Терапевт"),
        ("D-3", "Соколов Андрей Викторович", "Невролог"),
    ] {
        doctors::upsert(
            &mut tx,
            &NewDoctor {
                mis_id,
                full_name,
                specialty,
            },
            now,
        )
        .await?;
    }
    let missing = |what: &str| anyhow::anyhow!("demo {what} missing");
    let cardiologist = doctors::id_of(&mut tx, "D-1")
        .await?
        .ok_or_else(|| missing("D-1"))?;
    let therapist = doctors::id_of(&mut tx, "D-2")
        .await?
        .ok_or_else(|| missing("D-2"))?;
    let neurologist = doctors::id_of(&mut tx, "D-3")
        .await?
        .ok_or_else(|| missing("D-3"))?;
    let spir = clinics::id_of(&mut tx, "spir")
        .await?
        .ok_or_else(|| missing("spir"))?;
    let orlovsky = clinics::id_of(&mut tx, "orlovsky")
        .await?
        .ok_or_else(|| missing("orlovsky"))?;
    let memo = "Приходите за 15 минут до начала приёма.\n\
                За 2 часа до приёма не пейте кофе и крепкий чай, не курите.\n\
                Возьмите с собой результаты ЭКГ и список лекарств, которые принимаете.";
    let appointments = [
        (
            "A-1001",
            Some(cardiologist),
            None,
            "Повторный приём",
            spir,
            at(2, 10, 30)?,
            30,
            "booked",
            Some(memo),
        ),
        (
            "A-1002",
            None,
            Some("УЗИ брюшной полости"),
            "Исследование",
            orlovsky,
            at(9, 9, 0)?,
            40,
            "booked",
            None,
        ),
        (
            "A-1005",
            Some(neurologist),
            None,
            "Первичный приём",
            orlovsky,
            at(20, 16, 15)?,
            30,
            "booked",
            None,
        ),
        (
            "A-1003",
            Some(therapist),
            None,
            "Первичный приём",
            spir,
            at(-20, 11, 0)?,
            30,
            "done",
            None,
        ),
        (
            "A-1004",
            None,
            Some("МРТ коленного сустава"),
            "Исследование",
            orlovsky,
            at(-45, 18, 30)?,
            45,
            "done",
            None,
        ),
    ];
    for (
        mis_id,
        doctor_id,
        study_type,
        visit_type,
        clinic_id,
        starts_at,
        duration_minutes,
        status,
        memo_text,
    ) in appointments
    {
        appointments::upsert(
            &mut tx,
            &NewAppointment {
                mis_id,
                patient_id,
                doctor_id,
                study_type,
                visit_type,
                clinic_id,
                starts_at,
                duration_minutes,
                status,
                memo_text,
                memo_pdf: None,
            },
            now,
        )
        .await?;
    }
    let referrals = [
        (
            "R-2001",
            therapist,
            "consultation",
            "Консультация кардиолога",
            -20,
            40,
        ),
        (
            "R-2002",
            therapist,
            "study",
            "УЗИ щитовидной железы",
            -20,
            30,
        ),
        (
            "R-2003",
            therapist,
            "lab_test",
            "Общий анализ крови",
            -20,
            30,
        ),
        (
            "R-2004",
            cardiologist,
            "consultation",
            "Консультация эндокринолога",
            -120,
            -30,
        ),
    ];
    for (mis_id, doctor_id, kind, service, issued, valid) in referrals {
        referrals::upsert(
            &mut tx,
            &NewReferral {
                mis_id,
                patient_id,
                doctor_id,
                kind,
                service,
                issued_on: today + Duration::days(issued),
                valid_until: today + Duration::days(valid),
                used: false,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A demo lab panel: its MIS id, days before today it was taken, the
/// panel, and its values (code, name, value, unit, low, high).
type DemoPanel = (
    &'static str,
    i64,
    &'static str,
    Vec<(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )>,
);

/// A year of the demo patient's lab results — panels repeated so trends
/// show, one value out of range, one order still in progress — and two
/// radiology studies, one with its report ready. Each order is written as
/// the MIS would have pushed it the day after it was taken; the patient
/// last looked at their results five days ago, so the newest is new.
async fn seed_results(
    context: &ServerContext,
    patient_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use app::db::results::{self, NewAnalyte, NewLabOrder, NewStudy};
    let today = context.clinic.local_date(now);
    let cbc = |hgb, wbc, plt, esr| {
        vec![
            ("HGB", "Гемоглобин", hgb, "г/л", "120", "140"),
            ("WBC", "Лейкоциты", wbc, "×10⁹/л", "4.0", "9.0"),
            ("PLT", "Тромбоциты", plt, "×10⁹/л", "150", "400"),
            ("ESR", "СОЭ", esr, "мм/ч", "2", "15"),
        ]
    };
    let chemistry = |glu, chol, alt| {
        vec![
            ("GLU", "Глюкоза", glu, "ммоль/л", "3.9", "6.1"),
            ("CHOL", "Холестерин общий", chol, "ммоль/л", "", "5.2"),
            ("ALT", "АЛТ", alt, "Ед/л", "", "33"),
        ]
    };
    let thyroid = |tsh, ft4| {
        vec![
            ("TSH", "ТТГ", tsh, "мЕд/л", "0.4", "4.0"),
            ("FT4", "Т4 свободный", ft4, "пмоль/л", "9.0", "19.0"),
        ]
    };
    let panels: Vec<DemoPanel> = vec![
        (
            "L-5001",
            340,
            "Общий анализ крови",
            cbc("128", "5.6", "245", "8"),
        ),
        (
            "L-5002",
            300,
            "Биохимический анализ крови",
            chemistry("5.1", "4.90", "21"),
        ),
        (
            "L-5003",
            250,
            "Общий анализ крови",
            cbc("131", "6.1", "230", "10"),
        ),
        (
            "L-5004",
            200,
            "Гормоны щитовидной железы",
            thyroid("2.35", "13.2"),
        ),
        (
            "L-5005",
            160,
            "Общий анализ крови",
            cbc("125", "7.2", "262", "12"),
        ),
        (
            "L-5006",
            160,
            "Биохимический анализ крови",
            chemistry("5.4", "5.10", "25"),
        ),
        (
            "L-5007",
            70,
            "Общий анализ крови",
            cbc("129", "5.9", "251", "9"),
        ),
        (
            "L-5008",
            30,
            "Биохимический анализ крови",
            chemistry("5.3", "5.90", "28"),
        ),
        (
            "L-5009",
            30,
            "Гормоны щитовидной железы",
            thyroid("2.10", "12.8"),
        ),
        (
            "L-5010",
            3,
            "Общий анализ крови",
            cbc("134", "6.4", "238", "7"),
        ),
    ];
    let mut tx = context.db.begin_write().await?;
    for (mis_id, days_ago, panel, values) in &panels {
        let taken_on = today - Duration::days(*days_ago);
        let analytes = values
            .iter()
            .map(|(code, name, value, unit, low, high)| NewAnalyte {
                code,
                name,
                value_number: Some(value),
                value_text: None,
                unit: Some(unit),
                reference_low: (!low.is_empty()).then_some(*low),
                reference_high: (!high.is_empty()).then_some(*high),
                reference_text: None,
                flag: (*code == "CHOL" && *value == "5.90").then_some("high"),
            })
            .collect();
        let content_sha256 = app::security::sha256_hex(format!("{mis_id}{values:?}").as_bytes());
        results::upsert_order(
            &mut tx,
            &NewLabOrder {
                mis_id,
                patient_id,
                taken_on,
                lab: "Лаборатория ЕМС",
                panel,
                ready: true,
                pdf: None,
                content_sha256: &content_sha256,
                analytes,
            },
            now - Duration::days(days_ago - 1),
        )
        .await?;
    }
    results::upsert_order(
        &mut tx,
        &NewLabOrder {
            mis_id: "L-5011",
            patient_id,
            taken_on: today - Duration::days(1),
            lab: "Лаборатория ЕМС",
            panel: "Витамин D (25-OH)",
            ready: false,
            pdf: None,
            content_sha256: "demo-in-progress",
            analytes: vec![NewAnalyte {
                code: "VITD",
                name: "25-OH витамин D",
                value_number: None,
                value_text: Some("в работе"),
                unit: Some("нг/мл"),
                reference_low: Some("30"),
                reference_high: Some("100"),
                reference_text: None,
                flag: None,
            }],
        },
        now,
    )
    .await?;
    // One urine test: values in words.
    results::upsert_order(
        &mut tx,
        &NewLabOrder {
            mis_id: "L-5012",
            patient_id,
            taken_on: today - Duration::days(250),
            lab: "Лаборатория ЕМС",
            panel: "Общий анализ мочи",
            ready: true,
            pdf: None,
            content_sha256: "demo-urine",
            analytes: vec![
                NewAnalyte {
                    code: "U-COLOR",
                    name: "Цвет",
                    value_number: None,
                    value_text: Some("соломенно-жёлтый"),
                    unit: None,
                    reference_low: None,
                    reference_high: None,
                    reference_text: Some("соломенно-жёлтый"),
                    flag: None,
                },
                NewAnalyte {
                    code: "U-PRO",
                    name: "Белок",
                    value_number: None,
                    value_text: Some("не обнаружен"),
                    unit: None,
                    reference_low: None,
                    reference_high: None,
                    reference_text: Some("не обнаружен"),
                    flag: None,
                },
            ],
        },
        now - Duration::days(249),
    )
    .await?;
    let orlovsky = clinics::id_of(&mut tx, "orlovsky")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo clinic missing"))?;
    let spir = clinics::id_of(&mut tx, "spir")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo clinic missing"))?;
    for (mis_id, clinic_id, days_ago, modality, area, report_ready) in [
        ("S-3001", orlovsky, 45, "МРТ", "коленный сустав", true),
        (
            "S-3002",
            spir,
            2,
            "Рентгенография",
            "органы грудной клетки",
            false,
        ),
    ] {
        results::upsert_study(
            &mut tx,
            &NewStudy {
                mis_id,
                patient_id,
                clinic_id,
                performed_on: today - Duration::days(days_ago),
                modality,
                area,
                report_ready,
            },
            now,
        )
        .await?;
    }
    results::mark_seen(&mut tx, patient_id, now - Duration::days(5)).await?;
    tx.commit().await?;
    Ok(())
}

/// The demo patient's deposit and debt: one account, two unpaid invoices
/// and a paid one, as of the clinic's books three days ago.
async fn seed_balances(
    context: &ServerContext,
    patient_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use app::db::finance::{self, NewBalance, NewInvoice, NewPayerAccount};
    use app::domain::Money;
    let today = context.clinic.local_date(now);
    let money = |text| Money::parse(text).ok_or_else(|| anyhow::anyhow!("demo amount {text}"));
    let mut tx = context.db.begin_write().await?;
    finance::upsert(
        &mut tx,
        &NewBalance {
            patient_id,
            books_on: today - Duration::days(3),
            third_party_payer: false,
            content_sha256: "demo-balances",
            accounts: vec![NewPayerAccount {
                mis_id: "ACC-1",
                name: "Личный счёт",
                deposit: money("15000.00")?,
                debt: money("4350.50")?,
                invoices: vec![
                    NewInvoice {
                        number: "СЧ-2026-0412",
                        issued_on: today - Duration::days(20),
                        amount: money("2350.50")?,
                        paid: false,
                    },
                    NewInvoice {
                        number: "СЧ-2026-0398",
                        issued_on: today - Duration::days(35),
                        amount: money("2000.00")?,
                        paid: false,
                    },
                    NewInvoice {
                        number: "СЧ-2026-0301",
                        issued_on: today - Duration::days(80),
                        amount: money("5600.00")?,
                        paid: true,
                    },
                ],
            }],
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Five news items and three promotions — two running, one ended — as
/// the clinic's editors would have published them.
async fn seed_content(
    context: &ServerContext,
    editor: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use app::db::content::{self, NewContent};
    let today = context.clinic.local_date(now);
    let news = [
        (
            2,
            "Новогодние часы работы клиник",
            "С **31 декабря по 2 января** клиники работают с 10:00 до 16:00, детская клиника — \
             с 10:00 до 14:00.\n\nДежурный врач доступен круглосуточно по телефону клиники.",
        ),
        (
            9,
            "В клинике на Орловском открылся кабинет МРТ 3 Тесла",
            "Новый томограф делает исследование быстрее и тише. Записаться можно в разделе \
             [«Записаться на прием/исследование»](/booking).",
        ),
        (
            21,
            "Прививка от гриппа: сезон 2026/27",
            "Вакцина уже в клиниках. Прививка делается после осмотра терапевта в тот же день.\n\n\
             - взрослым и детям с 6 месяцев\n- без предварительной записи по будням",
        ),
        (
            40,
            "Результаты анализов теперь с динамикой",
            "В разделе «Результаты анализов и исследований» у каждого показателя, который вы сдавали \
             больше одного раза, есть график его изменений.",
        ),
        (
            75,
            "Детская клиника переехала",
            "Детская клиника теперь принимает по адресу: Москва, ул. Щепкина, 35.",
        ),
    ];
    let promotions = [
        (
            -10,
            20,
            "Check-up «Здоровое сердце» со скидкой 15 %",
            "ЭКГ, эхокардиография, липидный профиль и консультация кардиолога — одним днём.",
        ),
        (
            -3,
            28,
            "Семейная вакцинация: вторая прививка — в подарок",
            "При вакцинации двух членов семьи в один день вторая прививка бесплатно.",
        ),
        (
            -60,
            -5,
            "Осенний check-up щитовидной железы",
            "УЗИ щитовидной железы и гормоны со скидкой 10 %.",
        ),
    ];
    let mut tx = context.db.begin_write().await?;
    let mut items = Vec::new();
    for (days_ago, title, body) in news {
        items.push(NewContent {
            kind: "news",
            title,
            body,
            publish_on: today - Duration::days(days_ago),
            valid_from: None,
            valid_until: None,
        });
    }
    for (from, until, title, body) in promotions {
        items.push(NewContent {
            kind: "promotion",
            title,
            body,
            publish_on: today + Duration::days(from),
            valid_from: Some(today + Duration::days(from)),
            valid_until: Some(today + Duration::days(until)),
        });
    }
    for item in &items {
        let id = content::insert(&mut tx, item, editor, now).await?;
        content::set_published(&mut tx, id, true, editor, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn set_status_mail(context: &ServerContext, patient_id: i64, on: bool) -> anyhow::Result<()> {
    let mut tx = context.db.begin_write().await?;
    // The new-device mail stays on, as a new account has it.
    accounts::set_notices(&mut tx, patient_id, on, true).await?;
    tx.commit().await?;
    Ok(())
}

/// Who acts in the demo's requests.
struct People {
    patient: PatientSession,
    operator: StaffSession,
    admin: StaffSession,
}

/// A status staff moved a request to, who, and what they wrote.
type Step<'a> = (RequestStatus, &'a StaffSession, &'static str);

/// Sends a request of the demo patient at `sent_at` through the engine,
/// and lets staff take it and move it on, an hour a step.
async fn seed_request(
    context: &ServerContext,
    people: &People,
    content: &RequestContent,
    steps: &[Step<'_>],
    sent_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let at = |time| ServerContext {
        clock: Clock::manual(time),
        ..context.clone()
    };
    let key = format!("demo-request-{}", sent_at.timestamp());
    let number = engine::submit(&at(sent_at), &people.patient, content, &key, "demo").await?;
    for (step, (status, staff, comment)) in steps.iter().enumerate() {
        let moved = at(sent_at + Duration::hours(step as i64 + 1));
        engine::take(&moved, staff, &number).await?;
        engine::change_status(&moved, staff, &number, status.as_str(), comment).await?;
    }
    Ok(())
}

/// Requests in the contact centre's, the home-care department's and the
/// portal team's queues, in several statuses. (Documents and radiology
/// reports get theirs with their sections.)
async fn seed_requests(
    context: &ServerContext,
    people: &People,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let today = context.clinic.local_date(now);
    let mut requests: Vec<(RequestContent, Vec<Step<'_>>, DateTime<Utc>)> = Vec::new();
    requests.push((
        RequestContent::Booking(BookingContent {
            reason: "Плановый осмотр кардиолога, контроль давления".into(),
            desired_date: today + Duration::days(7),
            specialist: Some("Кардиолог".into()),
            clinic: Some(ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }),
            time_of_day: Some(TimeOfDay::Morning),
            comment: None,
            referrals: Vec::new(),
        }),
        Vec::new(),
        now - Duration::days(1),
    ));
    requests.push((
        RequestContent::Booking(BookingContent {
            reason: "УЗИ брюшной полости".into(),
            desired_date: today + Duration::days(3),
            specialist: None,
            clinic: None,
            time_of_day: None,
            comment: Some("Удобно после 17:00".into()),
            referrals: Vec::new(),
        }),
        vec![(
            RequestStatus::Accepted,
            &people.operator,
            "Позвоним вам сегодня, чтобы подобрать время.",
        )],
        now - Duration::days(3),
    ));
    requests.push((
        RequestContent::Document(DocumentContent::V2(DocumentRequest {
            version: Version,
            wanted: DocumentWanted::TaxDeductionCertificate(TaxCertificate {
                taxpayer_name: "Смирнов Михаил Андреевич".into(),
                patient_name: "Смирнова Анна Сергеевна".into(),
                relation: Relation::Spouse,
                taxpayer_inn: "500100732259".into(),
                english_translation: false,
            }),
            period_from: NaiveDate::from_ymd_opt(today.year() - 1, 1, 1)
                .ok_or_else(|| anyhow::anyhow!("no 1 January before {today}"))?,
            period_until: NaiveDate::from_ymd_opt(today.year() - 1, 12, 31)
                .ok_or_else(|| anyhow::anyhow!("no 31 December before {today}"))?,
            delivery: DocumentDelivery::Email,
            clinic: None,
            comment: Some("Оплачивал лечение супруги".into()),
        })),
        vec![(
            RequestStatus::InProgress,
            &people.admin,
            "Готовим справку: срок — пять рабочих дней.",
        )],
        now - Duration::days(2),
    ));
    requests.push((
        RequestContent::RadiologyReport(RadiologyReportContent {
            study_id: "S-3001".into(),
            study: "МРТ, коленный сустав".into(),
            study_date: today - Duration::days(45),
        }),
        Vec::new(),
        now - Duration::days(1) + Duration::hours(3),
    ));
    requests.push((
        RequestContent::HomeVisit(HomeVisitContent {
            phone: "+79161234567".into(),
            street: "ул. Щепкина".into(),
            house: "35".into(),
            building: None,
            apartment: "12".into(),
            entrance: Some("2".into()),
            floor: Some("4".into()),
            intercom: Some("12К".into()),
            reason: "Температура 38,5 второй день, кашель".into(),
            desired_time: Some("До 15:00".into()),
            comment: None,
        }),
        Vec::new(),
        now - Duration::hours(2),
    ));
    requests.push((
        RequestContent::Feedback(FeedbackContent {
            feedback_type: FeedbackType::Suggestion,
            message: "Хотелось бы получать напоминание о приёме накануне.".into(),
        }),
        vec![
            (RequestStatus::Accepted, &people.admin, ""),
            (
                RequestStatus::Done,
                &people.admin,
                "Спасибо! Напоминания появятся в одном из ближайших обновлений.",
            ),
        ],
        now - Duration::days(10),
    ));
    // Numbered in this order (tests name these numbers); each is sent at
    // its own time in the past.
    for (content, steps, sent_at) in &requests {
        seed_request(context, people, content, steps, *sent_at).await?;
    }
    seed_finished_document(context, people, now).await
}

/// A «Выписной эпикриз» medical records finished: the PDF shipped with
/// the demo (`server/demo/discharge-summary.pdf`, Cyrillic text, fonts
/// embedded) attached by staff, the request done, waiting at the clinic.
async fn seed_finished_document(
    context: &ServerContext,
    people: &People,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const PDF: &[u8] = include_bytes!("../demo/discharge-summary.pdf");
    let today = context.clinic.local_date(now);
    let sent_at = now - Duration::days(12);
    let content = RequestContent::Document(DocumentContent::V2(DocumentRequest {
        version: Version,
        wanted: DocumentWanted::DischargeSummary,
        period_from: today - Duration::days(30),
        period_until: today - Duration::days(25),
        delivery: DocumentDelivery::InClinic,
        clinic: Some(ClinicChoice {
            code: "spir".into(),
            name: "Клиника на Спиридоньевском".into(),
        }),
        comment: None,
    }));
    let at = |time| ServerContext {
        clock: Clock::manual(time),
        ..context.clone()
    };
    let key = format!("demo-request-{}", sent_at.timestamp());
    let number = engine::submit(&at(sent_at), &people.patient, &content, &key, "demo").await?;
    let done = at(sent_at + Duration::days(2));
    engine::take(&done, &people.admin, &number).await?;
    app::requests::attachments::attach(
        &done,
        &people.admin,
        &number,
        app::requests::attachments::UploadedFile {
            name: "Выписной эпикриз.pdf",
            media_type: "application/pdf",
            bytes: PDF,
        },
    )
    .await?;
    engine::change_status(
        &done,
        &people.admin,
        &number,
        RequestStatus::Done.as_str(),
        "Документ готов: его можно получить в регистратуре Клиники на Спиридоньевском или скачать здесь.",
    )
    .await?;
    Ok(())
}
