//! The mail the cabinet sends: one `<event>_message` per message, plain
//! text and HTML side by side. Every sentence is a text of the locale
//! files (`mail.*`), whole, with its values filled in by name. Sending
//! means queuing in the outbox within the caller's transaction; the
//! server's worker delivers.

use crate::clinic::ClinicInfo;
use crate::context::MailSettings;
use crate::db::outbox::{self, NewMail};
use crate::db::WriteTx;
use crate::i18n::{td_string, Locale};
use crate::pages::escape_html as escape;
use crate::security::Secret;
use crate::texts::fill;
use chrono::{DateTime, Utc};

/// A composed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sensitive: bool,
    /// After this it is worthless (a recovery code that has expired) and is
    /// never sent, however long the mail server was away.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Message {
    /// The message, not to be sent after `at`.
    pub fn valid_until(self, at: DateTime<Utc>) -> Message {
        Message {
            expires_at: Some(at),
            ..self
        }
    }
}

/// The language stored for a patient, as a UI locale.
pub fn locale_of(stored: &str) -> Locale {
    if stored == "en" {
        Locale::en
    } else {
        Locale::ru
    }
}

/// One paragraph of a message.
enum Part {
    Text(String),
    /// A warning, in bold in HTML.
    Strong(String),
    /// A code to type, in large type in HTML.
    Code(String),
    /// A text followed by a link.
    Link(String, String),
}

/// Puts a message together: its paragraphs as plain text and as a small
/// HTML page (every value escaped there), the greeting first and the
/// clinic's signature last.
/// The address of the cabinet's page `path`, for a link in a mail.
fn page_link(public_url: &str, path: &str) -> String {
    format!("{}{path}", public_url.trim_end_matches('/'))
}

fn compose(
    kind: &'static str,
    locale: Locale,
    subject: String,
    address_as: &str,
    parts: Vec<Part>,
    clinic: &ClinicInfo,
    sensitive: bool,
) -> Message {
    let hello = Part::Text(fill(
        td_string!(locale, mail.hello),
        &[("name", address_as)],
    ));
    let signature = Part::Text(fill(
        td_string!(locale, mail.signature),
        &[("clinic", &clinic.name), ("phone", &clinic.help_phone)],
    ));
    let parts: Vec<Part> = std::iter::once(hello)
        .chain(parts)
        .chain(std::iter::once(signature))
        .collect();
    let text = parts
        .iter()
        .map(|part| match part {
            Part::Text(text) | Part::Strong(text) | Part::Code(text) => text.clone(),
            Part::Link(text, link) => format!("{text} {link}"),
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let body: String = parts
        .iter()
        .map(|part| {
            let inner = match part {
                Part::Text(text) => escape(text).replace('\n', "<br>"),
                Part::Strong(text) => format!("<strong>{}</strong>", escape(text)),
                Part::Code(code) => format!(
                    "<strong style=\"font-size:28px;letter-spacing:4px\">{}</strong>",
                    escape(code)
                ),
                Part::Link(text, link) => format!(
                    "{} <a href=\"{}\">{}</a>",
                    escape(text),
                    escape(link),
                    escape(link)
                ),
            };
            format!("<p style=\"margin:0 0 16px\">{inner}</p>")
        })
        .collect();
    let lang = match locale {
        Locale::ru => "ru",
        Locale::en => "en",
    };
    Message {
        kind,
        subject,
        text: format!("{text}\n"),
        html: format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1d2b36\">\
             {body}</body></html>"
        ),
        sensitive,
        expires_at: None,
    }
}

pub fn recovery_code_message(
    locale: Locale,
    address_as: &str,
    code: &Secret,
    valid_minutes: i64,
    clinic: &ClinicInfo,
) -> Message {
    compose(
        "recovery_code",
        locale,
        td_string!(locale, mail.recovery_subject).to_owned(),
        address_as,
        vec![
            Part::Text(td_string!(locale, mail.recovery_lead).to_owned()),
            Part::Code(code.expose().to_owned()),
            Part::Text(crate::count_text!(
                locale,
                mail.recovery_validity,
                valid_minutes.unsigned_abs()
            )),
            Part::Text(td_string!(locale, mail.recovery_ignore).to_owned()),
        ],
        clinic,
        true,
    )
}

/// How a password came to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordChange {
    Recovered,
    Changed,
}

