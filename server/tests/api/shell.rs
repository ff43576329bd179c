//! The app shell as the server renders it: language, menu, routes, 404.

use crate::helpers::{
    markup_of, spawn_app, spawn_demo_app, TestApp, TEST_CLINIC_NAME, TEST_CLINIC_PHONE,
};
use app::db::accounts;
use reqwest::StatusCode;
use server::demo;

const MENU: [(&str, &str); 12] = [
    ("/booking", "Записаться на прием/исследование"),
    ("/documents", "Запросить документы"),
    ("/calendar", "Календарь событий"),
    ("/referrals", "Действующие направления"),
    ("/results", "Результаты анализов и исследований"),
    ("/home-visit", "Вызвать врача на дом"),
    ("/news", "Новости ЕМС"),
    ("/promotions", "Акции ЕМС"),
    ("/finance", "Финансы"),
    ("/requests", "Все запросы"),
    ("/settings", "Настройки"),
    ("/feedback", "Ваши предложения"),
];

/// The demo patient, signed in.
async fn signed_in_app() -> TestApp {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    app
}

#[tokio::test]
async fn the_shell_is_russian_and_lists_the_twelve_menu_entries_in_order() {
    let app = signed_in_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<html lang=\"ru\""),
        "html lang: {}",
        &html[..html.len().min(300)]
    );
    assert!(html.contains("Главное меню"));
    let mut from = 0;
    for (path, label) in MENU {
        let link = format!("href=\"{path}\"");
        let at = html[from..]
            .find(&link)
            .unwrap_or_else(|| panic!("menu entry {label} ({path}) missing or out of order"));
        from += at;
        assert!(html[from..].contains(label), "{label}");
    }
    assert!(html.contains(TEST_CLINIC_NAME));
    assert!(html.contains(TEST_CLINIC_PHONE));
}

#[tokio::test]
async fn every_section_route_answers_with_its_heading_and_title() {
    let app = signed_in_app().await;
    for (path, label) in MENU {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.contains(&format!("<h1 class=\"page-title\">{label}</h1>")),
            "{path} heading"
        );
        assert!(
            html.contains(&format!("<title>{label} · Личный кабинет пациента</title>")),
            "{path} title"
        );
    }
}

#[tokio::test]
async fn the_sign_in_page_offers_recovery_activation_and_the_help_phone() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/login").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Вход в Личный кабинет",
        "Логин",
        "Пароль",
        "Забыли пароль?",
        "Активировать Личный кабинет",
        TEST_CLINIC_PHONE,
    ] {
        assert!(html.contains(text), "{text}");
    }
    for path in ["/activate", "/recover"] {
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_visitor_who_is_not_signed_in_is_sent_from_every_cabinet_page_to_sign_in() {
    let app = spawn_app().await;
    for path in std::iter::once("/").chain(MENU.iter().map(|(path, _)| *path)) {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(response.headers()["location"], "/login", "{path}");
    }
}

#[tokio::test]
async fn an_unknown_page_answers_404_with_a_way_home() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Страница не найдена"));
    assert!(html.contains("На главную"));
}

#[tokio::test]
async fn a_chosen_language_is_kept_in_a_cookie_and_english_renders() {
    let app = signed_in_app().await;
    let response = app
        .client
        .get(format!("{}/finance", app.address))
        .header("cookie", "i18n_pref_locale=en")
        .send()
        .await
        .unwrap();
    let html = markup_of(response).await;
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("<h1 class=\"page-title\">Finance</h1>"));
}

