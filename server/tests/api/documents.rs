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
