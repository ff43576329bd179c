//! «Запросить документы»: the six types, the tax-deduction certificate's
//! own fields with its INN, the period rules, delivery to the agreement's
//! e-mail or at a clinic — every rule refused at its field with nothing
//! written, a sent request in medical records' queue, and a plain post
//! (no wasm) that comes back with what was typed.

use crate::helpers::{changed, error_json, problem_of, spawn_demo_app, TestApp};
use app::db::with_db;
use reqwest::StatusCode;
use serde_json::Value;

fn key(n: u32) -> String {
    format!("documents-form-key-{n:05}")
}

/// The tax certificate as the demo patient fills it in, with `changes`.
fn tax_form<'a>(key: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let form = vec![
        ("idempotency_key", key),
        ("document_type", "tax_deduction_certificate"),
        ("taxpayer_name", "Смирнов Михаил Андреевич"),
        ("patient_name", "Смирнова Анна Сергеевна"),
        ("relation", "spouse"),
        ("taxpayer_inn", "500100732259"),
        ("tax_year", "2025"),
        ("period_from", ""),
        ("period_until", ""),
        ("delivery", "email"),
        ("clinic", ""),
        ("english_translation", "on"),
        ("comment", "Для ИФНС"),
    ];
    changed(form, changes)
}

async fn count(app: &TestApp) -> i64 {
    with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM patient_requests WHERE kind = 'document'")
            .fetch_one(pool)
            .await
    })
    .unwrap()
}

#[tokio::test]
async fn a_tax_certificate_request_goes_to_medical_records_with_its_payer_and_year() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let k = key(1);
    let response = app
        .post_form("/api/documents/send", &tax_form(&k, &[]))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let number: String = app
        .post_form("/api/documents/send", &tax_form(&k, &[]))
        .await
        .json()
        .await
        .unwrap();
    let (department, content): (String, String) = with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT d.code, r.content FROM patient_requests r JOIN departments d ON d.id = r.department_id WHERE r.number = $1",
        )
        .bind(&number)
        .fetch_one(pool)
        .await
    })
    .unwrap();
    assert_eq!(department, "medical_records");
    let content: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["version"], 2);
    assert_eq!(content["taxpayer_inn"], "500100732259");
    assert_eq!(content["period_from"], "2025-01-01");
    assert_eq!(content["period_until"], "2025-12-31");
    assert_eq!(content["english_translation"], true);
    let (_, page) = app.get_html(&format!("/requests/{number}")).await;
    for fact in [
        "Справка для оформления налогового вычета",
        "Смирнов Михаил Андреевич",
        "супруг(а)",
        "01.01.2025 – 31.12.2025",
    ] {
        assert!(page.contains(fact), "{fact}");
    }
    let (_, list) = app.get_html("/documents?tab=list").await;
    assert!(list.contains(&number));
}

/// What a form changes, the field at fault, and the problem named there.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

#[tokio::test]
async fn every_document_rule_is_named_at_its_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let before = count(&app).await;
    let k = key(2);
    let cases: Vec<Case> = vec![
        (
            vec![("taxpayer_inn", "50010073225")],
            "taxpayer_inn",
            "inn_length",
        ),
        (
            vec![("taxpayer_inn", "5001007322591")],
            "taxpayer_inn",
            "inn_length",
        ),
        (
            vec![("taxpayer_inn", "50010073225O")],
            "taxpayer_inn",
            "inn_not_digits",
        ),
        (
            vec![("taxpayer_inn", "500100732258")],
            "taxpayer_inn",
            "inn_checksum",
        ),
        (
            vec![("taxpayer_inn", "500100732269")],
            "taxpayer_inn",
            "inn_checksum",
        ),
        (vec![("taxpayer_inn", "")], "taxpayer_inn", "required"),
        (vec![("taxpayer_name", " ")], "taxpayer_name", "required"),
        (vec![("relation", "cousin")], "relation", "choice_invalid"),
        (vec![("tax_year", "2019")], "tax_year", "choice_invalid"),
        (
            vec![
                ("tax_year", ""),
                ("period_from", "2019-01-01"),
                ("period_until", "2019-12-31"),
            ],
            "period_from",
            "tax_period_too_old",
        ),
        (
            vec![
                ("tax_year", ""),
                ("period_from", "2026-10-01"),
                ("period_until", "2026-12-31"),
            ],
            "period_until",
            "date_in_future",
        ),
        (
            vec![
                ("tax_year", ""),
                ("period_from", "2025-10-01"),
                ("period_until", "2025-01-31"),
            ],
            "period_until",
            "period_reversed",
        ),
        (vec![("delivery", "in_clinic")], "clinic", "required"),
        (vec![("delivery", "")], "delivery", "required"),
        (
            vec![("document_type", "passport")],
            "document_type",
            "choice_invalid",
        ),
    ];
    for (changes, field, problem) in cases {
        let response = app
            .post_form("/api/documents/send", &tax_form(&k, &changes))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let error = error_json(response).await;
        assert_eq!(
            problem_of(&error, field).as_deref(),
            Some(problem),
            "{changes:?}: {error}"
        );
    }
    assert_eq!(count(&app).await, before, "nothing written");
}

