//! The audit log: who did what to whose data, when (UTC), from where, and
//! under which request id. Append-only — the database refuses updates and
//! deletes. Never holds a password, code or token.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignedIn,
    SignInFailed,
    SignInLocked,
    SignedOut,
    SessionEnded,
    Activated,
    ActivationFailed,
    RecoveryCodeSent,
    RecoveryFailed,
    PasswordRecovered,
    PasswordChanged,
    RecoveryEmailChanged,
    AddressAsChanged,
    StaffSignedIn,
    StaffSignInFailed,
    StaffSignInLocked,
    StaffSignedOut,
    CabinetOpened,
    CabinetDisabled,
    TemporaryCredentialsIssued,
    StaffCreated,
    StaffChanged,
    RequestSent,
    RequestCancelled,
    RequestStatusChanged,
    RequestAssigned,
    RequestViewed,
    AttachmentAdded,
    /// A patient or staff member downloaded an attached file.
    AttachmentDownloaded,
    StatusMailChanged,
    NewDeviceMailChanged,
    /// A patient's cabinet was signed in on a device it had not seen.
    NewDeviceSignedIn,
    RequestRouteChanged,
    /// A form was refused because its login is locked after failures.
    AttemptRefusedLocked,
    /// Reception's patient search listed the patient (name, birth date,
    /// MIS id, login and the cabinet's state).
    PatientListed,
    /// Someone asked for data that is not theirs (or does not exist) and
    /// was told "not found"; the detail says what was asked for.
    AccessRefused,
    MisClientCreated,
    MisClientRevoked,
    /// The MIS wrote data (the detail: what, and how many records changed).
    MisDataPushed,
    /// The MIS read the requests patients sent.
    MisRequestsRead,
    CalendarFeedCreated,
    CalendarFeedRevoked,
    /// A patient downloaded a lab result as PDF.
    ResultDownloaded,
    /// An editor wrote a news item or promotion.
    ContentSaved,
    ContentPublished,
    ContentWithdrawn,
    ContentPictureSet,
    /// A wrong code at the second step of a patient's sign-in.
    SecondStepFailed,
    StaffSecondStepFailed,
    /// An authenticator app was confirmed for the account (with new
    /// recovery codes).
    SecondFactorAdded,
    /// The account's authenticator and recovery codes were removed (the
    /// detail: by whom — the patient, or reception after checking identity).
    SecondFactorRemoved,
    /// New recovery codes replaced the account's old ones.
    FactorRecoveryCodesRenewed,
    /// A patient added a passkey (the detail: its name).
    PasskeyAdded,
    /// A patient's passkey was removed (the detail: its name; empty when
    /// reception removed them all).
    PasskeyRemoved,
    /// A passkey's signature did not check out at a sign-in (its second
    /// step, or a sign-in with the key alone).
    PasskeyRefused,
}

