//! The mail the cabinet sends: one `send_<event>` per message, Russian and
//! English, plain text and HTML side by side. Sending means queuing in the
//! outbox within the caller's transaction; the server's worker delivers.

use crate::clinic::ClinicInfo;
use crate::context::MailSettings;
use crate::db::outbox::{self, NewMail};
use crate::db::WriteTx;
use crate::i18n::Locale;
use crate::pages::escape_html as escape;
use crate::security::Secret;
use chrono::{DateTime, Utc};

/// A composed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sensitive: bool,
}

/// The language stored for a patient, as a UI locale.
pub fn locale_of(stored: &str) -> Locale {
    if stored == "en" {
        Locale::en
    } else {
        Locale::ru
    }
}

/// Wraps paragraphs (already escaped where they hold data) in a small page.
fn html_page(locale: Locale, paragraphs: &[String]) -> String {
    let lang = match locale {
        Locale::ru => "ru",
        Locale::en => "en",
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px\">{p}</p>"))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1d2b36\">\
         {body}</body></html>"
    )
}

fn signature(locale: Locale, clinic: &ClinicInfo) -> (String, String) {
    let text = match locale {
        Locale::ru => format!(
            "{}\nТелефон для справок: {}",
            clinic.name, clinic.help_phone
        ),
        Locale::en => format!("{}\nHelp line: {}", clinic.name, clinic.help_phone),
    };
    let html = escape(&text).replace('\n', "<br>");
    (text, html)
}

pub fn recovery_code_message(
    locale: Locale,
    address_as: &str,
    code: &Secret,
    valid_minutes: i64,
    clinic: &ClinicInfo,
) -> Message {
    let (sign_text, sign_html) = signature(locale, clinic);
    let (subject, hello, lead, validity, ignore) = match locale {
        Locale::ru => (
            "Код для восстановления пароля".to_owned(),
            format!("Здравствуйте, {address_as}!"),
            "Ваш код для восстановления пароля Личного кабинета:".to_owned(),
            format!("Код действует {valid_minutes} минут и только один раз."),
            "Если вы не запрашивали код, ничего не делайте: пароль останется прежним.".to_owned(),
        ),
        Locale::en => (
            "Your password recovery code".to_owned(),
            format!("Hello, {address_as}!"),
            "Your code to recover the Patient Cabinet password:".to_owned(),
            format!("The code works once, for {valid_minutes} minutes."),
            "If you did not ask for a code, do nothing: your password stays as it was.".to_owned(),
        ),
    };
    let code = code.expose();
    Message {
        kind: "recovery_code",
        text: format!("{hello}\n\n{lead}\n\n{code}\n\n{validity}\n{ignore}\n\n{sign_text}\n"),
        html: html_page(
            locale,
            &[
                escape(&hello),
                escape(&lead),
                format!(
                    "<strong style=\"font-size:28px;letter-spacing:4px\">{}</strong>",
                    escape(code)
                ),
                format!("{}<br>{}", escape(&validity), escape(&ignore)),
                sign_html,
            ],
        ),
        subject,
        sensitive: true,
    }
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
    let (sign_text, sign_html) = signature(locale, clinic);
    let at = clinic.local_time(at);
    let (subject, hello, lead, warning) = match (locale, how) {
        (Locale::ru, PasswordChange::Recovered) => (
            "Пароль восстановлен",
            format!("Здравствуйте, {address_as}!"),
            format!("{at} пароль Личного кабинета был восстановлен по коду из письма. Все сеансы входа завершены."),
            "Если это были не вы, срочно позвоните нам.",
        ),
        (Locale::ru, PasswordChange::Changed) => (
            "Пароль изменён",
            format!("Здравствуйте, {address_as}!"),
            format!("{at} пароль Личного кабинета был изменён. Другие сеансы входа завершены."),
            "Если это были не вы, срочно позвоните нам.",
        ),
        (Locale::en, PasswordChange::Recovered) => (
            "Your password was recovered",
            format!("Hello, {address_as}!"),
            format!("On {at} the Patient Cabinet password was reset with an e-mailed code. Every signed-in session has ended."),
            "If this was not you, call us at once.",
        ),
        (Locale::en, PasswordChange::Changed) => (
            "Your password was changed",
            format!("Hello, {address_as}!"),
            format!("On {at} the Patient Cabinet password was changed. Other signed-in sessions have ended."),
            "If this was not you, call us at once.",
        ),
    };
    Message {
        kind: "password_changed",
        subject: subject.to_owned(),
        text: format!("{hello}\n\n{lead}\n{warning}\n\n{sign_text}\n"),
        html: html_page(
            locale,
            &[
                escape(&hello),
                escape(&lead),
                format!("<strong>{}</strong>", escape(warning)),
                sign_html,
            ],
        ),
        sensitive: false,
    }
}

