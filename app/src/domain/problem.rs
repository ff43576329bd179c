//! What can be wrong with what a person typed, as codes the server and the
//! browser share; each code has its sentence in every UI language.

use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

/// One thing wrong with one field (or with the form as a whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Required,
    LoginTooShort,
    LoginTooLong,
    LoginCharacters,
    LoginTaken,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordIsLogin,
    PasswordHasClinicName,
    PasswordIsTemporary,
    PasswordsDiffer,
    PasswordWrong,
    PasswordIsCurrent,
    EmailInvalid,
    AddressAsTooLong,
    CodeFormat,
    CodeWrongOrExpired,
    CredentialsWrong,
    TemporaryCredentialsWrong,
    TooLong,
    MisIdCharacters,
    DateInvalid,
    BirthDateOutOfRange,
    PhoneInvalid,
    MisIdOtherPatient,
    CabinetExists,
    RoleRequired,
    AgreementNumberTaken,
    NoCabinet,
    DateInPast,
    DateTooFar,
    ChoiceInvalid,
    FormExpired,
    NotCancellable,
    StatusChangeNotAllowed,
    ReasonForRejectionRequired,
    CannotTake,
    AlreadyRequested,
    /// The appointment has passed, or is no longer booked.
    AppointmentClosed,
    /// A referral that is not the patient's, has expired or been used, or
    /// is for a lab test.
    ReferralNotBookable,
    /// A radiology report asked for before it is ready, or of a study
    /// that is not the patient's.
    ReportNotReady,
    InnNotDigits,
    InnLength,
    InnChecksum,
    DateInFuture,
    PeriodReversed,
    TaxPeriodTooOld,
    /// E-mail delivery chosen, and the agreement has no e-mail.
    NoAgreementEmail,
    /// A PDF that carries scripts, launch actions or embedded files.
    PdfActiveContent,
    /// An upload that arrived broken.
    UploadUnreadable,
    /// A document to be e-mailed, marked done with nothing attached.
    DocumentNotAttached,
    FileEmpty,
    FileTooLarge,
    FileTypeNotAllowed,
    /// A second-step code that is not the app's current one nor an unused
    /// recovery code.
    OneTimeCodeWrong,
    /// The second step's five minutes are over (or it was taken already).
    SecondStepExpired,
    /// An authenticator app is already set up for the account.
    SecondFactorOn,
    /// No authenticator app is set up for the account.
    SecondFactorOff,
    /// No staff account has this login.
    StaffLoginUnknown,
    /// An admin requiring a second step of all staff has none themselves.
    OwnSecondFactorFirst,
    /// The device's answer to a passkey's challenge did not check out.
    PasskeyNotAccepted,
    /// The challenge was answered already, or its time is over.
    PasskeyExpired,
    /// The cabinet's address has no host name a passkey can belong to.
    PasskeysUnavailable,
    /// A sign-in with a key the cabinet does not keep (removed, or
    /// another site's).
    PasskeyUnknown,
    /// A sign-in with a key alone, which its owner did not allow.
    PasskeyNotAlone,
    /// The same key added a second time.
    PasskeyExists,
}

