//! A patient's request («заявка / запрос»): its kind, its status and the
//! rules for moving between statuses, its human-readable number, and the
//! typed content of each kind, parsed from what the patient typed.
//!
//! The content is stored as JSON next to the request. Fields added later get
//! `#[serde(default)]`, so a request sent years ago still renders.

use super::patient::{date, phone, required_text};
use super::{FieldErrors, Problem};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a patient sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Booking,
    Document,
    CancelAppointment,
    ChangeAppointment,
    RadiologyReport,
    HomeVisit,
    Feedback,
}

impl RequestKind {
    pub const ALL: [RequestKind; 7] = [
        RequestKind::Booking,
        RequestKind::Document,
        RequestKind::CancelAppointment,
        RequestKind::ChangeAppointment,
        RequestKind::RadiologyReport,
        RequestKind::HomeVisit,
        RequestKind::Feedback,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Booking => "booking",
            RequestKind::Document => "document",
            RequestKind::CancelAppointment => "cancel_appointment",
            RequestKind::ChangeAppointment => "change_appointment",
            RequestKind::RadiologyReport => "radiology_report",
            RequestKind::HomeVisit => "home_visit",
            RequestKind::Feedback => "feedback",
        }
    }

    pub fn parse(text: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a request stands. A request starts as `Sent`; staff move it on;
/// the patient may cancel it until work on it has begun.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Sent,
    Accepted,
    InProgress,
    Done,
    Rejected,
    Cancelled,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Sent,
        RequestStatus::Accepted,
        RequestStatus::InProgress,
        RequestStatus::Done,
        RequestStatus::Rejected,
        RequestStatus::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Sent => "sent",
            RequestStatus::Accepted => "accepted",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Done => "done",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Nothing happens to the request any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            RequestStatus::Done | RequestStatus::Rejected | RequestStatus::Cancelled
        )
    }

    /// Whether the patient may still cancel: not once work has begun.
    pub const fn patient_may_cancel(self) -> bool {
        matches!(self, RequestStatus::Sent | RequestStatus::Accepted)
    }

    /// The statuses staff may move a request in this status to, in the
    /// order a request usually goes. Staff never cancel for the patient:
    /// they reject, with a reason.
    pub fn staff_next(self) -> &'static [RequestStatus] {
        match self {
            RequestStatus::Sent => &[
                RequestStatus::Accepted,
                RequestStatus::InProgress,
                RequestStatus::Done,
                RequestStatus::Rejected,
            ],
            RequestStatus::Accepted => &[
                RequestStatus::InProgress,
                RequestStatus::Done,
                RequestStatus::Rejected,
            ],
            RequestStatus::InProgress => &[RequestStatus::Done, RequestStatus::Rejected],
            RequestStatus::Done | RequestStatus::Rejected | RequestStatus::Cancelled => &[],
        }
    }

    /// Checks a change asked for by staff.
    pub fn staff_may_set(self, to: RequestStatus) -> bool {
        self.staff_next().contains(&to)
    }
}

/// The human-readable number of a request, `З-2026-000123`: the year it
/// was sent and its place among that year's requests.
pub fn request_number(year: i32, sequence: i64) -> String {
    format!("З-{year}-{sequence:06}")
}

/// Whether `text` has the shape of a request number (a guess that does not
/// is answered like a number that does not exist).
pub fn is_request_number(text: &str) -> bool {
    let mut parts = text.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("З"), Some(year), Some(seq), None)
            if year.len() == 4
                && year.chars().all(|c| c.is_ascii_digit())
                && (6..=12).contains(&seq.len())
                && seq.chars().all(|c| c.is_ascii_digit())
    )
}

/// The most a long text field (reason, comment, message) may hold.
pub const LONG_TEXT_MAX: usize = 2_000;
/// The most a short field (street, specialist) may hold.
pub const LINE_MAX: usize = 200;
/// The most a tiny field (house, flat, floor) may hold.
pub const SHORT_MAX: usize = 20;
/// How far ahead a visit may be asked for.
pub const BOOKING_HORIZON_DAYS: u64 = 365;

