//! «Результаты анализов и исследований», «Финансы» and «Главная» as the
//! MIS feeds them: idempotent pushes of results and balances, a result in
//! progress invisible, who may download which PDF, trends, radiology
//! report requests, money to the kopeck, and the start page. The demo's
//! clock stands at 26.11.2026 12:00 Moscow time.

use crate::documents::pdf_with;
use crate::helpers::{error_json, markup_of, problem_of, spawn_demo_app, TestApp};
use crate::mis_api::{count, mis_token, put};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn order(id: &str, status: &str, hgb: &str) -> Value {
    json!({
        "id": id,
        "patient_id": "MIS-100001",
        "taken_on": "2026-11-25",
        "lab": "Лаборатория ЕМС",
        "panel": "Ферритин и железо",
        "status": status,
        "analytes": [
            {"code": "FERR", "name": "Ферритин", "value": {"number": hgb}, "unit": "мкг/л",
             "reference": {"low": "10", "high": "120"}},
            {"code": "FE", "name": "Железо сывороточное", "value": {"number": "5.40"}, "unit": "мкмоль/л",
             "reference": {"low": "9.0", "high": "30.4"}, "flag": "low"},
            {"code": "NOTE", "name": "Гемолиз", "value": {"text": "не обнаружен"},
             "reference": {"text": "не обнаружен"}}
        ]
    })
}

async fn id_of_order(app: &TestApp, mis_id: &'static str) -> i64 {
    app::db::with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM lab_orders WHERE mis_id = $1")
            .bind(mis_id)
            .fetch_one(pool)
            .await
    })
    .unwrap()
}

