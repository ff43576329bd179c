//! «Новости и акции» (editors): the news and promotions patients read in
//! «Новости ЕМС» and «Акции ЕМС». An item is written (title, Markdown text,
//! publish date; a promotion also runs from / to), previewed as patients
//! will see it, given a picture, then published — or withdrawn. Only
//! editors (and administrators) may; everything they do is audited.

use crate::domain::{FieldErrors, Problem};
use crate::error::AppError;
use crate::forms::{
    action_error, form_fields, Field, FormError, PostForm, SelectField, SubmitButton, TextArea,
    Then,
};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use crate::sections::news::{ContentArticle, ContentDates, ContentPage};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// The longest text an item may have.
pub const BODY_MAX: usize = 20_000;

form_fields! {
    /// An item as the editor's form sends it.
    pub struct ContentForm {
        kind: admin.content_kind [required],
        title: admin.content_title [required],
        body: admin.content_body [required],
        publish_on: admin.content_publish_on [required],
        valid_from: admin.content_valid_from,
        valid_until: admin.content_valid_until,
    }
}

/// News, or a promotion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContentKind {
    News,
    Promotion,
}

impl ContentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::News => "news",
            ContentKind::Promotion => "promotion",
        }
    }

    pub fn parse(text: &str) -> Option<ContentKind> {
        match text {
            "news" => Some(ContentKind::News),
            "promotion" => Some(ContentKind::Promotion),
            _ => None,
        }
    }
}

/// An item as the form's rules leave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedContent {
    pub kind: ContentKind,
    pub title: String,
    pub body: String,
    pub publish_on: NaiveDate,
    /// A promotion's dates.
    pub valid: Option<(NaiveDate, NaiveDate)>,
}