/// An optional line: empty is `None`, too long is a problem.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, Problem> {
    let text = input.trim();
    if text.is_empty() {
        Ok(None)
    } else if text.chars().count() > max {
        Err(Problem::TooLong)
    } else {
        Ok(Some(text.to_owned()))
    }
}

/// When in the day the patient would rather come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Morning,
    Afternoon,
    Evening,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 3] = [TimeOfDay::Morning, TimeOfDay::Afternoon, TimeOfDay::Evening];

    pub const fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Morning => "morning",
            TimeOfDay::Afternoon => "afternoon",
            TimeOfDay::Evening => "evening",
        }
    }

    fn parse(input: &str) -> Result<Option<TimeOfDay>, Problem> {
        match input.trim() {
            "" | "any" => Ok(None),
            text => TimeOfDay::ALL
                .into_iter()
                .find(|t| t.as_str() == text)
                .map(Some)
                .ok_or(Problem::ChoiceInvalid),
        }
    }
}

/// A clinic as the request keeps it: its code and, for the record, the
/// name it had when the request was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicChoice {
    pub code: String,
    pub name: String,
}

/// «Записаться на прием/исследование».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingContent {
    pub reason: String,
    pub desired_date: NaiveDate,
    #[serde(default)]
    pub specialist: Option<String>,
    #[serde(default)]
    pub clinic: Option<ClinicChoice>,
    #[serde(default)]
    pub time_of_day: Option<TimeOfDay>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The booking form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    pub reason: String,
    pub desired_date: String,
    #[serde(default)]
    pub specialist: String,
    #[serde(default)]
    pub clinic: String,
    #[serde(default)]
    pub time_of_day: String,
    #[serde(default)]
    pub comment: String,
}

impl BookingForm {
    /// Parses the form; `today` is the clinic's date, `clinics` the clinics
    /// that may be chosen. Every problem is reported at once.
    pub fn parse(
        &self,
        today: NaiveDate,
        clinics: &[ClinicChoice],
    ) -> Result<BookingContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", required_text(&self.reason, LONG_TEXT_MAX));
        let desired_date = errors.check(
            "desired_date",
            date(&self.desired_date).and_then(|d| {
                let horizon = today
                    .checked_add_days(Days::new(BOOKING_HORIZON_DAYS))
                    .unwrap_or(NaiveDate::MAX);
                if d < today {
                    Err(Problem::DateInPast)
                } else if d > horizon {
                    Err(Problem::DateTooFar)
                } else {
                    Ok(d)
                }
            }),
        );
        let specialist = errors.check("specialist", optional_text(&self.specialist, LINE_MAX));
        let clinic = errors.check(
            "clinic",
            match self.clinic.trim() {
                "" => Ok(None),
                code => clinics
                    .iter()
                    .find(|c| c.code == code)
                    .cloned()
                    .map(Some)
                    .ok_or(Problem::ChoiceInvalid),
            },
        );
        let time_of_day = errors.check("time_of_day", TimeOfDay::parse(&self.time_of_day));
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        match (
            reason,
            desired_date,
            specialist,
            clinic,
            time_of_day,
            comment,
        ) {
            (
                Some(reason),
                Some(desired_date),
                Some(specialist),
                Some(clinic),
                Some(time_of_day),
                Some(comment),
            ) if errors.is_empty() => Ok(BookingContent {
                reason,
                desired_date,
                specialist,
                clinic,
                time_of_day,
                comment,
            }),
            _ => Err(errors),
        }
    }
}

/// «Вызвать врача на дом».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisitContent {
    /// Normalised to `+7XXXXXXXXXX`.
    pub phone: String,
    pub street: String,
    pub house: String,
    #[serde(default)]
    pub building: Option<String>,
    pub apartment: String,
    #[serde(default)]
    pub entrance: Option<String>,
    #[serde(default)]
    pub floor: Option<String>,
    #[serde(default)]
    pub intercom: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub desired_time: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The home-visit form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisitForm {
    pub phone: String,
    pub street: String,
    pub house: String,
    #[serde(default)]
    pub building: String,
    pub apartment: String,
    #[serde(default)]
    pub entrance: String,
    #[serde(default)]
    pub floor: String,
    #[serde(default)]
    pub intercom: String,
    pub reason: String,
    #[serde(default)]
    pub desired_time: String,
    #[serde(default)]
    pub comment: String,
}

