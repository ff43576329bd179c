//! Sessions on the server: the cookie, the row behind it, its timeouts, and
//! resolving a request's cookies to the signed-in patient and staff member.
//!
//! A patient and a staff member have separate cookies and sessions, so a
//! patient's session never reaches a staff function and the reverse.

use crate::db::sessions::{self, EndReason, NewSession, Session, Subject};
use crate::db::{accounts, second_factor, staff, Db, WriteTx};
use crate::domain::StaffRole;
use crate::security::{new_session_token, token_hash, Secret};
use chrono::{DateTime, Duration, Utc};
use http::HeaderMap;

/// Timeouts and cookie security.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    pub patient_idle: Duration,
    pub patient_absolute: Duration,
    pub staff_idle: Duration,
    pub staff_absolute: Duration,
    /// `Secure` and `__Host-` cookies: everywhere but plain-http local development.
    pub secure_cookies: bool,
}

impl Default for SessionSettings {
    fn default() -> SessionSettings {
        SessionSettings {
            patient_idle: Duration::minutes(30),
            patient_absolute: Duration::hours(12),
            staff_idle: Duration::minutes(30),
            staff_absolute: Duration::hours(12),
            secure_cookies: true,
        }
    }
}

/// How long a sign-in whose password was right waits for its second step.
pub const SECOND_STEP_TIME: Duration = Duration::minutes(5);

/// Whose cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Patient,
    Staff,
}

impl SessionSettings {
    pub fn cookie_name(&self, kind: Kind) -> &'static str {
        match (kind, self.secure_cookies) {
            (Kind::Patient, true) => "__Host-cabinet",
            (Kind::Patient, false) => "cabinet",
            (Kind::Staff, true) => "__Host-cabinet-staff",
            (Kind::Staff, false) => "cabinet-staff",
        }
    }

    fn timeouts(&self, kind: Kind) -> (Duration, Duration) {
        match kind {
            Kind::Patient => (self.patient_idle, self.patient_absolute),
            Kind::Staff => (self.staff_idle, self.staff_absolute),
        }
    }

    /// The long-lived cookie by which the cabinet knows a device it was
    /// signed in on before ([`crate::db::known_devices`]).
    pub fn device_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-cabinet-device"
        } else {
            "cabinet-device"
        }
    }

    /// The `Set-Cookie` value that gives a device its token, for 400 days
    /// (the longest a browser keeps a cookie) from its latest sign-in.
    pub fn set_device_cookie(&self, token: &Secret) -> String {
        self.cookie(
            self.device_cookie_name(),
            token.expose(),
            Duration::days(400),
        )
    }

    /// A `Set-Cookie` value: host-only, HTTP-only, same-site.
    fn cookie(&self, name: &str, value: &str, max_age: Duration) -> String {
        format!(
            "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
            max_age.num_seconds(),
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that hands `token` to the browser.
    pub fn set_cookie(&self, kind: Kind, token: &Secret) -> String {
        let (_, absolute) = self.timeouts(kind);
        self.cookie(self.cookie_name(kind), token.expose(), absolute)
    }

    /// The `Set-Cookie` value that makes the browser forget the cookie.
    pub fn clear_cookie(&self, kind: Kind) -> String {
        self.cookie(self.cookie_name(kind), "", Duration::zero())
    }

    /// The short-lived cookie of a sign-in waiting for its second step.
    pub fn second_step_cookie_name(&self, kind: Kind) -> &'static str {
        match (kind, self.secure_cookies) {
            (Kind::Patient, true) => "__Host-cabinet-step",
            (Kind::Patient, false) => "cabinet-step",
            (Kind::Staff, true) => "__Host-cabinet-staff-step",
            (Kind::Staff, false) => "cabinet-staff-step",
        }
    }

    /// The `Set-Cookie` value of a sign-in's second step, as long as it
    /// may take.
    pub fn set_second_step_cookie(&self, kind: Kind, token: &Secret) -> String {
        self.cookie(
            self.second_step_cookie_name(kind),
            token.expose(),
            SECOND_STEP_TIME,
        )
    }

    /// The `Set-Cookie` value that ends the second step's cookie.
    pub fn clear_second_step_cookie(&self, kind: Kind) -> String {
        self.cookie(self.second_step_cookie_name(kind), "", Duration::zero())
    }

    /// Whether a session is still live at `now`, or why it ended.
    pub fn liveness(
        &self,
        kind: Kind,
        session: &Session,
        now: DateTime<Utc>,
    ) -> Result<(), EndReason> {
        let (idle, _) = self.timeouts(kind);
        if now >= session.expires_at {
            Err(EndReason::Expired)
        } else if now - session.last_seen_at >= idle {
            Err(EndReason::Idle)
        } else {
            Ok(())
        }
    }

    /// When a live session ends unless it is used again: idle from its
    /// last use, and never later than its fixed expiry.
    pub fn ends_at(&self, kind: Kind, session: &Session) -> DateTime<Utc> {
        let (idle, _) = self.timeouts(kind);
        (session.last_seen_at + idle).min(session.expires_at)
    }
}

/// The signed-in patient of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientSession {
    pub session_id: i64,
    pub patient_id: i64,
    pub login: String,
    pub address_as: String,
    pub locale: String,
    /// When the session ends unless used again (copies of its pages kept
    /// for reading offline go with it).
    pub ends_at: DateTime<Utc>,
}

/// The signed-in staff member of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub session_id: i64,
    pub staff_id: i64,
    pub login: String,
    pub full_name: String,
    pub roles: Vec<StaffRole>,
    /// The clinic requires a second step of every staff member and this
    /// one has not set it up: nothing else is open to them until they do.
    pub needs_second_factor: bool,
}

