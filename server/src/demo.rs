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
//! team's.

use app::db::accounts::{self, NewPatientAccount, NewTemporaryCredentials};
use app::db::clinics::{self, NewClinic};
use app::db::patients::{self, NewPatient, NewServiceAgreement};
use app::db::requests::{self, NewRequest};
use app::db::staff::{self, NewStaff};
use app::db::{Db, WriteTx};
use app::domain::request::{
    request_number, BookingContent, ClinicChoice, DocumentContent, DocumentDelivery, DocumentType,
    FeedbackContent, FeedbackType, HomeVisitContent, RadiologyReportContent, RequestContent,
    RequestStatus, TimeOfDay,
};
use app::domain::StaffRole;
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

/// Seeds the demo content into `db` if it has no patients yet, all in one
/// transaction: a failure leaves the database as it was.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Seeded> {
    let [patient_hash, temporary_hash, admin_hash, reception_hash, operator_hash] = hash_all([
        PATIENT_PASSWORD,
        TEMPORARY_PASSWORD,
        ADMIN_PASSWORD,
        RECEPTION_PASSWORD,
        OPERATOR_PASSWORD,
    ])
    .await?;

    let mut tx = db.begin_write().await?;
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

    seed_requests(&mut tx, patient_id, operator, admin, now).await?;

    tx.commit().await?;
    Ok(Seeded::Yes)
}

/// A request of the demo patient and the statuses it went through.
async fn seed_request(
    tx: &mut WriteTx,
    patient_id: i64,
    content: &RequestContent,
    statuses: &[(RequestStatus, Option<i64>, &str)],
    sent_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let kind = content.kind().as_str();
    let department_id = requests::route(tx, kind)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no department takes {kind} requests"))?;
    let year = sent_at.year();
    let number = request_number(year, requests::next_number(tx, year).await?);
    let request_id = requests::insert(
        tx,
        &NewRequest {
            number: &number,
            patient_id,
            kind,
            department_id,
            content: &serde_json::to_string(content)?,
            idempotency_key: &format!("demo-{number}"),
        },
        sent_at,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("demo request {number} exists"))?;
    requests::add_history(
        tx,
        request_id,
        RequestStatus::Sent.as_str(),
        None,
        "",
        sent_at,
    )
    .await?;
    let mut from = RequestStatus::Sent;
    for (step, (status, staff_id, comment)) in statuses.iter().enumerate() {
        let at = sent_at + Duration::hours(step as i64 + 1);
        requests::set_status(tx, request_id, from.as_str(), status.as_str(), at).await?;
        requests::add_history(tx, request_id, status.as_str(), *staff_id, comment, at).await?;
        if let Some(staff_id) = staff_id {
            requests::assign(tx, request_id, *staff_id, at).await?;
        }
        from = *status;
    }
    Ok(())
}

/// Requests in the contact centre's, the home-care department's and the
/// portal team's queues, in several statuses. (Documents and radiology
/// reports get theirs with their sections.)
async fn seed_requests(
    tx: &mut WriteTx,
    patient_id: i64,
    operator: i64,
    admin: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let today = now.date_naive();
    seed_request(
        tx,
        patient_id,
        &RequestContent::Booking(BookingContent {
            reason: "Плановый осмотр кардиолога, контроль давления".into(),
            desired_date: today + Duration::days(7),
            specialist: Some("Кардиолог".into()),
            clinic: Some(ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }),
            time_of_day: Some(TimeOfDay::Morning),
            comment: None,
        }),
        &[],
        now - Duration::days(1),
    )
    .await?;
    seed_request(
        tx,
        patient_id,
        &RequestContent::Booking(BookingContent {
            reason: "УЗИ брюшной полости".into(),
            desired_date: today + Duration::days(3),
            specialist: None,
            clinic: None,
            time_of_day: None,
            comment: Some("Удобно после 17:00".into()),
        }),
        &[(
            RequestStatus::Accepted,
            Some(operator),
            "Позвоним вам сегодня, чтобы подобрать время.",
        )],
        now - Duration::days(3),
    )
    .await?;
    seed_request(
        tx,
        patient_id,
        &RequestContent::Document(DocumentContent {
            document_type: DocumentType::TaxDeductionCertificate,
            period_from: NaiveDate::from_ymd_opt(today.year() - 1, 1, 1)
                .ok_or_else(|| anyhow::anyhow!("no 1 January before {today}"))?,
            period_until: NaiveDate::from_ymd_opt(today.year() - 1, 12, 31)
                .ok_or_else(|| anyhow::anyhow!("no 31 December before {today}"))?,
            delivery: DocumentDelivery::Email,
            comment: Some("Оплачивал лечение супруги".into()),
        }),
        &[],
        now - Duration::days(2),
    )
    .await?;
    seed_request(
        tx,
        patient_id,
        &RequestContent::RadiologyReport(RadiologyReportContent {
            study: "МРТ коленного сустава".into(),
            study_date: today - Duration::days(5),
        }),
        &[],
        now - Duration::days(1) + Duration::hours(3),
    )
    .await?;
    seed_request(
        tx,
        patient_id,
        &RequestContent::HomeVisit(HomeVisitContent {
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
        &[],
        now - Duration::hours(2),
    )
    .await?;
    seed_request(
        tx,
        patient_id,
        &RequestContent::Feedback(FeedbackContent {
            feedback_type: FeedbackType::Suggestion,
            message: "Хотелось бы получать напоминание о приёме накануне.".into(),
        }),
        &[
            (RequestStatus::Accepted, Some(admin), ""),
            (
                RequestStatus::Done,
                Some(admin),
                "Спасибо! Напоминания появятся в одном из ближайших обновлений.",
            ),
        ],
        now - Duration::days(10),
    )
    .await?;
    Ok(())
}