impl ContentForm {
    /// Every field at once: title and text given and not too long, dates
    /// real, and a promotion runs from a day to a day not before it.
    pub fn parse(&self) -> Result<CheckedContent, FieldErrors> {
        use crate::domain::patient::{date, required_text};
        let mut errors = FieldErrors::new();
        let kind = errors.check(
            "kind",
            match self.kind.trim() {
                "" => Err(Problem::Required),
                text => ContentKind::parse(text).ok_or(Problem::ChoiceInvalid),
            },
        );
        let title = errors.check("title", required_text(&self.title, 200));
        let body = errors.check("body", required_text(&self.body, BODY_MAX));
        let publish_on = errors.check("publish_on", date(&self.publish_on));
        let mut valid = None;
        if kind == Some(ContentKind::Promotion) {
            let from = errors.check("valid_from", date(&self.valid_from));
            let until = errors.check("valid_until", date(&self.valid_until));
            if let (Some(from), Some(until)) = (from, until) {
                if until < from {
                    errors.add("valid_until", Problem::PeriodReversed);
                }
                valid = Some((from, until));
            }
        }
        match (kind, title, body, publish_on) {
            (Some(kind), Some(title), Some(body), Some(publish_on)) if errors.is_empty() => {
                Ok(CheckedContent {
                    kind,
                    title,
                    body,
                    publish_on,
                    valid,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The largest picture an item may have.
pub const PICTURE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// A picture's media type, read from its first bytes (never from its name
/// or what the browser claims): PNG, JPEG or WebP only — no SVG, which can
/// carry script.
#[cfg(feature = "ssr")]
pub fn picture_type(bytes: &[u8]) -> Result<&'static str, Problem> {
    if bytes.is_empty() {
        return Err(Problem::FileEmpty);
    }
    if bytes.len() > PICTURE_MAX_BYTES {
        return Err(Problem::FileTooLarge);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        Err(Problem::FileTypeNotAllowed)
    }
}

/// An item as the editors' list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentLine {
    pub id: i64,
    pub kind: ContentKind,
    pub title: String,
    pub publish_on: NaiveDate,
    pub valid: Option<(NaiveDate, NaiveDate)>,
    pub published: bool,
}

/// An item being edited: what the form starts with, and the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentDraft {
    pub id: i64,
    pub form: ContentForm,
    pub published: bool,
    pub preview: ContentPage,
}

#[server(endpoint = "admin/content/list")]
pub async fn content_list() -> Result<Vec<ContentLine>, AppError> {
    crate::context::reply(server::content_list().await)
}

#[server(endpoint = "admin/content/one")]
pub async fn editable_content(id: String) -> Result<ContentDraft, AppError> {
    crate::context::reply(server::editable_content(id).await)
}

/// Writes a new item (`id` empty), unpublished, or rewrites one: its id.
#[server(endpoint = "admin/content/save")]
pub async fn save_content(
    id: String,
    #[server(flatten)] form: ContentForm,
) -> Result<i64, AppError> {
    crate::context::reply(server::save_content(id, form).await)
}

#[server(endpoint = "admin/content/publish")]
pub async fn publish_content(id: i64, publish: bool) -> Result<(), AppError> {
    crate::context::reply(server::publish_content(id, publish).await)
}

/// Where an item is edited.
pub fn content_path(id: i64) -> String {
    format!("/admin/content/{id}")
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::{content_path, ContentDraft, ContentForm, ContentKind, ContentLine};
    use crate::context::{
        internal, redirect_plain_form, request_meta, require_staff, server_context,
    };
    use crate::db::audit::{Action, Actor};
    use crate::db::content::{self, ContentItem, NewContent};
    use crate::domain::{Problem, StaffRole};
    use crate::error::AppError;
    use crate::sections::news::server::page_of;
    use crate::write_unit::WriteUnit;

    fn kind_of(item: &ContentItem) -> Result<ContentKind, AppError> {
        ContentKind::parse(&item.kind)
            .ok_or_else(|| internal(format_args!("content {} has kind {}", item.id, item.kind)))
    }

    pub async fn content_list() -> Result<Vec<ContentLine>, AppError> {
        require_staff(StaffRole::Editor)?;
        let context = server_context()?;
        content::all(&context.db)
            .await?
            .into_iter()
            .map(|item| {
                Ok(ContentLine {
                    kind: kind_of(&item)?,
                    valid: item.valid_from.zip(item.valid_until),
                    id: item.id,
                    title: item.title,
                    publish_on: item.publish_on,
                    published: item.published,
                })
            })
            .collect()
    }

    pub async fn editable_content(id: String) -> Result<ContentDraft, AppError> {
        require_staff(StaffRole::Editor)?;
        let context = server_context()?;
        let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
        let item = content::one(&context.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let day = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        Ok(ContentDraft {
            id,
            published: item.published,
            form: ContentForm {
                kind: kind_of(&item)?.as_str().to_owned(),
                title: item.title.clone(),
                body: item.body.clone(),
                publish_on: day(Some(item.publish_on)),
                valid_from: day(item.valid_from),
                valid_until: day(item.valid_until),
            },
            preview: page_of(item),
        })
    }

    pub async fn save_content(id: String, form: ContentForm) -> Result<i64, AppError> {
        let editor = require_staff(StaffRole::Editor)?;
        let context = server_context()?;
        let checked = form.parse()?;
        let item = NewContent {
            kind: checked.kind.as_str(),
            title: &checked.title,
            body: &checked.body,
            publish_on: checked.publish_on,
            valid_from: checked.valid.map(|(from, _)| from),
            valid_until: checked.valid.map(|(_, until)| until),
        };
        let mut unit = WriteUnit::begin(&context, Actor::Staff(editor.staff_id)).await?;
        let id = match id.trim() {
            "" => content::insert(&mut unit.tx, &item, editor.staff_id, unit.now).await?,
            text => {
                let id: i64 = text
                    .parse()
                    .map_err(|_| AppError::form(Problem::ChoiceInvalid))?;
                if !content::update(&mut unit.tx, id, &item, editor.staff_id, unit.now).await? {
                    return Err(AppError::NotFound);
                }
                id
            }
        };
        unit.audit(
            Action::ContentSaved,
            None,
            &format!("{id}: {}", checked.title),
        )
        .await?;
        unit.commit().await?;
        redirect_plain_form(&request_meta(), &format!("{}?saved=1", content_path(id)));
        Ok(id)
    }

    /// Sets the picture of item `id` from an upload: checked, kept once
    /// per content, audited.
    pub async fn set_picture(
        context: &crate::context::ServerContext,
        editor: &crate::auth::StaffSession,
        id: i64,
        bytes: &[u8],
        origin: crate::db::audit::Origin,
    ) -> Result<(), AppError> {
        if !editor.has(StaffRole::Editor) && !editor.has(StaffRole::Admin) {
            return Err(AppError::Forbidden);
        }
        let media_type =
            super::picture_type(bytes).map_err(|problem| AppError::field("picture", problem))?;
        let sha = crate::security::sha256_hex(bytes);
        let mut unit =
            WriteUnit::begin_from(context, Actor::Staff(editor.staff_id), origin).await?;
        let picture =
            content::store_picture(&mut unit.tx, &sha, media_type, bytes, unit.now).await?;
        if !content::set_picture(&mut unit.tx, id, Some(picture), editor.staff_id, unit.now).await?
        {
            return Err(AppError::NotFound);
        }
        unit.audit(Action::ContentPictureSet, None, &format!("{id}: {sha}"))
            .await?;
        unit.commit().await
    }

    pub async fn publish_content(id: i64, publish: bool) -> Result<(), AppError> {
        let editor = require_staff(StaffRole::Editor)?;
        let context = server_context()?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(editor.staff_id)).await?;
        if !content::set_published(&mut unit.tx, id, publish, editor.staff_id, unit.now).await? {
            return Err(AppError::NotFound);
        }
        let action = if publish {
            Action::ContentPublished
        } else {
            Action::ContentWithdrawn
        };
        unit.audit(action, None, &id.to_string()).await?;
        unit.commit().await?;
        redirect_plain_form(&request_meta(), &content_path(id));
        Ok(())
    }
}

/// `/admin/content`: every item, with whether patients see it.
#[component]
pub fn ContentListPage() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| content_list());
    view! {
        <h1 class="page-title">{td_string!(locale, admin.content)}</h1>
        <p><a class="button primary" href="/admin/content/new">{td_string!(locale, admin.content_new)}</a></p>
        <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">{td_string!(locale, admin.content_none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list content-admin-list">
                            {list.into_iter().map(|line| view! {
                                <li class="card">
                                    <a href=content_path(line.id)><strong>{line.title.clone()}</strong></a>
                                    <span class="badge">{match line.kind {
                                        ContentKind::News => td_string!(locale, admin.content_news),
                                        ContentKind::Promotion => td_string!(locale, admin.content_promotion),
                                    }}</span>
                                    <span class="badge">{if line.published {
                                        td_string!(locale, admin.content_published)
                                    } else {
                                        td_string!(locale, admin.content_draft)
                                    }}</span>
                                    <p class="field-hint"><ContentDates publish_on=line.publish_on valid=line.valid/></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/content/new`: an empty form.
#[component]
pub fn NewContentPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <h1 class="page-title">{td_string!(locale, admin.content_new)}</h1>
        <p><a href="/admin/content">{td_string!(locale, admin.content_back)}</a></p>
        <ContentEditor id=None form=ContentForm { kind: "news".to_owned(), ..ContentForm::default() }/>
    }
}

/// `/admin/content/:id`: the form, the preview, the picture, publishing.
#[component]
pub fn EditContentPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let query = use_query_map();
    let saved = query.with_untracked(|q| q.get("saved").is_some());
    let picture_error = query.with_untracked(|q| q.get("picture_error"));
    let draft = Resource::new(move || (), move |_| editable_content(id.clone()));
    view! {
        <h1 class="page-title">{td_string!(locale, admin.content_edit)}</h1>
        <p><a href="/admin/content">{td_string!(locale, admin.content_back)}</a></p>
        {saved.then(|| view! { <p class="notice success" role="status">{td_string!(locale, admin.content_saved)}</p> })}
        <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
            {move || {
                let picture_error = picture_error.clone();
                Suspend::new(async move {
                    match draft.await {
                        Ok(draft) => view! {
                            <Publishing id=draft.id published=draft.published/>
                            <ContentEditor id=Some(draft.id) form=draft.form.clone()/>
                            <PictureForm id=draft.id error=picture_error/>
                            <section aria-labelledby="preview-title">
                                <h2 id="preview-title">{td_string!(locale, admin.content_preview)}</h2>
                                <ContentArticle page=draft.preview/>
                            </section>
                        }
                        .into_any(),
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The item's fields; saving a new one goes to the list.
#[component]
fn ContentEditor(id: Option<i64>, form: ContentForm) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveContent>::new();
    let error = action_error(save);
    let kinds = vec![
        (
            "news".to_owned(),
            td_string!(locale, admin.content_news).to_owned(),
        ),
        (
            "promotion".to_owned(),
            td_string!(locale, admin.content_promotion).to_owned(),
        ),
    ];
    let then = match id {
        Some(_) => Then::Reload,
        None => Then::Go("/admin/content".to_owned()),
    };
    view! {
        <FormEnhancer>
            <PostForm action=save then=then class="form card">
                <FormError error=error/>
                <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default()/>
                <SelectField field=ContentForm::kind options=kinds value=form.kind.clone() error=error/>
                <Field field=ContentForm::title value=form.title.clone() error=error/>
                <TextArea field=ContentForm::body hint=td_string!(locale, admin.content_body_hint) value=form.body.clone() max=BODY_MAX error=error/>
                <Field field=ContentForm::publish_on input_type="date" value=form.publish_on.clone() error=error/>
                <Field field=ContentForm::valid_from input_type="date" hint=td_string!(locale, admin.content_valid_hint) value=form.valid_from.clone() error=error/>
                <Field field=ContentForm::valid_until input_type="date" value=form.valid_until.clone() error=error/>
                <SubmitButton label=td_string!(locale, admin.content_save)/>
            </PostForm>
        </FormEnhancer>
    }
}

/// «Опубликовать» / «Снять с публикации».
#[component]
fn Publishing(id: i64, published: bool) -> impl IntoView {
    let locale = use_locale();
    let publish = ServerAction::<PublishContent>::new();
    let error = action_error(publish);
    let (state, label) = if published {
        (
            td_string!(locale, admin.content_published),
            td_string!(locale, admin.content_unpublish),
        )
    } else {
        (
            td_string!(locale, admin.content_draft),
            td_string!(locale, admin.content_publish),
        )
    };
    view! {
        <FormEnhancer>
            <PostForm action=publish then=Then::Reload class="form card">
                <p><strong>{state}</strong></p>
                <FormError error=error/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="publish" value=(!published).to_string()/>
                <SubmitButton label=label/>
            </PostForm>
        </FormEnhancer>
    }
}

/// The item's picture: a PNG, JPEG or WebP, sent as a plain form.
#[component]
fn PictureForm(id: i64, error: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let message = error.map(|code| match code.as_str() {
        "file_too_large" => td_string!(locale, admin.picture_too_large),
        "file_empty" => td_string!(locale, problem.file_empty),
        _ => td_string!(locale, admin.picture_type),
    });
    let invalid = message.is_some();
    view! {
        <form method="post" action=format!("{}/picture", content_path(id)) enctype="multipart/form-data" class="form card">
            <div class="field" class:invalid=invalid>
                <label for="picture">{td_string!(locale, admin.picture)}</label>
                <p class="field-hint" id="picture-hint">{td_string!(locale, admin.picture_hint)}</p>
                <input type="file" id="picture" name="picture" accept="image/png,image/jpeg,image/webp"
                    aria-describedby="picture-hint picture-error" aria-invalid=invalid.then_some("true")/>
                <p class="field-error" id="picture-error" role="alert">{message}</p>
            </div>
            <button type="submit" class="button">{td_string!(locale, admin.picture_upload)}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, from: &str, until: &str) -> ContentForm {
        ContentForm {
            kind: kind.into(),
            title: "Новогодние часы работы".into(),
            body: "Текст".into(),
            publish_on: "2026-12-01".into(),
            valid_from: from.into(),
            valid_until: until.into(),
        }
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn a_picture_is_known_by_its_bytes_and_only_png_jpeg_or_webp_is_taken() {
        assert_eq!(picture_type(b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(picture_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(picture_type(b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(
            picture_type(b"<svg onload=alert(1)>"),
            Err(Problem::FileTypeNotAllowed)
        );
        assert_eq!(picture_type(b""), Err(Problem::FileEmpty));
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(PICTURE_MAX_BYTES + 1, 0);
        assert_eq!(picture_type(&huge), Err(Problem::FileTooLarge));
    }

    #[test]
    fn a_promotion_needs_its_dates_in_order_and_news_does_not() {
        assert_eq!(form("news", "", "").parse().unwrap().valid, None);
        let promotion = form("promotion", "2026-12-01", "2026-12-31")
            .parse()
            .unwrap();
        assert_eq!(promotion.kind, ContentKind::Promotion);
        let missing = form("promotion", "", "").parse().unwrap_err();
        assert_eq!(missing.of("valid_from"), Some(Problem::Required));
        let reversed = form("promotion", "2026-12-31", "2026-12-01")
            .parse()
            .unwrap_err();
        assert_eq!(reversed.of("valid_until"), Some(Problem::PeriodReversed));
        let empty = ContentForm::default().parse().unwrap_err();
        for field in ["kind", "title", "body", "publish_on"] {
            assert_eq!(empty.of(field), Some(Problem::Required), "{field}");
        }
    }
}