#[tokio::test]
async fn without_a_choice_the_browser_language_is_used_and_a_choice_beats_it() {
    let app = spawn_app().await;
    let lang_of = |accept: &'static str, cookie: &'static str| {
        let request = app
            .client
            .get(format!("{}/login", app.address))
            .header("accept-language", accept)
            .header("cookie", cookie);
        async move {
            let html = request.send().await.unwrap().text().await.unwrap();
            html.split("<html lang=\"").nth(1).unwrap()[..2].to_owned()
        }
    };
    assert_eq!(lang_of("de-DE,de;q=0.9,en;q=0.8", "").await, "en");
    assert_eq!(lang_of("en-US,en;q=0.9,ru;q=0.8", "").await, "en");
    assert_eq!(
        lang_of("de-DE,fr;q=0.9", "").await,
        "ru",
        "none of ours: Russian"
    );
    assert_eq!(lang_of("en-US,en;q=0.9", "i18n_pref_locale=ru").await, "ru");
}

#[tokio::test]
async fn a_signed_in_patient_reads_in_their_saved_language_on_any_device() {
    let app = signed_in_app().await;
    let patient = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    accounts::set_locale(&app.db, patient.patient_id, "en")
        .await
        .unwrap();
    let response = app
        .client
        .get(format!("{}/finance", app.address))
        .header("accept-language", "ru-RU,ru;q=0.9")
        .send()
        .await
        .unwrap();
    let html = markup_of(response).await;
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("<h1 class=\"page-title\">Finance</h1>"));
}

#[tokio::test]
async fn the_app_manifest_is_in_the_language_of_the_device_with_its_icons() {
    let app = spawn_app().await;
    let manifest = |accept: &'static str, cookie: &'static str| {
        let request = app
            .client
            .get(format!("{}/manifest.webmanifest", app.address))
            .header("accept-language", accept)
            .header("cookie", cookie);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                response.headers()["content-type"],
                "application/manifest+json"
            );
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let russian = manifest("de", "").await;
    assert_eq!(russian["name"], "Личный кабинет пациента");
    assert_eq!(russian["lang"], "ru");
    assert_eq!(russian["display"], "standalone");
    assert_eq!(russian["start_url"], "/");
    let icons = russian["icons"].as_array().unwrap();
    for (size, purpose) in [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ] {
        assert!(
            icons
                .iter()
                .any(|icon| icon["sizes"] == size && icon["purpose"] == purpose),
            "{size} {purpose}"
        );
    }
    let english = manifest("en-GB,en;q=0.9", "").await;
    assert_eq!(english["name"], "Patient Cabinet");
    assert_eq!(english["lang"], "en");
    assert_eq!(manifest("en-GB", "i18n_pref_locale=ru").await["lang"], "ru");
}

#[tokio::test]
async fn the_service_worker_keeps_this_releases_files_and_is_checked_before_each_use() {
    let app = spawn_app().await;
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; connect-src 'self'"
    );
    let script = response.text().await.unwrap();
    assert!(
        script.contains(r#"const SHELL_FILES = ["/offline","/pkg/"#),
        "{script}"
    );
    assert!(!script.contains("__RELEASE__") && !script.contains("__SHELL_FILES__"));
    let (status, html) = app.get_html("/offline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Нет соединения"));
    assert!(html.contains("href=\"/results\""));
}

#[tokio::test]
async fn only_a_signed_in_page_tells_when_its_session_ends_and_carries_a_hidden_offline_note() {
    let app = signed_in_app().await;
    let response = app.get("/results").await;
    let ends = response.headers()["x-session-ends"]
        .to_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let now = app.clock.now().timestamp_millis();
    assert_eq!(ends - now, 30 * 60 * 1000, "idle for 30 minutes from now");
    let html = markup_of(response).await;
    let note = html
        .split("<p ")
        .find(|tag| tag.contains("class=\"offline-copy\""))
        .unwrap();
    let (attributes, text) = note.split_once('>').unwrap();
    assert!(attributes.contains(" hidden"), "{attributes}");
    assert!(
        text.starts_with("Нет соединения с интернетом. Это копия страницы на 26.11.2026 12:00"),
        "{text}"
    );
    let signed_out = spawn_app().await;
    let response = signed_out.get("/login").await;
    assert!(!response.headers().contains_key("x-session-ends"));
}