impl HomeVisitForm {
    pub fn parse(&self) -> Result<HomeVisitContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let phone = errors.check("phone", phone(&self.phone));
        let street = errors.check("street", required_text(&self.street, LINE_MAX));
        let house = errors.check("house", required_text(&self.house, SHORT_MAX));
        let building = errors.check("building", optional_text(&self.building, SHORT_MAX));
        let apartment = errors.check("apartment", required_text(&self.apartment, SHORT_MAX));
        let entrance = errors.check("entrance", optional_text(&self.entrance, SHORT_MAX));
        let floor = errors.check("floor", optional_text(&self.floor, SHORT_MAX));
        let intercom = errors.check("intercom", optional_text(&self.intercom, SHORT_MAX));
        let reason = errors.check("reason", required_text(&self.reason, LONG_TEXT_MAX));
        let desired_time =
            errors.check("desired_time", optional_text(&self.desired_time, LINE_MAX));
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            phone,
            street,
            house,
            building,
            apartment,
            entrance,
            floor,
            intercom,
            reason,
            desired_time,
            comment,
        ) {
            (
                Some(phone),
                Some(street),
                Some(house),
                Some(building),
                Some(apartment),
                Some(entrance),
                Some(floor),
                Some(intercom),
                Some(reason),
                Some(desired_time),
                Some(comment),
            ) => Ok(HomeVisitContent {
                phone,
                street,
                house,
                building,
                apartment,
                entrance,
                floor,
                intercom,
                reason,
                desired_time,
                comment,
            }),
            _ => Err(errors),
        }
    }
}

/// «Ваши предложения»: a mistake found, or an idea.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackType {
    Error,
    Suggestion,
}

impl FeedbackType {
    pub const ALL: [FeedbackType; 2] = [FeedbackType::Error, FeedbackType::Suggestion];

    pub const fn as_str(self) -> &'static str {
        match self {
            FeedbackType::Error => "error",
            FeedbackType::Suggestion => "suggestion",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackContent {
    pub feedback_type: FeedbackType,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackForm {
    pub feedback_type: String,
    pub message: String,
}

impl FeedbackForm {
    pub fn parse(&self) -> Result<FeedbackContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let feedback_type = errors.check(
            "feedback_type",
            match self.feedback_type.trim() {
                "" => Err(Problem::Required),
                text => FeedbackType::ALL
                    .into_iter()
                    .find(|t| t.as_str() == text)
                    .ok_or(Problem::ChoiceInvalid),
            },
        );
        let message = errors.check("message", required_text(&self.message, LONG_TEXT_MAX));
        match (feedback_type, message) {
            (Some(feedback_type), Some(message)) => Ok(FeedbackContent {
                feedback_type,
                message,
            }),
            _ => Err(errors),
        }
    }
}

/// «Тип документа» of a request for documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// «Результаты анализов»
    LabResults,
    /// «Результаты исследований»
    StudyResults,
    /// «Копия карты»
    RecordCopy,
    /// «Выписка (после операции)»
    SurgeryExtract,
    /// «Справка для оформления налогового вычета»
    TaxDeductionCertificate,
    /// «Выписной эпикриз»
    DischargeSummary,
}

/// «Способ получения документов».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentDelivery {
    /// «Лично (в Клинике)»
    InClinic,
    /// «На e-mail»: always the service agreement's address.
    Email,
}

/// A request for documents. Its form comes with the «Запросить документы»
/// section, which adds the tax certificate's own fields (as optional ones,
/// so that requests stored before still render).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentContent {
    pub document_type: DocumentType,
    /// «За период», from and until, both days included.
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
    pub delivery: DocumentDelivery,
    #[serde(default)]
    pub comment: Option<String>,
}

/// «Получить заключение» on a radiology study of the patient's results:
/// the report is e-mailed to the service agreement's address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiologyReportContent {
    /// The study as the MIS names it.
    pub study: String,
    pub study_date: NaiveDate,
}