impl Action {
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::SignedIn => "signed_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignInLocked => "sign_in_locked",
            Action::SignedOut => "signed_out",
            Action::SessionEnded => "session_ended",
            Action::Activated => "activated",
            Action::ActivationFailed => "activation_failed",
            Action::RecoveryCodeSent => "recovery_code_sent",
            Action::RecoveryFailed => "recovery_failed",
            Action::PasswordRecovered => "password_recovered",
            Action::PasswordChanged => "password_changed",
            Action::RecoveryEmailChanged => "recovery_email_changed",
            Action::AddressAsChanged => "address_as_changed",
            Action::StaffSignedIn => "staff_signed_in",
            Action::StaffSignInFailed => "staff_sign_in_failed",
            Action::StaffSignInLocked => "staff_sign_in_locked",
            Action::StaffSignedOut => "staff_signed_out",
            Action::CabinetOpened => "cabinet_opened",
            Action::CabinetDisabled => "cabinet_disabled",
            Action::TemporaryCredentialsIssued => "temporary_credentials_issued",
            Action::StaffCreated => "staff_created",
            Action::StaffChanged => "staff_changed",
            Action::RequestSent => "request_sent",
            Action::RequestCancelled => "request_cancelled",
            Action::RequestStatusChanged => "request_status_changed",
            Action::RequestAssigned => "request_assigned",
            Action::RequestViewed => "request_viewed",
            Action::AttachmentAdded => "attachment_added",
            Action::AttachmentDownloaded => "attachment_downloaded",
            Action::StatusMailChanged => "status_mail_changed",
            Action::NewDeviceMailChanged => "new_device_mail_changed",
            Action::NewDeviceSignedIn => "new_device_signed_in",
            Action::RequestRouteChanged => "request_route_changed",
            Action::AttemptRefusedLocked => "attempt_refused_locked",
            Action::PatientListed => "patient_listed",
            Action::AccessRefused => "access_refused",
            Action::MisClientCreated => "mis_client_created",
            Action::MisClientRevoked => "mis_client_revoked",
            Action::MisDataPushed => "mis_data_pushed",
            Action::MisRequestsRead => "mis_requests_read",
            Action::CalendarFeedCreated => "calendar_feed_created",
            Action::CalendarFeedRevoked => "calendar_feed_revoked",
            Action::ResultDownloaded => "result_downloaded",
            Action::ContentSaved => "content_saved",
            Action::ContentPublished => "content_published",
            Action::ContentWithdrawn => "content_withdrawn",
            Action::ContentPictureSet => "content_picture_set",
            Action::SecondStepFailed => "second_step_failed",
            Action::StaffSecondStepFailed => "staff_second_step_failed",
            Action::SecondFactorAdded => "second_factor_added",
            Action::SecondFactorRemoved => "second_factor_removed",
            Action::FactorRecoveryCodesRenewed => "factor_recovery_codes_renewed",
            Action::PasskeyAdded => "passkey_added",
            Action::PasskeyRemoved => "passkey_removed",
            Action::PasskeyRefused => "passkey_refused",
        }
    }
}

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Not signed in (a failed sign-in, a recovery request).
    Anonymous,
    Patient(i64),
    Staff(i64),
    /// A client of the integration API (the MIS).
    Mis(i64),
}

/// Where a request came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub request_id: String,
    /// The browser's User-Agent, at most [`USER_AGENT_CHARS`] characters.
    pub user_agent: String,
}

/// How much of a User-Agent the log keeps: enough to tell browsers apart.
pub const USER_AGENT_CHARS: usize = 512;

impl Origin {
    pub fn new(ip: String, request_id: String, user_agent: &str) -> Origin {
        Origin {
            ip,
            request_id,
            user_agent: user_agent.chars().take(USER_AGENT_CHARS).collect(),
        }
    }
}

/// One row to append.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub action: Action,
    pub actor: Actor,
    /// The patient whose data it concerns, if any.
    pub patient_id: Option<i64>,
    /// A short, secret-free description (e.g. the changed field's name).
    pub detail: &'a str,
    pub origin: &'a Origin,
}

const INSERT: &str = "INSERT INTO audit_log \
     (at, action, actor_patient_id, actor_staff_id, actor_mis_client_id, patient_id, detail, ip, request_id, user_agent) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The actor as its three columns: patient, staff member, MIS client.
fn actor_ids(actor: Actor) -> (Option<i64>, Option<i64>, Option<i64>) {
    match actor {
        Actor::Anonymous => (None, None, None),
        Actor::Patient(id) => (Some(id), None, None),
        Actor::Staff(id) => (None, Some(id), None),
        Actor::Mis(id) => (None, None, Some(id)),
    }
}

impl<'a> Entry<'a> {
    /// An entry with no detail.
    pub fn new(
        action: Action,
        actor: Actor,
        patient_id: Option<i64>,
        origin: &'a Origin,
    ) -> Entry<'a> {
        Entry {
            action,
            actor,
            patient_id,
            detail: "",
            origin,
        }
    }

    /// A staff member acting, on a patient's data when `patient_id` is given.
    pub fn by_staff(
        action: Action,
        staff_id: i64,
        patient_id: Option<i64>,
        origin: &'a Origin,
    ) -> Entry<'a> {
        Entry::new(action, Actor::Staff(staff_id), patient_id, origin)
    }

    /// A patient acting on their own data.
    pub fn by_patient(action: Action, patient_id: i64, origin: &'a Origin) -> Entry<'a> {
        Entry::new(action, Actor::Patient(patient_id), Some(patient_id), origin)
    }
}