pub fn password_changed_message(
    locale: Locale,
    address_as: &str,
    how: PasswordChange,
    at: DateTime<Utc>,
    clinic: &ClinicInfo,
) -> Message {
    let at = clinic.local_time(at, locale);
    let (subject, lead) = match how {
        PasswordChange::Recovered => (
            td_string!(locale, mail.recovered_subject),
            td_string!(locale, mail.recovered_lead),
        ),
        PasswordChange::Changed => (
            td_string!(locale, mail.changed_subject),
            td_string!(locale, mail.changed_lead),
        ),
    };
    compose(
        "password_changed",
        locale,
        subject.to_owned(),
        address_as,
        vec![
            Part::Text(fill(lead, &[("at", &at)])),
            Part::Strong(td_string!(locale, mail.not_you).to_owned()),
        ],
        clinic,
        false,
    )
}

/// To the old recovery address, when the patient sets a new one.
pub fn recovery_email_changed_message(
    locale: Locale,
    address_as: &str,
    at: DateTime<Utc>,
    clinic: &ClinicInfo,
) -> Message {
    let at = clinic.local_time(at, locale);
    compose(
        "recovery_email_changed",
        locale,
        td_string!(locale, mail.recovery_email_subject).to_owned(),
        address_as,
        vec![
            Part::Text(fill(
                td_string!(locale, mail.recovery_email_lead),
                &[("at", &at)],
            )),
            Part::Strong(td_string!(locale, mail.not_you).to_owned()),
        ],
        clinic,
        false,
    )
}

pub fn cabinet_activated_message(
    locale: Locale,
    address_as: &str,
    login: &str,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let link = page_link(public_url, "/login");
    compose(
        "cabinet_activated",
        locale,
        td_string!(locale, mail.activated_subject).to_owned(),
        address_as,
        vec![
            Part::Text(fill(
                td_string!(locale, mail.activated_lead),
                &[("login", login)],
            )),
            Part::Link(td_string!(locale, mail.sign_in).to_owned(), link),
        ],
        clinic,
        false,
    )
}

/// The cabinet was signed in on a device it had not seen: when, which
/// browser, from where, and the way to «Журнал доступа».
pub fn new_device_message(
    locale: Locale,
    address_as: &str,
    sign_in: &NewDeviceSignIn<'_>,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let at = clinic.local_time(sign_in.at, locale);
    let device = if sign_in.device.is_empty() {
        td_string!(locale, settings.unknown_device)
    } else {
        sign_in.device
    };
    let link = page_link(public_url, crate::sections::settings::ACCESS_LOG_PATH);
    compose(
        "new_device",
        locale,
        td_string!(locale, mail.new_device_subject).to_owned(),
        address_as,
        vec![
            Part::Text(fill(
                td_string!(locale, mail.new_device_lead),
                &[("at", &at), ("device", device), ("ip", sign_in.ip)],
            )),
            Part::Strong(td_string!(locale, mail.new_device_not_you).to_owned()),
            Part::Link(td_string!(locale, mail.new_device_log).to_owned(), link),
            Part::Text(td_string!(locale, mail.new_device_turn_off).to_owned()),
        ],
        clinic,
        false,
    )
}

