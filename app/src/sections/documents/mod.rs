//! «Запросить документы»: the six document types as a choice of links, the
//! chosen type's form — for the tax-deduction certificate its own fields,
//! the taxpayer's INN checked by the rule the server applies, whole tax
//! years one click away — and the tab «Список запросов». Documents go to
//! the e-mail of the service agreement, which the form names (only the
//! clinic changes it), or wait at the chosen clinic. Every part works
//! before the wasm has loaded: the type is a link, the years are radio
//! buttons.

use super::request_form::RequestSection;
use crate::domain::request::LONG_TEXT_MAX;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, Choice, EnhancedForm, Field, FormField, RadioGroup, RequestFormHead,
    SelectField, SubmitButton, TextArea, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::kinds::document::{DocumentForm, DocumentType, Relation};
use crate::requests::kinds::{ClinicChoice, KindForm, RequestKind};
use crate::requests::{form_start, FormStart};
use crate::sections::Section;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the form offers and starts with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChoices {
    pub clinics: Vec<ClinicChoice>,
    /// The agreement's e-mail, where documents are sent; none: they can
    /// only be picked up.
    pub agreement_email: Option<String>,
    /// The patient's full name, as «ФИО пациента» starts.
    pub patient_name: String,
    /// The whole tax years offered, newest first.
    pub tax_years: Vec<i32>,
    /// The clinic's date (`yyyy-mm-dd`): no period ends after it.
    pub today: String,
}

#[server(endpoint = "documents/options")]
pub async fn document_options() -> Result<DocumentChoices, AppError> {
    crate::context::reply(server::document_options().await)
}

/// «Отправить запрос»: the new request's number.
#[server(endpoint = "documents/send")]
pub async fn send_document_request(
    idempotency_key: String,
    #[server(flatten)] form: DocumentForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::DocumentChoices;
    use crate::context::{current_patient, server_context, ServerContext};
    use crate::db::{clinics, patients};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::document::{tax_years, DocumentForm, DocumentGiven};
    use crate::requests::kinds::ClinicChoice;

    async fn given(context: &ServerContext, patient_id: i64) -> Result<DocumentGiven, AppError> {
        Ok(DocumentGiven {
            today: context.clinic.local_date(context.clock.now()),
            clinics: clinics::all(&context.db)
                .await?
                .into_iter()
                .map(|c| ClinicChoice {
                    code: c.code,
                    name: c.name,
                })
                .collect(),
            agreement_email: patients::agreement_contacts(&context.db, patient_id)
                .await?
                .map(|c| c.email)
                .filter(|email| !email.is_empty()),
        })
    }

    pub async fn document_options() -> Result<DocumentChoices, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let given = given(&context, patient.patient_id).await?;
        let patient_name = patients::by_id(&context.db, patient.patient_id)
            .await?
            .map(|p| p.full_name)
            .unwrap_or_default();
        Ok(DocumentChoices {
            clinics: given.clinics,
            agreement_email: given.agreement_email,
            patient_name,
            tax_years: tax_years(given.today),
            today: given.today.format("%Y-%m-%d").to_string(),
        })
    }

    pub async fn send(idempotency_key: String, form: DocumentForm) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let given = given(&context, patient.patient_id).await?;
        engine::send_form(&context, &patient, &form, &given, &idempotency_key).await
    }
}

#[component]
pub fn DocumentsPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::Documents
            kind=RequestKind::Document
            form=|| view! { <DocumentFormLoader/> }.into_any()
        />
    }
}