/// Appends within the transaction of the change it records.
pub async fn record(
    tx: &mut WriteTx,
    entry: &Entry<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (actor_patient, actor_staff, actor_mis) = actor_ids(entry.actor);
    with_tx!(tx, conn => {
        sqlx::query(INSERT)
            .bind(now)
            .bind(entry.action.as_str())
            .bind(actor_patient)
            .bind(actor_staff)
            .bind(actor_mis)
            .bind(entry.patient_id)
            .bind(entry.detail)
            .bind(&entry.origin.ip)
            .bind(&entry.origin.request_id)
            .bind(&entry.origin.user_agent)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Appends on its own, for events that change nothing else.
pub async fn record_alone(
    db: &Db,
    entry: &Entry<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record(&mut tx, entry, now).await?;
    tx.commit().await
}

row! {
    /// A row as read back.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Row {
        pub at: DateTime<Utc>,
        pub action: String,
        pub actor_patient_id: Option<i64>,
        pub actor_staff_id: Option<i64>,
        pub patient_id: Option<i64>,
        pub detail: String,
        pub ip: String,
        pub request_id: String,
    }
}

/// Every row, oldest first.
pub async fn all(db: &Db) -> Result<Vec<Row>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT at, action, actor_patient_id, actor_staff_id, patient_id, detail, ip, request_id \
             FROM audit_log ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })
}

/// What the patient's own actions add to their «Журнал доступа»: signing
/// in and its refusals, and changes to its second step. Every row about
/// them by anyone else is shown.
pub const OWN_ACTIONS_SHOWN: [Action; 13] = [
    Action::SignedIn,
    Action::SignInFailed,
    Action::SecondStepFailed,
    Action::SignInLocked,
    Action::AttemptRefusedLocked,
    Action::Activated,
    Action::PasswordRecovered,
    Action::SecondFactorAdded,
    Action::SecondFactorRemoved,
    Action::FactorRecoveryCodesRenewed,
    Action::PasskeyAdded,
    Action::PasskeyRemoved,
    Action::PasskeyRefused,
];

row! {
    /// A row of a patient's «Журнал доступа».
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AccessRow {
        pub id: i64,
        pub at: DateTime<Utc>,
        pub action: String,
        pub detail: String,
        pub ip: String,
        pub user_agent: String,
        pub actor_patient_id: Option<i64>,
        pub actor_staff_id: Option<i64>,
        pub staff_name: Option<String>,
        pub mis_client: Option<String>,
    }
}

/// Which rows of a patient's log to read.
#[derive(Clone, Copy, Debug)]
pub struct AccessQuery {
    pub patient_id: i64,
    /// From this moment (inclusive) to `until` (exclusive).
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Only rows recorded before this one: the next page.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The rows of `query.patient_id`'s «Журнал доступа», newest first (in the
/// order they were recorded, which a clock stepped back cannot reorder):
/// everything staff, the MIS or an unknown person did with their data or
/// account, and the patient's own sign-ins. Rows are read by the
/// `audit_log_patient` index (patient, time).
pub async fn access_log(db: &Db, query: &AccessQuery) -> Result<Vec<AccessRow>, sqlx::Error> {
    let own: Vec<String> = OWN_ACTIONS_SHOWN
        .iter()
        .map(|a| format!("'{}'", a.as_str()))
        .collect();
    let sql = format!(
        "SELECT a.id, a.at, a.action, a.detail, a.ip, a.user_agent, a.actor_patient_id, \
         a.actor_staff_id, s.full_name AS staff_name, m.name AS mis_client \
         FROM audit_log a \
         LEFT JOIN staff_accounts s ON s.id = a.actor_staff_id \
         LEFT JOIN mis_clients m ON m.id = a.actor_mis_client_id \
         WHERE a.patient_id = $1 AND a.at >= $2 AND a.at < $3 AND ($4 IS NULL OR a.id < $4) \
         AND (a.actor_patient_id IS NULL OR a.action IN ({})) \
         ORDER BY a.id DESC LIMIT $5",
        own.join(", ")
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(query.patient_id)
            .bind(query.since)
            .bind(query.until)
            .bind(query.before_id)
            .bind(query.limit)
            .fetch_all(pool)
            .await
    })
}