#[tokio::test]
async fn a_result_in_progress_is_invisible_and_once_ready_is_shown_and_announced_once() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    app.sign_in_demo_patient().await;
    let mails = app.outbox().await.len();

    let batch = json!({"lab_results": [order("L-9001", "in_progress", "42")]});
    let (status, written) = put(&app, &token, "/api/v1/lab-results", batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written, json!({"received": 1, "changed": 1}));
    let (_, again) = put(&app, &token, "/api/v1/lab-results", batch).await;
    assert_eq!(
        again,
        json!({"received": 1, "changed": 0}),
        "the same again writes nothing"
    );
    let (_, html) = app.get_html("/results").await;
    assert!(
        !html.contains("Ферритин и железо"),
        "in progress: not shown"
    );
    let id = id_of_order(&app, "L-9001").await;
    let (status, _) = app.get_html(&format!("/results/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.outbox().await.len(),
        mails,
        "nobody is told of a result in progress"
    );

    // Later, the laboratory finishes.
    app.clock.advance(chrono::Duration::minutes(5));
    let ready = json!({"lab_results": [order("L-9001", "ready", "42")]});
    let (_, written) = put(&app, &token, "/api/v1/lab-results", ready.clone()).await;
    assert_eq!(written, json!({"received": 1, "changed": 1}));
    let (_, again) = put(&app, &token, "/api/v1/lab-results", ready).await;
    assert_eq!(again["changed"], 0);
    let mail = app.outbox().await;
    assert_eq!(mail.len(), mails + 1, "one mail, not one per push");
    let sent = mail.last().unwrap();
    assert_eq!(sent.kind, "results_ready");
    assert_eq!(sent.recipient, "anna.smirnova@example.ru");
    for detail in ["Ферритин", "42", "Железо", "5.40", "Смирнова"] {
        assert!(
            !sent.text_body.contains(detail),
            "no medical or personal detail: {detail}"
        );
    }

    // Corrected by the MIS while ready: written, but not announced again.
    let corrected = json!({"lab_results": [order("L-9001", "ready", "44")]});
    let (_, written) = put(&app, &token, "/api/v1/lab-results", corrected).await;
    assert_eq!(written["changed"], 1);
    assert_eq!(app.outbox().await.len(), mails + 1);

    let (_, html) = app.get_html("/results").await;
    assert!(
        html.contains("Ферритин и железо") && html.contains("25.11.2026"),
        "{html}"
    );
    assert!(html.contains("Новый"), "new since the last look");
    let (status, html) = app.get_html(&format!("/results/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "44",
        "мкг/л",
        "10–120",
        "5,40",
        "9,0–30,4",
        "↓ ниже нормы",
        "не обнаружен",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    assert!(
        !html.contains("Смирнова"),
        "no personal data on the result's page"
    );
    // Looked at: no longer new.
    let (_, html) = app.get_html("/results").await;
    assert!(!html.contains("Новый"), "{html}");
}

#[tokio::test]
async fn bad_results_are_refused_at_their_field_and_nothing_of_the_batch_is_written() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let before = count(&app, "SELECT COUNT(*) FROM lab_orders").await;
    let mut bad = order("L-9002", "ready", "1e3");
    let good = order("L-9003", "ready", "50");
    let (status, error) = put(
        &app,
        &token,
        "/api/v1/lab-results",
        json!({"lab_results": [good.clone(), bad.clone()]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "lab_results[1].analytes[0].value.number");
    // A value as a JSON number is refused: decimals travel as text.
    bad["analytes"][0]["value"] = json!({"number": 12.5});
    let (status, _) = put(
        &app,
        &token,
        "/api/v1/lab-results",
        json!({"lab_results": [bad.clone()]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    bad["analytes"][0]["value"] = json!({"number": "50"});
    bad["analytes"][0]["reference"] = json!({"low": "120", "high": "10"});
    let (_, error) = put(
        &app,
        &token,
        "/api/v1/lab-results",
        json!({"lab_results": [bad.clone()]}),
    )
    .await;
    assert_eq!(error["field"], "lab_results[0].analytes[0].reference.high");
    bad["analytes"][0]["reference"] = json!({"low": "10"});
    bad["patient_id"] = json!("MIS-NOBODY");
    let (_, error) = put(
        &app,
        &token,
        "/api/v1/lab-results",
        json!({"lab_results": [good, bad]}),
    )
    .await;
    assert_eq!(error["field"], "lab_results[1].patient_id");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM lab_orders").await,
        before,
        "all or nothing"
    );
}

#[tokio::test]
async fn every_result_download_answers_only_its_own_patient_and_is_audited() {
    use base64::Engine as _;
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let lab_pdf = pdf_with(lopdf::Dictionary::new());
    let mut with_pdf = order("L-9004", "ready", "60");
    with_pdf["pdf_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&lab_pdf));
    let batch = json!({"lab_results": [order("L-9005", "ready", "61"), with_pdf, order("L-9006", "in_progress", "62")]});
    let (status, written) = put(&app, &token, "/api/v1/lab-results", batch).await;
    assert_eq!(status, StatusCode::OK, "{written}");
    let made = id_of_order(&app, "L-9005").await;
    let sent = id_of_order(&app, "L-9004").await;
    let in_progress = id_of_order(&app, "L-9006").await;
    let path = |id: i64| format!("/results/{id}/result.pdf");

    // Signed out: to the sign-in page.
    let response = crate::helpers::bare_client()
        .get(format!("{}{}", app.address, path(made)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    app.sign_in_demo_patient().await;
    let response = app.get(&path(made)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"lab-result-{made}.pdf\"")
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = lopdf::Document::load_mem(&bytes)
        .unwrap()
        .extract_text(&[1])
        .unwrap();
    for shown in [
        "Результаты анализов",
        "Ферритин и железо",
        "Железо сывороточное",
        "5,40",
        "ниже нормы",
    ] {
        assert!(text.contains(shown), "{shown} not in {text:?}");
    }
    assert!(!text.contains("Смирнова"), "no personal data in the PDF");
    let response = app.get(&path(sent)).await;
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        lab_pdf.as_slice(),
        "the laboratory's own PDF"
    );
    for (id, why) in [(in_progress, "in progress"), (999_999, "no such result")] {
        assert_eq!(
            app.get(&path(id)).await.status(),
            StatusCode::NOT_FOUND,
            "{why}"
        );
    }
    assert_eq!(
        app.get("/results/x/result.pdf").await.status(),
        StatusCode::NOT_FOUND
    );
    let downloads = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "result_downloaded")
        .count();
    assert_eq!(downloads, 2);

    // Another patient, and staff, are not the patient.
    let other = app.second_patient().await;
    assert_eq!(
        app.get_as(&other, &path(made)).await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, page) = {
        let response = app.get_as(&other, &format!("/results/{made}")).await;
        (response.status(), markup_of(response).await)
    };
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Ферритин"));
    let staff = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let response = app.get_as(&staff, &path(made)).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "staff have no patient session"
    );
}

#[tokio::test]
async fn a_value_measured_several_times_has_a_trend_of_the_patients_own_values() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/results/trends/HGB").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<svg") && html.contains("class=\"band\""),
        "{html}"
    );
    assert_eq!(
        html.matches("<circle").count(),
        5,
        "five values, none out of range"
    );
    for value in ["128 г/л", "131 г/л", "125 г/л", "129 г/л", "134 г/л"] {
        assert!(html.contains(value), "the table has {value}");
    }
    let (_, cholesterol) = app.get_html("/results/trends/CHOL").await;
    assert!(cholesterol.contains("class=\"dot out\"") && cholesterol.contains("↑ выше нормы"));
    let other = app.second_patient().await;
    let response = app.get_as(&other, "/results/trends/HGB").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!markup_of(response).await.contains("128"));
}

#[tokio::test]
async fn a_radiology_report_is_asked_once_per_ready_study_and_mailed_with_its_file_when_done() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html("/results").await;
    assert!(html.contains("МРТ, коленный сустав") && html.contains("Заключение готово"));
    assert!(
        html.contains("Рентгенография, органы грудной клетки")
            && html.contains("Заключение готовится")
    );
    let ask = |study: &'static str, key: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/api/results/radiology-report",
                &[("idempotency_key", key), ("study", study)],
            )
            .await
        }
    };
    // The demo already asked about the MRI; the X-ray is not ready.
    let refused = ask("S-3001", "radiology-key-000001").await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("already_requested")
    );
    let refused = ask("S-3002", "radiology-key-000002").await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("report_not_ready")
    );
    let other = app.second_patient().await;
    let theirs = app
        .post_form_as(
            &other,
            "/api/results/radiology-report",
            &[
                ("idempotency_key", "radiology-key-000003"),
                ("study", "S-3002"),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(theirs).await, "form").as_deref(),
        Some("choice_invalid")
    );

    let ready = json!({"studies": [{
        "id": "S-3002", "patient_id": "MIS-100001", "clinic_id": "spir",
        "performed_on": "2026-11-24", "modality": "Рентгенография",
        "area": "органы грудной клетки", "report_ready": true
    }]});
    let (status, written) = put(&app, &token, "/api/v1/studies", ready).await;
    assert_eq!(
        (status, written["changed"].clone()),
        (StatusCode::OK, json!(1))
    );
    let response = ask("S-3002", "radiology-key-000004").await;
    assert_eq!(response.status(), StatusCode::OK);
    let number: String = response.json().await.unwrap();
    let (_, html) = app.get_html("/results").await;
    assert!(html.contains(&number), "the study lists its request");

    // The MIS attaches the report and closes the request, as an operator
    // would (the browser flow with an operator is in results.spec.ts).
    use base64::Engine as _;
    let done = json!({"status": "done"});
    let status_path = format!("/api/v1/requests/{number}/status");
    let (status, refused) = crate::mis_api::call(
        &app,
        &token,
        reqwest::Method::POST,
        &status_path,
        Some(done.clone()),
    )
    .await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status")),
        "nothing attached yet"
    );
    let attach_path = format!("/api/v1/requests/{number}/attachments");
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let (status, error) = crate::mis_api::call(
        &app,
        &token,
        reqwest::Method::POST,
        &attach_path,
        Some(json!({"file_name": "Заключение.pdf", "pdf_base64": encode(b"<html>")})),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pdf_base64"))
    );
    let report = pdf_with(lopdf::Dictionary::new());
    let (status, _) = crate::mis_api::call(
        &app,
        &token,
        reqwest::Method::POST,
        "/api/v1/requests/З-2026-999999/attachments",
        Some(json!({"file_name": "a.pdf", "pdf_base64": encode(&report)})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, attached) = crate::mis_api::call(
        &app,
        &token,
        reqwest::Method::POST,
        &attach_path,
        Some(json!({"file_name": "Заключение.pdf", "pdf_base64": encode(&report)})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{attached}");
    assert_eq!(attached["sha256"], app::security::sha256_hex(&report));
    let before = app.outbox().await.len();
    let (status, moved) = crate::mis_api::call(
        &app,
        &token,
        reqwest::Method::POST,
        &status_path,
        Some(done),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let mail = app.outbox().await;
    assert_eq!(mail.len(), before + 1);
    let sent = mail.last().unwrap();
    assert_eq!(
        (sent.kind.as_str(), sent.recipient.as_str()),
        ("document_ready", "anna.smirnova@example.ru")
    );
    assert!(
        sent.subject.contains(&number) && sent.text_body.contains("Заключение лучевой диагностики")
    );
    let (_, page) = app.get_html(&format!("/requests/{number}")).await;
    assert!(
        page.contains("Выполнена") && page.contains("/files/"),
        "the patient downloads it too"
    );
    // Done: another may be asked for.
    let again = ask("S-3002", "radiology-key-000005").await;
    assert_eq!(again.status(), StatusCode::OK);
}

fn balance(third_party: bool, accounts: Value) -> Value {
    json!({"balances": [{
        "patient_id": "MIS-100001", "books_on": "2026-11-23",
        "third_party_payer": third_party, "accounts": accounts
    }]})
}

#[tokio::test]
async fn balances_are_kept_to_the_kopeck_and_shown_with_the_date_and_the_lag_notice() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let accounts = json!([
        {"id": "A1", "name": "Личный счёт", "deposit": "0.10", "debt": "1000000.01",
         "invoices": [{"number": "СЧ-1", "issued_on": "2026-11-01", "amount": "1000000.01", "paid": false}]},
        {"id": "A2", "name": "Счёт по ДМС", "deposit": "0.20", "debt": "0", "invoices": []}
    ]);
    let (status, written) = put(
        &app,
        &token,
        "/api/v1/balances",
        balance(false, accounts.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{written}");
    let (_, again) = put(
        &app,
        &token,
        "/api/v1/balances",
        balance(false, accounts.clone()),
    )
    .await;
    assert_eq!(again["changed"], 0);
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html("/finance").await;
    for shown in [
        "0,30\u{a0}₽",
        "1\u{202f}000\u{202f}000,01\u{a0}₽",
        "Данные на 23.11.2026.",
        "могут отставать от учёта Клиники на 2–4 дня",
        "СЧ-1",
        "Не оплачен",
        "Оплата онлайн появится позже",
        "Счёт по ДМС",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    assert!(
        !html.contains("СЧ-2026-0412"),
        "a push replaces the figures whole"
    );

    // A third-party payer sees one figure: 0.30 − 1 000 000.01.
    let (status, written) = put(
        &app,
        &token,
        "/api/v1/balances",
        balance(true, accounts.clone()),
    )
    .await;
    assert_eq!(
        (status, written["changed"].clone()),
        (StatusCode::OK, json!(1)),
        "{written}"
    );
    let (_, html) = app.get_html("/finance").await;
    assert!(html.contains("−999\u{202f}999,71\u{a0}₽"), "{html}");
    assert!(!html.contains("Счёт по ДМС") && html.contains("могут отставать"));

    // Amounts are decimal text with at most two digits after the point.
    let mut bad = accounts.clone();
    bad[1]["deposit"] = json!("0.005");
    let (status, error) = put(&app, &token, "/api/v1/balances", balance(false, bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "balances[0].accounts[1].deposit");
    let mut float = accounts;
    float[1]["deposit"] = json!(0.2);
    let (status, _) = put(&app, &token, "/api/v1/balances", balance(false, float)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "never a JSON number"
    );
}

#[tokio::test]
async fn the_start_page_shows_each_patient_their_own_visit_new_result_open_requests_and_balance() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let other = app.second_patient().await;
    // Rendered for both at once, many times over: nothing of one page
    // leaks into the other's.
    let render = |mine: bool| {
        let (app, other) = (&app, &other);
        async move {
            let client = if mine { &app.client } else { other };
            markup_of(app.get_as(client, "/").await).await
        }
    };
    let pages = futures_util::future::join_all((0..16).map(|i| render(i % 2 == 0))).await;
    for (i, html) in pages.iter().enumerate() {
        if i % 2 == 0 {
            for shown in [
                "Здравствуйте, Анна Сергеевна!",
                "28.11.2026 10:30",
                "Петров Пётр Петрович",
                "Клиника на Спиридоньевском",
                "Общий анализ крови",
                "15\u{202f}000,00\u{a0}₽",
                "4\u{202f}350,50\u{a0}₽",
                "З-2026-",
                "href=\"/booking\"",
                // Counted in words that agree with the number.
                "<p class=\"card-count\">1 новый результат</p>",
                "<p class=\"card-count\">5 открытых заявок</p>",
            ] {
                assert!(html.contains(shown), "{shown} in {html}");
            }
            assert!(!html.contains("Пётр Ильич"));
        } else {
            assert!(html.contains("Здравствуйте, Пётр Ильич!"));
            for empty in [
                "Предстоящих визитов нет.",
                "Новых результатов нет.",
                "Открытых заявок нет.",
                "Сведений о балансе пока нет.",
            ] {
                assert!(html.contains(empty), "{empty}");
            }
            assert!(!html.contains("Анна Сергеевна") && !html.contains("Общий анализ крови"));
        }
    }
    // Once the patient looked at their results, none is new.
    app.get_html("/results").await;
    let (_, html) = app.get_html("/").await;
    assert!(html.contains("Новых результатов нет."));
}
