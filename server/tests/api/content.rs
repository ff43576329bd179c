//! «Новости ЕМС» and «Акции ЕМС»: only editors write, patients see what is
//! published from its date (promotions only while they run), the editors'
//! text is made safe, and pictures are checked by their bytes.

use crate::helpers::{error_json, markup_of, problem_of, spawn_demo_app, TestApp};
use reqwest::StatusCode;

async fn admin(app: &TestApp) -> reqwest::Client {
    app.staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await
}

/// Saves a news item as `staff`: its id.
async fn save(
    app: &TestApp,
    staff: &reqwest::Client,
    title: &str,
    body: &str,
    publish_on: &str,
) -> i64 {
    let response = app
        .post_form_as(
            staff,
            "/api/admin/content/save",
            &[
                ("id", ""),
                ("kind", "news"),
                ("title", title),
                ("body", body),
                ("publish_on", publish_on),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn publish(app: &TestApp, staff: &reqwest::Client, id: i64, on: bool) {
    let response = app
        .post_form_as(
            staff,
            "/api/admin/content/publish",
            &[("id", &id.to_string()), ("publish", &on.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_editors_write_and_patients_see_what_is_published_from_its_date() {
    let app = spawn_demo_app().await;
    let operator = app
        .staff_client(
            server::demo::OPERATOR_LOGIN,
            server::demo::OPERATOR_PASSWORD,
        )
        .await;
    let refused = app
        .post_form_as(
            &operator,
            "/api/admin/content/save",
            &[
                ("id", ""),
                ("kind", "news"),
                ("title", "x"),
                ("body", "y"),
                ("publish_on", "2026-11-26"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.sign_in_demo_patient().await;
    let as_patient = app
        .post_form(
            "/api/admin/content/save",
            &[
                ("id", ""),
                ("kind", "news"),
                ("title", "x"),
                ("body", "y"),
                ("publish_on", "2026-11-26"),
            ],
        )
        .await;
    assert_eq!(as_patient.status(), StatusCode::UNAUTHORIZED);

    let editor = admin(&app).await;
    let mistakes = app
        .post_form_as(
            &editor,
            "/api/admin/content/save",
            &[
                ("id", ""),
                ("kind", "promotion"),
                ("title", ""),
                ("body", "y"),
                ("publish_on", "завтра"),
                ("valid_from", "2026-12-10"),
                ("valid_until", "2026-12-01"),
            ],
        )
        .await;
    let mistakes = error_json(mistakes).await;
    assert_eq!(problem_of(&mistakes, "title").as_deref(), Some("required"));
    assert_eq!(
        problem_of(&mistakes, "publish_on").as_deref(),
        Some("date_invalid")
    );
    assert_eq!(
        problem_of(&mistakes, "valid_until").as_deref(),
        Some("period_reversed")
    );

    let today = save(
        &app,
        &editor,
        "Клиника открыла кабинет УЗИ",
        "Текст новости.",
        "2026-11-26",
    )
    .await;
    let later = save(&app, &editor, "Новость на завтра", "Текст.", "2026-11-27").await;
    let (_, html) = app.get_html("/news").await;
    assert!(
        !html.contains("Клиника открыла кабинет УЗИ"),
        "not published yet"
    );
    let (status, _) = app.get_html(&format!("/news/{today}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    publish(&app, &editor, today, true).await;
    publish(&app, &editor, later, true).await;
    let (_, html) = app.get_html("/news").await;
    assert!(html.contains("Клиника открыла кабинет УЗИ"));
    assert!(!html.contains("Новость на завтра"), "not before its date");
    assert!(
        html.find("Клиника открыла кабинет УЗИ").unwrap()
            < html.find("Новогодние часы работы").unwrap(),
        "newest first"
    );
    let (status, page) = app.get_html(&format!("/news/{today}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Текст новости."));
    publish(&app, &editor, today, false).await;
    let (status, _) = app.get_html(&format!("/news/{today}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "withdrawn");
    let audit = app.audit_actions().await;
    assert!(audit.iter().filter(|a| *a == "content_saved").count() == 2);
    assert!(audit.iter().any(|a| a == "content_withdrawn"));
}

#[tokio::test]
async fn html_and_scripts_in_the_editors_text_are_shown_as_text_and_never_run() {
    let app = spawn_demo_app().await;
    let editor = admin(&app).await;
    let body = "**Важно**: <script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[жми](javascript:alert(1)) и [сайт](https://emcmos.ru)";
    let id = save(
        &app,
        &editor,
        "Проверка <b>разметки</b>",
        body,
        "2026-11-26",
    )
    .await;
    publish(&app, &editor, id, true).await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html(&format!("/news/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>Важно</strong>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert"), "the script is text");
    assert!(!html.contains("<script>alert"), "and never a script");
    assert!(!html.contains("<img src=\"x\"") && !html.contains("<img src=x"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(html.contains("<a href=\"https://emcmos.ru\">сайт</a>"));
    assert!(
        html.contains("Проверка &lt;b&gt;разметки&lt;/b&gt;"),
        "the title too"
    );
    // The editor's preview is made the same way, and the form holds the
    // text as text.
    let preview = markup_of(app.get_as(&editor, &format!("/admin/content/{id}")).await).await;
    assert!(
        preview
            .contains("<div class=\"content-text\"><p><strong>Важно</strong>: &lt;script&gt;alert"),
        "{preview}"
    );
    assert!(!preview.contains("<script>alert"), "{preview}");
}

#[tokio::test]
async fn only_promotions_running_today_are_shown_and_an_ended_one_is_not_found() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html("/promotions").await;
    assert!(html.contains("Check-up «Здоровое сердце» со скидкой 15 %"));
    assert!(html.contains("Семейная вакцинация"));
    assert!(
        html.contains("Действует с 16.11.2026 по 16.12.2026"),
        "{html}"
    );
    assert!(!html.contains("Осенний check-up"), "ended five days ago");
    let ended: i64 = app::db::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT id FROM content_items WHERE title LIKE 'Осенний%'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    let (status, page) = app.get_html(&format!("/promotions/{ended}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("щитовидной"));
    // A news item is not a promotion, nor the other way round.
    let (status, _) = app.get_html("/news/6").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A day after its last day, the first promotion is gone too.
    app.clock.advance(chrono::Duration::days(21));
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html("/promotions").await;
    assert!(!html.contains("Здоровое сердце") && html.contains("Семейная вакцинация"));
}

#[tokio::test]
async fn news_come_newest_first_ten_to_a_page() {
    let app = spawn_demo_app().await;
    let editor = admin(&app).await;
    for n in 1..=8 {
        let id = save(
            &app,
            &editor,
            &format!("Новость номер {n:02}"),
            "Текст.",
            &format!("2026-11-{:02}", 10 + n),
        )
        .await;
        publish(&app, &editor, id, true).await;
    }
    app.sign_in_demo_patient().await;
    let (_, first) = app.get_html("/news").await;
    assert_eq!(first.matches("class=\"card content-card\"").count(), 10);
    assert!(first.contains("Страница 1 из 2") && first.contains("href=\"/news?page=2\""));
    assert!(
        first.find("Новогодние часы работы").unwrap() < first.find("Новость номер 08").unwrap()
    );
    assert!(first.find("Новость номер 08").unwrap() < first.find("Новость номер 07").unwrap());
    let (_, second) = app.get_html("/news?page=2").await;
    assert_eq!(second.matches("class=\"card content-card\"").count(), 3);
    let (status, mistyped) = app.get_html("/news?page=zero").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        mistyped.contains("Страница 1 из 2"),
        "a mistyped page shows the first"
    );
}

#[tokio::test]
async fn a_picture_is_taken_only_as_png_jpeg_or_webp_and_served_by_its_hash_for_good() {
    let app = spawn_demo_app().await;
    let editor = admin(&app).await;
    let id = save(&app, &editor, "С картинкой", "Текст.", "2026-11-26").await;
    publish(&app, &editor, id, true).await;
    let upload = |client: reqwest::Client, name: &'static str, bytes: Vec<u8>| {
        let address = app.address.clone();
        async move {
            let form = reqwest::multipart::Form::new().part(
                "picture",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            client
                .post(format!("{address}/admin/content/{id}/picture"))
                .header("origin", &address)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let svg = upload(
        editor.clone(),
        "x.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
    )
    .await;
    assert_eq!(svg.status(), StatusCode::SEE_OTHER);
    assert!(svg.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("picture_error=file_type_not_allowed"));
    let operator = app
        .staff_client(
            server::demo::OPERATOR_LOGIN,
            server::demo::OPERATOR_PASSWORD,
        )
        .await;
    assert_eq!(
        upload(operator, "x.png", png.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let done = upload(editor.clone(), "x.png", png.clone()).await;
    assert!(done.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("saved=1"));

    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html(&format!("/news/{id}")).await;
    let sha = app::security::sha256_hex(&png);
    assert!(
        html.contains(&format!("src=\"/content/pictures/{sha}\"")),
        "{html}"
    );
    let picture = app.get(&format!("/content/pictures/{sha}")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert_eq!(
        picture.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(picture.bytes().await.unwrap().to_vec(), png);
    assert_eq!(
        app.get("/content/pictures/nothing").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_text_holding_a_closing_textarea_comes_back_into_the_form_as_text_not_markup() {
    let app = spawn_demo_app().await;
    let editor = admin(&app).await;
    let id = save(
        &app,
        &editor,
        "T",
        "</textarea><b>жирный</b> & ещё",
        "2026-11-26",
    )
    .await;
    let page = markup_of(app.get_as(&editor, &format!("/admin/content/{id}")).await).await;
    assert!(
        page.contains("&lt;/textarea&gt;&lt;b&gt;жирный&lt;/b&gt; &amp; ещё</textarea>"),
        "{page}"
    );
    assert!(!page.contains("</textarea><b>жирный</b>"));
}