#[tokio::test]
async fn the_email_choice_names_the_agreements_address_and_is_closed_without_one() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/documents?type=lab_results").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("anna.smirnova@example.ru"),
        "the agreement's e-mail is named"
    );
    assert!(html.contains("Изменить этот адрес может только клиника"));
    let (_, tax) = app
        .get_html("/documents?type=tax_deduction_certificate")
        .await;
    for field in [
        "ФИО налогоплательщика",
        "ИНН налогоплательщика",
        "Степень родства",
        r#"data-check="inn""#,
        "2021",
        "value=\"Смирнова Анна Сергеевна\"",
    ] {
        assert!(tax.contains(field), "{field}");
    }
    let (_, none) = app.get_html("/documents").await;
    assert!(none.contains("Выберите тип документа") && !none.contains(r#"name="delivery""#));

    // The second patient's agreement has no e-mail: the choice is closed
    // on the page and refused by the server.
    let other = app.second_patient().await;
    app.execute_sql("UPDATE service_agreements SET email = '' WHERE number = 'ДС-2026-0300'")
        .await;
    let html =
        crate::helpers::markup_of(app.get_as(&other, "/documents?type=record_copy").await).await;
    let email_radio = html.find(r#"value="email""#).unwrap();
    let input = &html[html[..email_radio].rfind("<input").unwrap()..email_radio + 40];
    assert!(input.contains("disabled"), "{input}");
    assert!(html.contains("нет e-mail"));
    let k = key(3);
    let form = [
        ("idempotency_key", k.as_str()),
        ("document_type", "record_copy"),
        ("period_from", "2026-01-01"),
        ("period_until", "2026-02-01"),
        ("delivery", "email"),
    ];
    let refused = app.post_form_as(&other, "/api/documents/send", &form).await;
    assert_eq!(
        problem_of(&error_json(refused).await, "delivery").as_deref(),
        Some("no_agreement_email")
    );
    let picked = [
        ("idempotency_key", k.as_str()),
        ("document_type", "record_copy"),
        ("period_from", "2026-01-01"),
        ("period_until", "2026-02-01"),
        ("delivery", "in_clinic"),
        ("clinic", "orlovsky"),
    ];
    assert_eq!(
        app.post_form_as(&other, "/api/documents/send", &picked)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn without_javascript_a_wrong_inn_comes_back_with_everything_typed() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let before = count(&app).await;
    let k = key(4);
    let typed = tax_form(
        &k,
        &[
            ("taxpayer_inn", "500100732258"),
            ("comment", "Нужна к 1 марта"),
        ],
    );
    let page = "/documents?type=tax_deduction_certificate";
    let response = app
        .post_plain_form("/api/documents/send", page, &typed)
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let (_, html) = app.get_html(&location[app.address.len()..]).await;
    assert!(
        html.contains("контрольные цифры не сходятся"),
        "the message at the field"
    );
    for kept in [
        "Смирнов Михаил Андреевич",
        "500100732258",
        "Нужна к 1 марта",
    ] {
        assert!(html.contains(kept), "{kept} kept");
    }
    assert_eq!(count(&app).await, before);
}

/// The demo's finished discharge summary: its number and its file's id.
async fn finished_document(app: &TestApp) -> (String, i64) {
    with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT r.number, a.id FROM request_attachments a \
             JOIN patient_requests r ON r.id = a.request_id ORDER BY a.id LIMIT 1",
        )
        .fetch_one(pool)
        .await
    })
    .unwrap()
}