/// To the old recovery address, when the patient sets a new one.
pub fn recovery_email_changed_message(
    locale: Locale,
    address_as: &str,
    at: DateTime<Utc>,
    clinic: &ClinicInfo,
) -> Message {
    let (sign_text, sign_html) = signature(locale, clinic);
    let at = clinic.local_time(at);
    let (subject, hello, lead, warning) = match locale {
        Locale::ru => (
            "Изменён e-mail для восстановления пароля",
            format!("Здравствуйте, {address_as}!"),
            format!("{at} в Личном кабинете указан новый e-mail для восстановления пароля. Письма о пароле больше не будут приходить на этот адрес."),
            "Если это были не вы, срочно позвоните нам.",
        ),
        Locale::en => (
            "Your recovery e-mail was changed",
            format!("Hello, {address_as}!"),
            format!("On {at} a new e-mail for password recovery was set in the Patient Cabinet. Password mail will no longer come to this address."),
            "If this was not you, call us at once.",
        ),
    };
    Message {
        kind: "recovery_email_changed",
        subject: subject.to_owned(),
        text: format!("{hello}\n\n{lead}\n{warning}\n\n{sign_text}\n"),
        html: html_page(
            locale,
            &[
                escape(&hello),
                escape(&lead),
                format!("<strong>{}</strong>", escape(warning)),
                sign_html,
            ],
        ),
        sensitive: false,
    }
}

pub fn cabinet_activated_message(
    locale: Locale,
    address_as: &str,
    login: &str,
    public_url: &str,
    clinic: &ClinicInfo,
) -> Message {
    let (sign_text, sign_html) = signature(locale, clinic);
    let (subject, hello, lead, sign_in) = match locale {
        Locale::ru => (
            "Личный кабинет активирован",
            format!("Здравствуйте, {address_as}!"),
            format!("Ваш Личный кабинет пациента активирован. Ваш логин: {login}."),
            "Войти:",
        ),
        Locale::en => (
            "Your Patient Cabinet is active",
            format!("Hello, {address_as}!"),
            format!("Your Patient Cabinet is now active. Your login: {login}."),
            "Sign in:",
        ),
    };
    let link = format!("{}/login", public_url.trim_end_matches('/'));
    Message {
        kind: "cabinet_activated",
        subject: subject.to_owned(),
        text: format!("{hello}\n\n{lead}\n{sign_in} {link}\n\n{sign_text}\n"),
        html: html_page(
            locale,
            &[
                escape(&hello),
                escape(&lead),
                format!(
                    "{} <a href=\"{}\">{}</a>",
                    escape(sign_in),
                    escape(&link),
                    escape(&link)
                ),
                sign_html,
            ],
        ),
        sensitive: false,
    }
}

/// A request's status changed: its number, kind, new status and the
/// comment staff left for the patient. Goes to the agreement's e-mail only.
pub struct StatusChange<'a> {
    pub number: &'a str,
    pub kind: crate::domain::request::RequestKind,
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
    use crate::requests::{kind_label, status_label};
    let (sign_text, sign_html) = signature(locale, clinic);
    let kind = kind_label(change.kind, locale);
    let status = status_label(change.status, locale);
    let number = change.number;
    let (subject, hello, lead, comment_label, open, opt_out) = match locale {
        Locale::ru => (
            format!("Заявка {number}: {status}"),
            format!("Здравствуйте, {address_as}!"),
            format!("Статус вашей заявки {number} ({kind}): «{status}»."),
            "Комментарий:",
            "Подробности в Личном кабинете:",
            "Отключить эти письма можно в разделе «Настройки».",
        ),
        Locale::en => (
            format!("Request {number}: {status}"),
            format!("Hello, {address_as}!"),
            format!("Your request {number} ({kind}) is now “{status}”."),
            "Comment:",
            "Details in your Patient Cabinet:",
            "You can turn these e-mails off in Settings.",
        ),
    };
    let link = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        crate::requests::request_path(number)
    );
    let comment_text = if change.comment.is_empty() {
        String::new()
    } else {
        format!("{comment_label} {}\n", change.comment)
    };
    let mut html = vec![escape(&hello), escape(&lead)];
    if !change.comment.is_empty() {
        html.push(format!(
            "{} {}",
            escape(comment_label),
            escape(change.comment).replace('\n', "<br>")
        ));
    }
    html.push(format!(
        "{} <a href=\"{}\">{}</a>",
        escape(open),
        escape(&link),
        escape(&link)
    ));
    html.push(escape(opt_out));
    html.push(sign_html);
    Message {
        kind: "request_status",
        subject,
        text: format!(
            "{hello}\n\n{lead}\n{comment_text}\n{open} {link}\n{opt_out}\n\n{sign_text}\n"
        ),
        html: html_page(locale, &html),
        // The staff comment may speak of the patient's health: not kept
        // once delivered.
        sensitive: true,
    }
}

/// Queues `message` for `recipient` in the caller's transaction, under a new
/// Message-ID that stays the same across delivery attempts.
pub async fn queue(
    tx: &mut WriteTx,
    settings: &MailSettings,
    recipient: &str,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
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
        assert!(message.text.contains("10 минут"));
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
            changed.text.contains("01.01.1970 03:00"),
            "in the clinic's time"
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
        use crate::domain::request::{RequestKind, RequestStatus};
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
