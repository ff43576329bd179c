//! The app shell as the server renders it: language, menu, routes, 404.

use crate::helpers::{
    markup_of, spawn_app, spawn_demo_app, TestApp, TEST_CLINIC_NAME, TEST_CLINIC_PHONE,
};
use reqwest::StatusCode;

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
async fn the_browser_language_does_not_switch_the_default_russian() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/login", app.address))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("<html lang=\"ru\""));
}