impl StaffSession {
    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }
}

/// Who a request is signed in as; put in the request's extensions by the
/// server before any page or server function runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedIn {
    pub patient: Option<PatientSession>,
    pub staff: Option<StaffSession>,
}

/// The value of cookie `name` in the request headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Activity is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The open, live session behind `kind`'s cookie; one found expired is ended.
async fn live_session(
    db: &Db,
    settings: &SessionSettings,
    kind: Kind,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<Session>, sqlx::Error> {
    let Some(token) = cookie_value(headers, settings.cookie_name(kind)) else {
        return Ok(None);
    };
    if token.len() != 64 {
        return Ok(None);
    }
    let Some(session) = sessions::find_open(db, &token_hash(token)).await? else {
        return Ok(None);
    };
    if let Err(reason) = settings.liveness(kind, &session, now) {
        sessions::end_expired(db, session.id, reason, now).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        sessions::touch(db, session.id, now).await?;
        return Ok(Some(Session {
            last_seen_at: now,
            ..session
        }));
    }
    Ok(Some(session))
}

/// Resolves the request's cookies to who is signed in.
pub async fn resolve(
    db: &Db,
    settings: &SessionSettings,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<SignedIn, sqlx::Error> {
    let mut signed_in = SignedIn::default();
    if let Some(session) = live_session(db, settings, Kind::Patient, headers, now).await? {
        if let Some(patient_id) = session.patient_id {
            match accounts::by_patient(db, patient_id).await? {
                Some(account) => {
                    signed_in.patient = Some(PatientSession {
                        session_id: session.id,
                        patient_id,
                        login: account.login,
                        address_as: account.address_as,
                        locale: account.locale,
                        ends_at: settings.ends_at(Kind::Patient, &session),
                    })
                }
                None => {
                    sessions::end_expired(db, session.id, EndReason::AccountDisabled, now).await?
                }
            }
        }
    }
    if let Some(session) = live_session(db, settings, Kind::Staff, headers, now).await? {
        if let Some(staff_id) = session.staff_id {
            match staff::profile(db, staff_id).await? {
                Some(profile) => {
                    let needs_second_factor = second_factor::staff_required(db).await?
                        && !second_factor::has_second_step(db, Subject::Staff(staff_id)).await?;
                    signed_in.staff = Some(StaffSession {
                        session_id: session.id,
                        staff_id,
                        login: profile.login,
                        full_name: profile.full_name,
                        roles: profile.roles,
                        needs_second_factor,
                    })
                }
                None => {
                    sessions::end_expired(db, session.id, EndReason::AccountDisabled, now).await?
                }
            }
        }
    }
    Ok(signed_in)
}

/// Opens a session for `subject` and returns its token, for the cookie.
/// A new token every time: a token seen before signing in is never reused.
pub async fn start(
    tx: &mut WriteTx,
    settings: &SessionSettings,
    subject: Subject,
    user_agent: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Secret, sqlx::Error> {
    let kind = match subject {
        Subject::Patient(_) => Kind::Patient,
        Subject::Staff(_) => Kind::Staff,
    };
    let (_, absolute) = settings.timeouts(kind);
    let token = new_session_token();
    let user_agent: String = user_agent.chars().take(300).collect();
    sessions::insert(
        tx,
        &NewSession {
            token_hash: &token_hash(token.expose()),
            subject,
            expires_at: now + absolute,
            user_agent: &user_agent,
            ip,
        },
        now,
    )
    .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created: DateTime<Utc>, last_seen: DateTime<Utc>) -> Session {
        Session {
            id: 1,
            patient_id: Some(1),
            staff_id: None,
            created_at: created,
            last_seen_at: last_seen,
            expires_at: created + Duration::hours(12),
            user_agent: String::new(),
            ip: String::new(),
        }
    }

    #[test]
    fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours_in_all() {
        let settings = SessionSettings::default();
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let fresh = session(start, start);
        assert_eq!(
            settings.liveness(Kind::Patient, &fresh, start + Duration::minutes(29)),
            Ok(())
        );
        assert_eq!(
            settings.liveness(Kind::Patient, &fresh, start + Duration::minutes(30)),
            Err(EndReason::Idle)
        );
        let active = session(start, start + Duration::hours(11) + Duration::minutes(50));
        assert_eq!(
            settings.liveness(
                Kind::Patient,
                &active,
                start + Duration::hours(11) + Duration::minutes(59)
            ),
            Ok(())
        );
        assert_eq!(
            settings.liveness(Kind::Patient, &active, start + Duration::hours(12)),
            Err(EndReason::Expired)
        );
    }

    #[test]
    fn cookies_are_host_only_http_only_lax_and_secure_unless_on_plain_http() {
        let token = Secret::new("t".repeat(64));
        let secure = SessionSettings::default();
        let cookie = secure.set_cookie(Kind::Patient, &token);
        assert!(cookie.starts_with("__Host-cabinet=tttt"));
        assert!(
            cookie.contains("; Path=/;")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.ends_with("; Secure")
        );
        assert!(!cookie.contains("Domain"));
        let plain = SessionSettings {
            secure_cookies: false,
            ..SessionSettings::default()
        };
        let cookie = plain.set_cookie(Kind::Staff, &token);
        assert!(cookie.starts_with("cabinet-staff=") && !cookie.contains("Secure"));
        assert!(plain.clear_cookie(Kind::Patient).contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; cabinet=abc; i18n_pref_locale=en".parse().unwrap(),
        );
        assert_eq!(cookie_value(&headers, "cabinet"), Some("abc"));
        assert_eq!(cookie_value(&headers, "cabinet-staff"), None);
    }
}