/// What changed in the second step of a patient's sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorChange<'a> {
    /// The patient set up an authenticator app.
    Added,
    /// The patient turned the code off in «Настройки».
    Removed,
    /// Reception turned it off after checking the patient's identity (a
    /// lost phone).
    RemovedByReception,
    /// The patient made new recovery codes; the old ones stopped working.
    CodesRenewed,
    /// The cabinet was signed in with a recovery code; this many are left.
    RecoveryCodeUsed { left: i64 },
    /// The patient added a passkey of this name.
    PasskeyAdded { name: &'a str },
    /// The patient removed the passkey of this name.
    PasskeyRemoved { name: &'a str },
}

/// The second step of the patient's sign-in changed: what, when, and what
/// to do if it was not them.
pub fn second_factor_message(
    locale: Locale,
    address_as: &str,
    change: FactorChange<'_>,
    at: DateTime<Utc>,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let at = clinic.local_time(at, locale);
    let lead = match change {
        FactorChange::Added => td_string!(locale, mail.factor_added),
        FactorChange::Removed => td_string!(locale, mail.factor_removed),
        FactorChange::RemovedByReception => td_string!(locale, mail.factor_removed_by_reception),
        FactorChange::CodesRenewed => td_string!(locale, mail.factor_codes_renewed),
        FactorChange::RecoveryCodeUsed { .. } => td_string!(locale, mail.factor_recovery_code_used),
        FactorChange::PasskeyAdded { .. } => td_string!(locale, mail.passkey_added),
        FactorChange::PasskeyRemoved { .. } => td_string!(locale, mail.passkey_removed),
    };
    let left = match change {
        FactorChange::RecoveryCodeUsed { left } => left.to_string(),
        _ => String::new(),
    };
    let name = match change {
        FactorChange::PasskeyAdded { name } | FactorChange::PasskeyRemoved { name } => name,
        _ => "",
    };
    let link = page_link(public_url, crate::sections::settings::ACCESS_LOG_PATH);
    compose(
        "second_factor",
        locale,
        td_string!(locale, mail.factor_subject).to_owned(),
        address_as,
        vec![
            Part::Text(fill(lead, &[("at", &at), ("left", &left), ("name", name)])),
            Part::Strong(fill(
                td_string!(locale, mail.factor_not_you),
                &[("phone", &clinic.help_phone)],
            )),
            Part::Link(td_string!(locale, mail.new_device_log).to_owned(), link),
        ],
        clinic,
        false,
    )
}

/// What a new-device notice says about the sign-in.
#[derive(Clone, Copy, Debug)]
pub struct NewDeviceSignIn<'a> {
    pub at: DateTime<Utc>,
    /// «Chrome, Android»; empty when the browser did not say.
    pub device: &'a str,
    pub ip: &'a str,
}

/// A request's status changed: its number, kind, new status and the
/// comment staff left for the patient. Goes to the agreement's e-mail only.
pub struct StatusChange<'a> {
    pub number: &'a str,
    pub kind: crate::requests::kinds::RequestKind,
    pub status: crate::domain::request::RequestStatus,
    pub comment: &'a str,
}

pub fn request_status_message(
    locale: Locale,
    address_as: &str,
    change: &StatusChange<'_>,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let values = [
        ("number", change.number),
        ("kind", change.kind.label(locale)),
        (
            "status",
            crate::requests::status_label(change.status, locale),
        ),
    ];
    let link = page_link(public_url, &crate::requests::request_path(change.number));
    let mut parts = vec![Part::Text(fill(
        td_string!(locale, mail.status_lead),
        &values,
    ))];
    if !change.comment.is_empty() {
        parts.push(Part::Text(fill(
            td_string!(locale, mail.status_comment),
            &[("comment", change.comment)],
        )));
    }
    parts.push(Part::Link(
        td_string!(locale, mail.status_details).to_owned(),
        link,
    ));
    parts.push(Part::Text(
        td_string!(locale, mail.status_opt_out).to_owned(),
    ));
    compose(
        "request_status",
        locale,
        fill(td_string!(locale, mail.status_subject), &values),
        address_as,
        parts,
        clinic,
        // The staff comment may speak of the patient's health: not kept
        // once delivered.
        true,
    )
}

/// How a finished document reaches the patient.
#[derive(Clone, Debug)]
pub enum DocumentReady<'a> {
    /// Attached to this mail.
    Attached,
    /// Waiting at a clinic from a day on.
    PickUp {
        clinic: &'a str,
        address: &'a str,
        from: &'a str,
    },
}

/// «Документ готов»: the request's number and the document's type — no
/// other medical detail — and either that it is attached, or where and
/// from when to pick it up.
pub fn document_ready_message(
    locale: Locale,
    address_as: &str,
    number: &str,
    document: &str,
    ready: &DocumentReady<'_>,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let values = [("number", number), ("document", document)];
    let link = page_link(public_url, &crate::requests::request_path(number));
    let how = match ready {
        DocumentReady::Attached => fill(td_string!(locale, mail.document_attached), &values),
        DocumentReady::PickUp {
            clinic,
            address,
            from,
        } => fill(
            td_string!(locale, mail.document_pick_up),
            &[
                ("document", document),
                ("clinic", clinic),
                ("address", address),
                ("from", from),
            ],
        ),
    };
    compose(
        "document_ready",
        locale,
        fill(td_string!(locale, mail.document_subject), &values),
        address_as,
        vec![
            Part::Text(fill(td_string!(locale, mail.document_lead), &values)),
            Part::Text(how),
            Part::Link(td_string!(locale, mail.status_details).to_owned(), link),
        ],
        clinic,
        false,
    )
}