const DEMO_PDF: &[u8] = include_bytes!("../../demo/discharge-summary.pdf");

async fn audited_downloads(app: &TestApp) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| *a == "attachment_downloaded")
        .count()
}

#[tokio::test]
async fn a_finished_document_is_downloaded_by_its_patient_and_its_department_only_and_every_download_is_audited(
) {
    let app = spawn_demo_app().await;
    let (number, id) = finished_document(&app).await;
    let path = format!("/requests/{number}/files/{id}");

    // Signed out: to the sign-in page.
    let anonymous = crate::helpers::bare_client()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);

    app.sign_in_demo_patient().await;
    let (_, page) = app.get_html(&format!("/requests/{number}")).await;
    assert!(
        page.contains(&format!("files/{id}")) && page.contains("Выписной эпикриз.pdf"),
        "{page}"
    );
    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"document-{digits}-{id}.pdf\"").as_str()
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        DEMO_PDF,
        "the very bytes"
    );
    assert_eq!(audited_downloads(&app).await, 1);

    // Another patient, a guessed id, another department's operator: not found.
    let other = app.second_patient().await;
    assert_eq!(
        app.get_as(&other, &path).await.status(),
        StatusCode::NOT_FOUND
    );
    let guessed = format!("/requests/{number}/files/{}", id + 1);
    assert_eq!(app.get(&guessed).await.status(), StatusCode::NOT_FOUND);
    let operator = app
        .staff_client(
            server::demo::OPERATOR_LOGIN,
            server::demo::OPERATOR_PASSWORD,
        )
        .await;
    let staff_path = format!("/admin/requests/{number}/files/{id}");
    assert_eq!(
        app.get_as(&operator, &staff_path).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_as(&operator, &path).await.status(),
        StatusCode::SEE_OTHER,
        "a patient's address is not staff's"
    );
    let admin = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let by_admin = app.get_as(&admin, &staff_path).await;
    assert_eq!(by_admin.status(), StatusCode::OK);
    assert_eq!(by_admin.bytes().await.unwrap().as_ref(), DEMO_PDF);
    assert_eq!(
        audited_downloads(&app).await,
        2,
        "only what was served is recorded"
    );
}

/// The demo's tax certificate, in progress at medical records.
async fn certificate_in_progress(app: &TestApp) -> String {
    with_db!(&app.db, pool => {
        sqlx::query_scalar(
            "SELECT number FROM patient_requests WHERE kind = 'document' AND status = 'in_progress'",
        )
        .fetch_one(pool)
        .await
    })
    .unwrap()
}

/// A one-page PDF whose catalog also holds `extra`.
pub(crate) fn pdf_with(extra: lopdf::Dictionary) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object};
    let mut document = Document::with_version("1.5");
    let pages = document.new_object_id();
    let page = document.add_object(dictionary! { "Type" => "Page", "Parent" => pages });
    document.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages };
    for (key, value) in extra {
        catalog.set(key, value);
    }
    let root = document.add_object(catalog);
    document.trailer.set("Root", root);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

