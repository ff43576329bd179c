//! The request queues (`/admin/requests`): operators see the requests of
//! their departments, admins every department; filters by kind, status,
//! date and patient, oldest first by default, a page at a time. A request
//! opens (`/admin/requests/:number`) with its content, the patient's name
//! and agreement contacts, and the history; staff take it, and move its
//! status on with a comment to the patient. Every opening is audited.

use crate::domain::request::RequestStatus;
use crate::error::AppError;
use crate::requests::kinds::RequestKind;
use crate::requests::RequestDetail;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A queue line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLine {
    pub number: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub summary: String,
    pub department: String,
    pub patient_name: String,
    pub assigned_to: Option<String>,
    pub sent: String,
}

/// One page of a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub lines: Vec<QueueLine>,
    pub total: i64,
    /// From 1.
    pub page: i64,
    pub pages: i64,
}

/// A request as staff open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRequestView {
    pub detail: RequestDetail,
    pub patient_name: String,
    pub mis_patient_id: String,
    pub agreement_email: Option<String>,
    pub sms_phone: Option<String>,
    /// The statuses this request may be moved to.
    pub next_statuses: Vec<RequestStatus>,
    pub assigned_to_me: bool,
}

#[server(endpoint = "admin/requests/list")]
pub async fn request_queue(
    #[server(default)] kind: String,
    #[server(default)] status: String,
    #[server(default)] from: String,
    #[server(default)] until: String,
    #[server(default)] patient: String,
    #[server(default)] order: String,
    #[server(default)] page: String,
) -> Result<QueuePage, AppError> {
    crate::context::reply(
        server::request_queue(server::QueueFilter {
            kind,
            status,
            from,
            until,
            patient,
            order,
            page,
        })
        .await,
    )
}

#[server(endpoint = "admin/requests/one")]
pub async fn staff_request(number: String) -> Result<StaffRequestView, AppError> {
    crate::context::reply(server::staff_request(number).await)
}

#[server(endpoint = "admin/requests/status")]
pub async fn change_request_status(
    number: String,
    #[server(default)] status: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    crate::context::reply(server::change_request_status(number, status, comment).await)
}

#[server(endpoint = "admin/requests/take")]
pub async fn take_request(number: String) -> Result<(), AppError> {
    crate::context::reply(server::take_request(number).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{staff_request_path, QueueLine, QueuePage, StaffRequestView};

    /// Requests a queue page shows.
    const PAGE_SIZE: i64 = 20;
    use crate::context::internal;
    use crate::context::{redirect_plain_form, request_meta, require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::patients::{self, name_key};
    use crate::db::requests::{self, QueueQuery};
    use crate::domain::request::{filter_date, is_request_number, page_number, RequestStatus};
    use crate::domain::{FieldErrors, Problem, StaffRole};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::RequestKind;
    use crate::write_unit::WriteUnit;
    use chrono::Duration;

    pub struct QueueFilter {
        pub kind: String,
        pub status: String,
        pub from: String,
        pub until: String,
        pub patient: String,
        pub order: String,
        pub page: String,
    }

    pub async fn request_queue(filter: QueueFilter) -> Result<QueuePage, AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        let mut errors = FieldErrors::new();
        let choice = |text: &str| text.trim().to_owned();
        let kind = match choice(&filter.kind).as_str() {
            "" => None,
            text => errors.check(
                "kind",
                RequestKind::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        let status = match choice(&filter.status).as_str() {
            "" => None,
            text => errors.check(
                "status",
                RequestStatus::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        let from = errors.check("from", filter_date(&filter.from)).flatten();
        let until = errors.check("until", filter_date(&filter.until)).flatten();
        let page = errors.check("page", page_number(&filter.page)).unwrap_or(1);
        errors.into_result()?;
        let start_of = |day| context.clinic.day_starts(day);
        let patient = filter.patient.trim();
        let query = QueueQuery {
            kind: kind.map(|k| k.as_str().to_owned()),
            status: status.map(|s| s.as_str().to_owned()),
            from: from.map(start_of),
            until: until.map(|day| start_of(day) + Duration::days(1)),
            patient: (!patient.is_empty()).then(|| name_key(patient)),
            newest_first: filter.order == "newest",
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        };
        let (rows, total) = requests::queue(&context.db, engine::scope_of(&staff), &query).await?;
        let mut lines = Vec::with_capacity(rows.len());
        let locale = crate::context::request_locale();
        for row in rows {
            // Read as the engine reads every request: the kind from its
            // column, and what no longer parses is an error, not a guess.
            let content = engine::read_content(&row.number, &row.content)?;
            lines.push(QueueLine {
                kind: engine::read_kind(&row.number, &row.kind)?,
                status: engine::read_status(&row.number, &row.status)?,
                summary: content.summary(locale),
                department: row.department_name,
                patient_name: row.patient_name,
                assigned_to: row.assigned_name,
                sent: context.clinic.local_time(row.created_at, locale),
                number: row.number,
            });
        }
        Ok(QueuePage {
            lines,
            total,
            page,
            pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        })
    }

    pub async fn staff_request(number: String) -> Result<StaffRequestView, AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        // Outside the staff member's departments, or made up: "not found".
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        let row = requests::in_scope(&context.db, engine::scope_of(&staff), &number)
            .await?
            .ok_or(AppError::NotFound)?;
        // Every look at a patient's request is recorded: the patient will
        // see who opened it.
        let mut unit = WriteUnit::begin(&context, Actor::Staff(staff.staff_id)).await?;
        unit.audit(Action::RequestViewed, Some(row.patient_id), &number)
            .await?;
        unit.commit().await?;
        let detail = engine::detail(&context, &row).await?;
        let patient = patients::by_id(&context.db, row.patient_id)
            .await?
            .ok_or_else(|| internal("a request's patient is missing"))?;
        let contacts = patients::agreement_contacts(&context.db, row.patient_id).await?;
        Ok(StaffRequestView {
            next_statuses: detail.status.staff_next().to_vec(),
            assigned_to_me: row.assigned_staff_id == Some(staff.staff_id),
            detail,
            patient_name: patient.full_name,
            mis_patient_id: patient.mis_patient_id,
            agreement_email: contacts.as_ref().map(|c| c.email.clone()),
            sms_phone: contacts.map(|c| c.sms_phone),
        })
    }

    pub async fn change_request_status(
        number: String,
        status: String,
        comment: String,
    ) -> Result<(), AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        engine::change_status(&context, &staff, &number, &status, &comment).await?;
        redirect_plain_form(&request_meta(), &staff_request_path(&number));
        Ok(())
    }

    pub async fn take_request(number: String) -> Result<(), AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        engine::take(&context, &staff, &number).await?;
        redirect_plain_form(&request_meta(), &staff_request_path(&number));
        Ok(())
    }
}

/// The staff page of a request.
pub fn staff_request_path(number: &str) -> String {
    format!(
        "/admin/requests/{}",
        leptos_router::location::Url::escape(number)
    )
}

mod queue_page;
mod request_page;

pub use queue_page::QueuePageView;
pub use request_page::StaffRequestPage;