/// The type as links (`?type=…`), then the chosen type's form.
#[component]
fn DocumentFormLoader() -> impl IntoView {
    let locale = use_locale();
    let chosen = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("type").and_then(|t| DocumentType::parse(&t)));
    let current = move |t: DocumentType| (chosen == Some(t)).then_some("page");
    view! {
        <nav class="type-choice" aria-label=td_string!(locale, document.type_label)>
            <p class="choice-title">{td_string!(locale, document.type_label)}</p>
            <ul>
                {DocumentType::ALL.into_iter().map(|t| view! {
                    <li>
                        <a href=format!("{}?type={}", Section::Documents.path(), t.as_str()) class="type-link" aria-current=current(t)>
                            {t.label(locale)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
        {match chosen {
            None => view! { <p class="field-hint">{td_string!(locale, document.choose_type)}</p> }.into_any(),
            Some(document_type) => view! { <ChosenDocumentForm document_type/> }.into_any(),
        }}
    }
}

/// The chosen type's form, once what it offers and how it starts are
/// loaded: only then, so the page of types alone reads nothing.
#[component]
fn ChosenDocumentForm(document_type: DocumentType) -> impl IntoView {
    let locale = use_locale();
    let start = form_start(DocumentForm::NAME);
    let options = Resource::new(|| (), |_| document_options());
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match (start.await, options.await) {
                    (Ok(start), Ok(options)) => view! { <DocumentFormView document_type start options/> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The field as required, for the tax certificate's own fields: the form
/// type lists them as optional because the other types do not ask them.
const fn required(field: FormField) -> FormField {
    FormField {
        required: true,
        ..field
    }
}

#[component]
fn DocumentFormView(
    document_type: DocumentType,
    start: FormStart,
    options: DocumentChoices,
) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendDocumentRequest>::new();
    let error = action_error(action);
    let label = labeller();
    let tax = document_type == DocumentType::TaxDeductionCertificate;
    let clinics: Vec<(String, String)> = options
        .clinics
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let deliveries = vec![
        Choice {
            value: "in_clinic".into(),
            label: td_string!(locale, document.delivery_in_clinic).into(),
            unavailable: None,
            note: None,
        },
        Choice {
            value: "email".into(),
            label: td_string!(locale, document.delivery_email).into(),
            unavailable: options
                .agreement_email
                .is_none()
                .then(|| td_string!(locale, problem.no_agreement_email).to_owned()),
            note: options.agreement_email.as_ref().map(|email| {
                crate::texts::fill(
                    td_string!(locale, document.email_warning),
                    &[("email", email)],
                )
            }),
        },
    ];
    let mut years: Vec<Choice> = options
        .tax_years
        .iter()
        .map(|year| Choice {
            value: year.to_string(),
            label: year.to_string(),
            unavailable: None,
            note: None,
        })
        .collect();
    years.push(Choice {
        value: String::new(),
        label: td_string!(locale, document.other_period).into(),
        unavailable: None,
        note: None,
    });
    let relations = Relation::ALL
        .into_iter()
        .map(|r| (r.as_str().to_owned(), r.label(locale).to_owned()))
        .collect();
    let period = {
        let start = start.clone();
        let today = options.today.clone();
        move || {
            view! {
                <div class="field-row">
                    <Field field=DocumentForm::period_from input_type="date" max=today.clone() value=start.value(DocumentForm::period_from, None) error=error/>
                    <Field field=DocumentForm::period_until input_type="date" max=today.clone() value=start.value(DocumentForm::period_until, None) error=error/>
                </div>
            }
        }
    };
    view! {
        <EnhancedForm action=action then=Then::ShowRequest class="form">
            <RequestFormHead key=start.key.clone() error=error fields=DocumentForm::FIELDS/>
            <input type="hidden" name=DocumentForm::document_type.name value=document_type.as_str()/>
            <h2>{document_type.label(locale)}</h2>
            <p class="field-hint">{td_string!(locale, form.required_note)}</p>
            {tax.then(|| view! {
                <Field field=required(DocumentForm::taxpayer_name) autocomplete="name" value=start.value(DocumentForm::taxpayer_name, None) error=error/>
                <Field
                    field=required(DocumentForm::patient_name)
                    value=start.value(DocumentForm::patient_name, Some(options.patient_name.clone()))
                    error=error
                />
                <SelectField field=required(DocumentForm::relation) options=relations value=start.value(DocumentForm::relation, None) error=error/>
                <Field
                    field=required(DocumentForm::taxpayer_inn)
                    hint=label(|l| td_string!(l, document.inn_hint))
                    inputmode="numeric"
                    check="inn"
                    value=start.value(DocumentForm::taxpayer_inn, None)
                    error=error
                />
                <RadioGroup field=DocumentForm::tax_year choices=years value=start.value(DocumentForm::tax_year, Some(options.tax_years.first().map(|y| y.to_string()).unwrap_or_default())) error=error/>
                <p class="field-hint">{td_string!(locale, document.tax_period_hint)}</p>
            })}
            {period()}
            <RadioGroup field=DocumentForm::delivery choices=deliveries value=start.value(DocumentForm::delivery, None) error=error/>
            <SelectField field=DocumentForm::clinic options=clinics value=start.value(DocumentForm::clinic, None) error=error/>
            {tax.then(|| view! {
                <label class="choice">
                    <input type="checkbox" name=DocumentForm::english_translation.name checked=!start.value(DocumentForm::english_translation, None).is_empty()/>
                    {td_string!(locale, document.english_translation)}
                </label>
            })}
            <TextArea field=DocumentForm::comment value=start.value(DocumentForm::comment, None) max=LONG_TEXT_MAX error=error/>
            <SubmitButton label=label(|l| td_string!(l, document.send))/>
        </EnhancedForm>
    }
}