/// Uploads `files` (name, bytes) to the request as `staff`: where the
/// server sends the browser back to.
pub(crate) async fn upload(
    app: &TestApp,
    staff: &reqwest::Client,
    number: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> String {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let response = staff
        .post(format!(
            "{}/admin/requests/{number}/attachments",
            app.address
        ))
        .header("origin", &app.address)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.status()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn staff_attach_only_plain_pdfs_within_the_limit_to_requests_of_their_department() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.demo = true;
        config.attachment_max_bytes = 30_000;
    })
    .await;
    let admin = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let number = certificate_in_progress(&app).await;
    let count = || async {
        with_db!(&app.db, pool => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM request_attachments")
                .fetch_one(pool)
                .await
        })
        .unwrap()
    };
    let before = count().await;
    use lopdf::{dictionary, Object};
    let script = pdf_with(
        dictionary! { "OpenAction" => dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") } },
    );
    let launch = pdf_with(
        dictionary! { "OpenAction" => dictionary! { "S" => "Launch", "F" => Object::string_literal("calc.exe") } },
    );
    let embedded = pdf_with(
        dictionary! { "Names" => dictionary! { "EmbeddedFiles" => dictionary! { "Names" => Vec::<Object>::new() } } },
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("script.pdf", script, "pdf_active_content"),
        ("launch.pdf", launch, "pdf_active_content"),
        ("embedded.pdf", embedded, "pdf_active_content"),
        (
            "page.html",
            b"<html><script>alert(1)</script>".to_vec(),
            "file_type_not_allowed",
        ),
        (
            "fake.pdf",
            b"%PDF-1.7 not really".to_vec(),
            "file_type_not_allowed",
        ),
        (
            "big.pdf",
            [DEMO_PDF, &vec![b' '; 20_000]].concat(),
            "file_too_large",
        ),
    ];
    for (name, bytes, problem) in cases {
        let location = upload(&app, &admin, &number, vec![(name, bytes)]).await;
        assert!(
            location.ends_with(&format!("attach_error={problem}")),
            "{name}: {location}"
        );
    }
    assert_eq!(count().await, before, "nothing refused was kept");
    let (_, page) = app
        .get_html_as(
            &admin,
            &format!("/admin/requests/{number}?attach_error=pdf_active_content"),
        )
        .await;
    assert!(
        page.contains("JavaScript, запуск программ"),
        "the page says why"
    );

    // A name with CR/LF breaks the form's own headers: refused whole.
    let plain = pdf_with(lopdf::Dictionary::new());
    let crlf = "a\r\nX-Injected: y.pdf";
    let location = upload(&app, &admin, &number, vec![(crlf, plain.clone())]).await;
    assert!(
        location.ends_with("attach_error=upload_unreadable"),
        "{location}"
    );
    assert_eq!(count().await, before);
    // A path and quotes (as a browser escapes them) leave the last
    // segment as text; the file downloads under the server's name anyway.
    let hostile = "..\\..\\%22evil%22'.pdf";
    let location = upload(&app, &admin, &number, vec![(hostile, plain.clone())]).await;
    assert!(location.ends_with("attached=1"), "{location}");
    let name: String = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT file_name FROM request_attachments ORDER BY id DESC LIMIT 1")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(name, "%22evil%22.pdf");

    // The contact centre's operator cannot attach to medical records' request.
    let operator = app
        .staff_client(
            server::demo::OPERATOR_LOGIN,
            server::demo::OPERATOR_PASSWORD,
        )
        .await;
    let mut form = reqwest::multipart::Form::new();
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(plain).file_name("a.pdf"),
    );
    let refused = operator
        .post(format!(
            "{}/admin/requests/{number}/attachments",
            app.address
        ))
        .header("origin", &app.address)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn a_document_asked_by_email_is_done_only_with_its_pdf_which_is_mailed_to_the_agreements_address(
) {
    use base64::Engine as _;
    let app = spawn_demo_app().await;
    let admin = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let number = certificate_in_progress(&app).await;
    let done = [
        ("number", number.as_str()),
        ("status", "done"),
        ("comment", ""),
    ];
    let refused = app
        .post_form_as(&admin, "/api/admin/requests/status", &done)
        .await;
    assert_eq!(
        problem_of(&error_json(refused).await, "status").as_deref(),
        Some("document_not_attached")
    );

    let pdf = pdf_with(lopdf::Dictionary::new());
    let location = upload(&app, &admin, &number, vec![("Справка.pdf", pdf.clone())]).await;
    assert!(location.ends_with("attached=1"), "{location}");
    let before = app.outbox().await.len();
    let moved = app
        .post_form_as(&admin, "/api/admin/requests/status", &done)
        .await;
    assert_eq!(
        moved.status(),
        StatusCode::OK,
        "{}",
        moved.text().await.unwrap()
    );
    let mail = app.outbox().await;
    assert_eq!(
        mail.len(),
        before + 1,
        "one mail: the document, not a status notice too"
    );
    let sent = mail.last().unwrap();
    assert_eq!(sent.kind, "document_ready");
    assert_eq!(
        sent.recipient, "anna.smirnova@example.ru",
        "the agreement's e-mail"
    );
    assert_eq!(sent.subject, format!("Заявка {number}: документ готов"));

    assert!(app.deliver_mail().await >= 1);
    let eml = std::fs::read_dir(app.outbox.path())
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .find(|text| {
            text.contains("document_ready") || text.contains("Content-Disposition: attachment")
        })
        .expect("the delivered message");
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    assert!(
        eml.contains(&format!("filename=\"document-{digits}-")),
        "{eml}"
    );
    let first_line = base64::engine::general_purpose::STANDARD.encode(&pdf[..57]);
    assert!(
        eml.contains(&first_line),
        "the PDF's own bytes are attached"
    );
    assert!(
        !eml.contains("500100732259"),
        "no detail beyond the document's type"
    );
}

