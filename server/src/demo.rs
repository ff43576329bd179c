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

use app::db::accounts::{self, NewPatientAccount, NewTemporaryCredentials};
use app::db::clinics::{self, NewClinic};
use app::db::patients::{self, NewPatient, NewServiceAgreement};
use app::db::staff::{self, NewStaff};
use app::db::Db;
use app::domain::StaffRole;
use app::security::{hash_password, Secret};
use chrono::{DateTime, Duration, NaiveDate, Utc};

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

    staff::insert(
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
    Ok(Seeded::Yes)
}