/// What a request holds, by kind. The appointment kinds add their variants
/// with the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestContent {
    Booking(BookingContent),
    Document(DocumentContent),
    RadiologyReport(RadiologyReportContent),
    HomeVisit(HomeVisitContent),
    Feedback(FeedbackContent),
}

/// A day as the pages write it.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

impl RequestContent {
    pub fn kind(&self) -> RequestKind {
        match self {
            RequestContent::Booking(_) => RequestKind::Booking,
            RequestContent::Document(_) => RequestKind::Document,
            RequestContent::RadiologyReport(_) => RequestKind::RadiologyReport,
            RequestContent::HomeVisit(_) => RequestKind::HomeVisit,
            RequestContent::Feedback(_) => RequestKind::Feedback,
        }
    }

    /// One line for lists: what the request is about, in the patient's
    /// words or the MIS's. A request for documents is told by its period:
    /// the list names its kind beside it, the page its type.
    pub fn summary(&self) -> String {
        let period;
        let line = match self {
            RequestContent::Booking(booking) => booking.reason.as_str(),
            RequestContent::Document(document) => {
                period = format!(
                    "{} – {}",
                    day_text(document.period_from),
                    day_text(document.period_until)
                );
                period.as_str()
            }
            RequestContent::RadiologyReport(report) => report.study.as_str(),
            RequestContent::HomeVisit(visit) => visit.reason.as_str(),
            RequestContent::Feedback(feedback) => feedback.message.as_str(),
        };
        let first: String = line
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        if first.chars().count() < line.chars().count() {
            format!("{first}…")
        } else {
            first
        }
    }
}

/// A page of a list as the address gives it: empty is the first; at most a
/// million, so the offset it makes stays far from overflowing.
pub fn page_number(input: &str) -> Result<i64, Problem> {
    match input.trim() {
        "" => Ok(1),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|page| (1..=1_000_000).contains(page))
            .ok_or(Problem::ChoiceInvalid),
    }
}

/// A date of a filter: empty is none; a real date between 1900 and 9999.
pub fn filter_date(input: &str) -> Result<Option<NaiveDate>, Problem> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let day = date(input)?;
    let (first, last) = (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    if (first..=last).contains(&day) {
        Ok(Some(day))
    } else {
        Err(Problem::DateInvalid)
    }
}