#[tokio::test]
async fn a_document_to_pick_up_is_announced_with_the_clinic_its_address_and_the_day() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (_, page) = app.get_html("/documents").await;
    assert!(
        page.contains("Отправить запрос") && page.contains("Список запросов"),
        "the manual's tabs"
    );
    let k = key(7);
    let form = [
        ("idempotency_key", k.as_str()),
        ("document_type", "surgery_extract"),
        ("period_from", "2026-10-01"),
        ("period_until", "2026-10-31"),
        ("delivery", "in_clinic"),
        ("clinic", "orlovsky"),
    ];
    let number: String = app
        .post_form("/api/documents/send", &form)
        .await
        .json()
        .await
        .unwrap();
    let admin = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let done = [
        ("number", number.as_str()),
        ("status", "done"),
        ("comment", ""),
    ];
    let moved = app
        .post_form_as(&admin, "/api/admin/requests/status", &done)
        .await;
    assert_eq!(
        moved.status(),
        StatusCode::OK,
        "nothing to attach for a pick-up"
    );
    let mail = app.outbox().await;
    let sent = mail.last().unwrap();
    assert_eq!(sent.kind, "document_ready");
    assert!(
        sent.text_body.contains("Выписка (после операции)"),
        "{}",
        sent.text_body
    );
    assert!(
        sent.text_body
            .contains("Клиника на Орловском (Москва, Орловский пер., 7) с 26.11.2026"),
        "{}",
        sent.text_body
    );
}

#[tokio::test]
async fn a_document_mail_whose_file_cannot_be_read_waits_and_carries_it_once_it_can() {
    use base64::Engine as _;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().to_path_buf();
    let app = crate::helpers::spawn_app_with(|config| {
        config.demo = true;
        config.attachments = app::requests::attachments::AttachmentStore::Folder(path);
    })
    .await;
    let admin = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let number = certificate_in_progress(&app).await;
    let pdf = pdf_with(lopdf::Dictionary::new());
    upload(&app, &admin, &number, vec![("Справка.pdf", pdf.clone())]).await;
    let done = [
        ("number", number.as_str()),
        ("status", "done"),
        ("comment", ""),
    ];
    let moved = app
        .post_form_as(&admin, "/api/admin/requests/status", &done)
        .await;
    assert_eq!(moved.status(), StatusCode::OK);

    // The file is gone from its folder for a while: the attempt fails and
    // the message waits, still naming the file.
    let stored: String = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT stored_name FROM request_attachments ORDER BY id DESC LIMIT 1")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    let file = folder.path().join(&stored);
    let aside = folder.path().join("aside");
    std::fs::rename(&file, &aside).unwrap();
    app.deliver_mail().await;
    let waiting = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.kind == "document_ready")
        .unwrap();
    assert_eq!(
        (waiting.attempts, waiting.sent_at),
        (1, None),
        "{waiting:?}"
    );
    assert!(waiting.last_error.is_some_and(|e| e.contains("attachment")));

    // Back in place, the next attempt carries the very bytes.
    std::fs::rename(&aside, &file).unwrap();
    app.clock.advance(chrono::Duration::minutes(5));
    app.deliver_mail().await;
    let sent = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.kind == "document_ready")
        .unwrap();
    assert!(sent.sent_at.is_some(), "{sent:?}");
    let first_line = base64::engine::general_purpose::STANDARD.encode(&pdf[..57]);
    let delivered = std::fs::read_dir(app.outbox.path())
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .any(|eml| eml.contains(&first_line));
    assert!(delivered, "the PDF travelled with the retried message");
}