impl Problem {
    /// The sentence shown next to the field.
    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            Problem::Required => td_string!(locale, problem.required),
            Problem::LoginTooShort => td_string!(locale, problem.login_too_short),
            Problem::LoginTooLong => td_string!(locale, problem.login_too_long),
            Problem::LoginCharacters => td_string!(locale, problem.login_characters),
            Problem::LoginTaken => td_string!(locale, problem.login_taken),
            Problem::PasswordTooShort => td_string!(locale, problem.password_too_short),
            Problem::PasswordTooLong => td_string!(locale, problem.password_too_long),
            Problem::PasswordCommon => td_string!(locale, problem.password_common),
            Problem::PasswordIsLogin => td_string!(locale, problem.password_is_login),
            Problem::PasswordHasClinicName => td_string!(locale, problem.password_has_clinic_name),
            Problem::PasswordIsTemporary => td_string!(locale, problem.password_is_temporary),
            Problem::PasswordsDiffer => td_string!(locale, problem.passwords_differ),
            Problem::PasswordWrong => td_string!(locale, problem.password_wrong),
            Problem::PasswordIsCurrent => td_string!(locale, problem.password_is_current),
            Problem::EmailInvalid => td_string!(locale, problem.email_invalid),
            Problem::AddressAsTooLong => td_string!(locale, problem.address_as_too_long),
            Problem::CodeFormat => td_string!(locale, problem.code_format),
            Problem::CodeWrongOrExpired => td_string!(locale, problem.code_wrong_or_expired),
            Problem::CredentialsWrong => td_string!(locale, problem.credentials_wrong),
            Problem::TemporaryCredentialsWrong => {
                td_string!(locale, problem.temporary_credentials_wrong)
            }
            Problem::TooLong => td_string!(locale, problem.too_long),
            Problem::MisIdCharacters => td_string!(locale, problem.mis_id_characters),
            Problem::DateInvalid => td_string!(locale, problem.date_invalid),
            Problem::BirthDateOutOfRange => td_string!(locale, problem.birth_date_out_of_range),
            Problem::PhoneInvalid => td_string!(locale, problem.phone_invalid),
            Problem::MisIdOtherPatient => td_string!(locale, problem.mis_id_other_patient),
            Problem::CabinetExists => td_string!(locale, problem.cabinet_exists),
            Problem::RoleRequired => td_string!(locale, problem.role_required),
            Problem::AgreementNumberTaken => td_string!(locale, problem.agreement_number_taken),
            Problem::NoCabinet => td_string!(locale, problem.no_cabinet),
            Problem::DateInPast => td_string!(locale, problem.date_in_past),
            Problem::DateTooFar => td_string!(locale, problem.date_too_far),
            Problem::ChoiceInvalid => td_string!(locale, problem.choice_invalid),
            Problem::FormExpired => td_string!(locale, problem.form_expired),
            Problem::NotCancellable => td_string!(locale, problem.not_cancellable),
            Problem::StatusChangeNotAllowed => {
                td_string!(locale, problem.status_change_not_allowed)
            }
            Problem::CannotTake => td_string!(locale, problem.cannot_take),
            Problem::AlreadyRequested => td_string!(locale, problem.already_requested),
            Problem::AppointmentClosed => td_string!(locale, problem.appointment_closed),
            Problem::ReferralNotBookable => td_string!(locale, problem.referral_not_bookable),
            Problem::ReportNotReady => td_string!(locale, problem.report_not_ready),
            Problem::InnNotDigits => td_string!(locale, problem.inn_not_digits),
            Problem::InnLength => td_string!(locale, problem.inn_length),
            Problem::InnChecksum => td_string!(locale, problem.inn_checksum),
            Problem::DateInFuture => td_string!(locale, problem.date_in_future),
            Problem::PeriodReversed => td_string!(locale, problem.period_reversed),
            Problem::TaxPeriodTooOld => td_string!(locale, problem.tax_period_too_old),
            Problem::NoAgreementEmail => td_string!(locale, problem.no_agreement_email),
            Problem::PdfActiveContent => td_string!(locale, problem.pdf_active_content),
            Problem::UploadUnreadable => td_string!(locale, problem.upload_unreadable),
            Problem::DocumentNotAttached => td_string!(locale, problem.document_not_attached),
            Problem::FileEmpty => td_string!(locale, problem.file_empty),
            Problem::FileTooLarge => td_string!(locale, problem.file_too_large),
            Problem::FileTypeNotAllowed => td_string!(locale, problem.file_type_not_allowed),
            Problem::OneTimeCodeWrong => td_string!(locale, problem.one_time_code_wrong),
            Problem::SecondStepExpired => td_string!(locale, problem.second_step_expired),
            Problem::SecondFactorOn => td_string!(locale, problem.second_factor_on),
            Problem::SecondFactorOff => td_string!(locale, problem.second_factor_off),
            Problem::StaffLoginUnknown => td_string!(locale, problem.staff_login_unknown),
            Problem::OwnSecondFactorFirst => td_string!(locale, problem.own_second_factor_first),
            Problem::PasskeyNotAccepted => td_string!(locale, problem.passkey_not_accepted),
            Problem::PasskeyExpired => td_string!(locale, problem.passkey_expired),
            Problem::PasskeysUnavailable => td_string!(locale, problem.passkeys_unavailable),
            Problem::PasskeyUnknown => td_string!(locale, problem.passkey_unknown),
            Problem::PasskeyNotAlone => td_string!(locale, problem.passkey_not_alone),
            Problem::PasskeyExists => td_string!(locale, problem.passkey_exists),
            Problem::ReasonForRejectionRequired => {
                td_string!(locale, problem.reason_for_rejection_required)
            }
        }
    }
}

/// The name of the pseudo-field for problems with the form as a whole.
pub const FORM: &str = "form";

/// A problem attached to a field by its `name` attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// Every problem found in one submission, so the person fixes them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    pub fn one(field: &str, problem: Problem) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add(field, problem);
        errors
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.push(FieldError {
            field: field.to_owned(),
            problem,
        });
    }

    /// Records the problem of `result` under `field` and passes the value on.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem of `field`, if any.
    pub fn of(&self, field: &str) -> Option<Problem> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.problem)
    }

    /// `Ok(())` when nothing was found.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// The content built from checked fields once none had a problem: each
/// field is the `Option` that [`FieldErrors::check`] gave, named once more
/// here and nowhere else.
macro_rules! all_checked {
    ($errors:expr, $content:ident { $($field:ident),* $(,)? }) => {
        match ($($field,)*) {
            ($(Some($field),)*) if $errors.is_empty() => Ok($content { $($field),* }),
            _ => Err($errors),
        }
    };
}
pub(crate) use all_checked;