/// A form's idempotency key: the page makes one per form it shows, so the
/// same form sent twice (a double click, a retried call) is one request.
pub fn idempotency_key(input: &str) -> Result<String, Problem> {
    let key = input.trim();
    if (16..=64).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(key.to_owned())
    } else {
        Err(Problem::FormExpired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn clinics() -> Vec<ClinicChoice> {
        vec![ClinicChoice {
            code: "spir".into(),
            name: "Клиника на Спиридоньевском".into(),
        }]
    }

    fn booking(reason: &str, desired_date: &str) -> BookingForm {
        BookingForm {
            reason: reason.into(),
            desired_date: desired_date.into(),
            ..BookingForm::default()
        }
    }

    #[test]
    fn numbers_read_like_the_clinics_and_guesses_of_another_shape_are_told_apart() {
        assert_eq!(request_number(2026, 123), "З-2026-000123");
        assert_eq!(request_number(2027, 1_234_567), "З-2027-1234567");
        assert!(is_request_number("З-2026-000123"));
        assert!(!is_request_number("3-2026-000123"), "a Latin digit 3");
        assert!(!is_request_number("З-26-000123"));
        assert!(!is_request_number("З-2026-12"));
        assert!(!is_request_number("1 OR 1=1"));
    }

    #[test]
    fn the_patient_cancels_only_before_work_begins_and_nothing_leaves_a_final_status() {
        assert!(RequestStatus::Sent.patient_may_cancel());
        assert!(RequestStatus::Accepted.patient_may_cancel());
        for status in [
            RequestStatus::InProgress,
            RequestStatus::Done,
            RequestStatus::Rejected,
            RequestStatus::Cancelled,
        ] {
            assert!(!status.patient_may_cancel(), "{status:?}");
        }
        for status in RequestStatus::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(status.staff_next().is_empty(), "{status:?}");
        }
    }

    #[test]
    fn staff_move_requests_forward_never_back_and_never_cancel_for_the_patient() {
        assert!(RequestStatus::Sent.staff_may_set(RequestStatus::Accepted));
        assert!(RequestStatus::Accepted.staff_may_set(RequestStatus::InProgress));
        assert!(RequestStatus::InProgress.staff_may_set(RequestStatus::Done));
        assert!(RequestStatus::InProgress.staff_may_set(RequestStatus::Rejected));
        assert!(!RequestStatus::InProgress.staff_may_set(RequestStatus::Accepted));
        assert!(!RequestStatus::Done.staff_may_set(RequestStatus::InProgress));
        for status in RequestStatus::ALL {
            assert!(!status.staff_may_set(RequestStatus::Cancelled));
            assert!(!status.staff_may_set(RequestStatus::Sent));
            assert!(!status.staff_may_set(status), "no change is not a change");
        }
    }

    #[test]
    fn kinds_and_statuses_round_trip_through_their_stored_names() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
        }
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(RequestKind::parse("Booking"), None);
    }

    #[test]
    fn a_booking_needs_a_reason_and_a_date_from_today_to_a_year_ahead() {
        let today = day(2026, 11, 26);
        let ok = booking("  Болит колено  ", "2026-11-26").parse(today, &clinics());
        assert_eq!(ok.as_ref().map(|b| b.reason.as_str()), Ok("Болит колено"));
        assert!(booking("Осмотр", "26.11.2027")
            .parse(today, &clinics())
            .is_ok());

        let problems = |form: BookingForm| form.parse(today, &clinics()).unwrap_err();
        let errors = problems(booking(" ", ""));
        assert_eq!(errors.of("reason"), Some(Problem::Required));
        assert_eq!(errors.of("desired_date"), Some(Problem::Required));
        assert_eq!(
            problems(booking("x", "2026-11-25")).of("desired_date"),
            Some(Problem::DateInPast)
        );
        assert_eq!(
            problems(booking("x", "2027-11-27")).of("desired_date"),
            Some(Problem::DateTooFar)
        );
        assert_eq!(
            problems(booking("x", "31.02.2027")).of("desired_date"),
            Some(Problem::DateInvalid)
        );
        assert_eq!(
            problems(booking(&"я".repeat(LONG_TEXT_MAX + 1), "2026-12-01")).of("reason"),
            Some(Problem::TooLong)
        );
        assert!(
            booking(&"я".repeat(LONG_TEXT_MAX), "2026-12-01")
                .parse(today, &clinics())
                .is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn a_booking_takes_only_a_listed_clinic_and_a_known_time_of_day() {
        let today = day(2026, 11, 26);
        let form = BookingForm {
            clinic: "spir".into(),
            time_of_day: "morning".into(),
            specialist: " Кардиолог ".into(),
            ..booking("Осмотр", "2026-12-01")
        };
        let content = form.parse(today, &clinics()).unwrap();
        assert_eq!(content.clinic.unwrap().name, "Клиника на Спиридоньевском");
        assert_eq!(content.time_of_day, Some(TimeOfDay::Morning));
        assert_eq!(content.specialist.as_deref(), Some("Кардиолог"));

        let errors = BookingForm {
            clinic: "nowhere".into(),
            time_of_day: "midnight".into(),
            ..booking("Осмотр", "2026-12-01")
        }
        .parse(today, &clinics())
        .unwrap_err();
        assert_eq!(errors.of("clinic"), Some(Problem::ChoiceInvalid));
        assert_eq!(errors.of("time_of_day"), Some(Problem::ChoiceInvalid));
    }

    #[test]
    fn a_home_visit_needs_a_phone_an_address_and_a_reason() {
        let form = HomeVisitForm {
            phone: "8 (916) 123-45-67".into(),
            street: "ул. Щепкина".into(),
            house: "35".into(),
            apartment: "12".into(),
            reason: "Температура 39".into(),
            floor: "4".into(),
            ..HomeVisitForm::default()
        };
        let visit = form.parse().unwrap();
        assert_eq!(visit.phone, "+79161234567");
        assert_eq!(visit.floor.as_deref(), Some("4"));
        assert_eq!(visit.entrance, None);

        let errors = HomeVisitForm {
            phone: "12345".into(),
            intercom: "x".repeat(SHORT_MAX + 1),
            ..HomeVisitForm::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(errors.of("phone"), Some(Problem::PhoneInvalid));
        for field in ["street", "house", "apartment", "reason"] {
            assert_eq!(errors.of(field), Some(Problem::Required), "{field}");
        }
        assert_eq!(errors.of("intercom"), Some(Problem::TooLong));
        assert_eq!(errors.of("entrance"), None, "optional");
    }

    #[test]
    fn feedback_is_a_mistake_or_an_idea_with_a_message() {
        let ok = FeedbackForm {
            feedback_type: "suggestion".into(),
            message: "Добавьте тёмную тему".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.feedback_type, FeedbackType::Suggestion);
        let errors = FeedbackForm {
            feedback_type: "praise".into(),
            message: String::new(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(errors.of("feedback_type"), Some(Problem::ChoiceInvalid));
        assert_eq!(errors.of("message"), Some(Problem::Required));
    }

    #[test]
    fn stored_content_renders_after_the_form_gains_fields() {
        // A booking stored before `specialist`, `clinic`, … existed.
        let old = r#"{"kind":"booking","reason":"Осмотр","desired_date":"2026-12-01"}"#;
        let content: RequestContent = serde_json::from_str(old).unwrap();
        assert_eq!(content.kind(), RequestKind::Booking);
        assert_eq!(content.summary(), "Осмотр");
    }

    #[test]
    fn documents_and_radiology_reports_are_stored_by_kind_and_summarised() {
        let document = RequestContent::Document(DocumentContent {
            document_type: DocumentType::TaxDeductionCertificate,
            period_from: day(2026, 1, 1),
            period_until: day(2026, 6, 30),
            delivery: DocumentDelivery::Email,
            comment: None,
        });
        let stored = serde_json::to_string(&document).unwrap();
        assert!(stored.contains(r#""kind":"document""#), "{stored}");
        assert!(stored.contains(r#""document_type":"tax_deduction_certificate""#));
        assert_eq!(
            serde_json::from_str::<RequestContent>(&stored).unwrap(),
            document
        );
        assert_eq!(document.kind(), RequestKind::Document);
        assert_eq!(document.summary(), "01.01.2026 – 30.06.2026");

        let report = r#"{"kind":"radiology_report","study":"МРТ коленного сустава","study_date":"2026-11-20"}"#;
        let report: RequestContent = serde_json::from_str(report).unwrap();
        assert_eq!(report.kind(), RequestKind::RadiologyReport);
        assert_eq!(report.summary(), "МРТ коленного сустава");
    }

    #[test]
    fn a_summary_is_the_first_line_cut_short() {
        let content = RequestContent::Feedback(FeedbackContent {
            feedback_type: FeedbackType::Error,
            message: format!("{}\nвторая строка", "а".repeat(130)),
        });
        let summary = content.summary();
        assert_eq!(summary.chars().count(), 121);
        assert!(summary.ends_with('…'));
    }

    #[test]
    fn pages_and_filter_dates_stay_in_range() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number(" 3 "), Ok(3));
        for bad in ["0", "-1", "x", "1000001", "9223372036854775807"] {
            assert_eq!(page_number(bad), Err(Problem::ChoiceInvalid), "{bad}");
        }
        assert_eq!(filter_date(""), Ok(None));
        assert_eq!(filter_date("2026-11-26"), Ok(Some(day(2026, 11, 26))));
        assert_eq!(filter_date("+262142-12-31"), Err(Problem::DateInvalid));
        assert_eq!(filter_date("1899-12-31"), Err(Problem::DateInvalid));
    }

    #[test]
    fn an_idempotency_key_is_a_token_the_page_made() {
        assert!(idempotency_key("0b7f6c1e-8a7d-4c55-9d9e-3f1a2b3c4d5e").is_ok());
        assert_eq!(idempotency_key(""), Err(Problem::FormExpired));
        assert_eq!(idempotency_key("short"), Err(Problem::FormExpired));
        assert_eq!(
            idempotency_key("'; DROP TABLE x; --aaaaaaaaaaaa"),
            Err(Problem::FormExpired)
        );
    }
}