/// «Готовы результаты анализов»: that results are ready, and where to see
/// them — nothing of what they are or say.
pub fn results_ready_message(
    locale: Locale,
    address_as: &str,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let link = page_link(public_url, crate::sections::Section::Results.path());
    compose(
        "results_ready",
        locale,
        td_string!(locale, mail.results_subject).to_owned(),
        address_as,
        vec![
            Part::Text(td_string!(locale, mail.results_lead).to_owned()),
            Part::Link(td_string!(locale, mail.results_link).to_owned(), link),
            Part::Text(td_string!(locale, mail.status_opt_out).to_owned()),
        ],
        clinic,
        false,
    )
}

/// Queues `message` for `recipient` in the caller's transaction, under a new
/// Message-ID that stays the same across delivery attempts: its id in the
/// outbox.
pub async fn queue(
    tx: &mut WriteTx,
    settings: &MailSettings,
    recipient: &str,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let message_id = format!(
        "<{}@{}>",
        uuid::Uuid::new_v4().simple(),
        settings.message_id_domain
    );
    outbox::enqueue(
        tx,
        &NewMail {
            message_id: &message_id,
            kind: message.kind,
            recipient,
            subject: &message.subject,
            text_body: &message.text,
            html_body: &message.html,
            sensitive: message.sensitive,
            expires_at: message.expires_at,
        },
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clinic() -> ClinicInfo {
        ClinicInfo {
            name: "Клиника <Тест>".into(),
            help_phone: "+7 495 000-00-00".into(),
            address: String::new(),
            utc_offset_minutes: 180,
        }
    }

    #[test]
    fn the_recovery_code_is_in_both_parts_and_data_is_escaped_in_html() {
        let message = recovery_code_message(
            Locale::ru,
            "Анна <b>",
            &Secret::new("123456"),
            10,
            &clinic(),
        );
        assert!(message.sensitive);
        assert!(message.text.contains("123456") && message.html.contains("123456"));
        assert!(message.text.contains("Код действует 10 минут "));
        let one = recovery_code_message(Locale::ru, "Анна", &Secret::new("1"), 21, &clinic());
        assert!(one.text.contains("Код действует 21 минуту "));
        assert!(message.html.contains("Анна &lt;b&gt;") && !message.html.contains("<b>"));
        assert!(message.html.contains("Клиника &lt;Тест&gt;"));
        let english =
            recovery_code_message(Locale::en, "Anna", &Secret::new("123456"), 10, &clinic());
        assert_eq!(english.subject, "Your password recovery code");
    }

    #[test]
    fn notices_carry_no_secret_and_link_to_the_public_address() {
        let changed = password_changed_message(
            Locale::en,
            "Anna",
            PasswordChange::Changed,
            DateTime::<Utc>::UNIX_EPOCH,
            &clinic(),
        );
        assert!(!changed.sensitive);
        assert!(
            changed.text.contains("1 Jan 1970, 03:00"),
            "in the clinic's time, as English writes it"
        );
        let activated = cabinet_activated_message(
            Locale::ru,
            "Анна",
            "anna",
            "https://lk.example.ru/",
            &clinic(),
        );
        assert!(activated.text.contains("https://lk.example.ru/login"));
    }

    #[test]
    fn a_status_change_names_the_request_links_to_it_and_escapes_the_comment() {
        use crate::domain::request::RequestStatus;
        use crate::requests::kinds::RequestKind;
        let message = request_status_message(
            Locale::ru,
            "Анна",
            &StatusChange {
                number: "З-2026-000123",
                kind: RequestKind::HomeVisit,
                status: RequestStatus::Accepted,
                comment: "Врач приедет <после 14:00>",
            },
            "https://lk.example.ru",
            &clinic(),
        );
        assert_eq!(message.subject, "Заявка З-2026-000123: Принята");
        assert!(message.text.contains("Врач приедет <после 14:00>"));
        assert!(message.html.contains("&lt;после 14:00&gt;"));
        assert!(message
            .text
            .contains("https://lk.example.ru/requests/%D0%97%2D2026%2D000123"));
        assert!(message.sensitive, "the comment is not kept after sending");
    }
}
