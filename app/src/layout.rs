//! The frame around every signed-in page: header, «Главное меню» (a side menu
//! on wide screens, a drawer on phones), the page, and the clinic's contacts.

use crate::account::SignOutButton;
use crate::clinic::{page_context, tel_href};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use crate::sections::Section;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};

/// Sets the document title and shows the page heading: headings say where
/// the patient is, in the menu's words.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<&'static str>) -> impl IntoView {
    let locale = use_locale();
    let title = move || format!("{} · {}", text.get(), td_string!(locale, app.title));
    view! {
        <DocumentTitle text=title/>
        <h1 class="page-title">{move || text.get()}</h1>
    }
}

/// The document's `<title>`: in the browser it follows the reader's
/// language; on the server it is the text as the page renders.
///
/// Never `<Title text=closure/>` on the server. leptos_meta keeps that
/// closure and calls it only when it writes the `<head>`, after the body
/// has rendered, from code (leptos_integration_utils'
/// `inject_meta_context`) that runs outside the request's reactive arena.
/// Each request's signals live in an arena of its own, and a worker thread
/// reads whichever arena the last request it ran there left current; when
/// another page rendered on that thread in between — only under concurrent
/// load — the closure's signals are not found and the read panics with
/// "you tried to access a reactive value … already been disposed", a 500
/// for one page in forty. Computed while the page renders, in its own
/// arena, the text is a plain string by the time the `<head>` is written.
#[component]
pub fn DocumentTitle<F>(text: F) -> impl IntoView
where
    F: Fn() -> String + Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    let text = text();
    view! { <Title text=text/> }
}

/// The page around a sign-in, activation or recovery form: the document
/// title and the heading, under the clinic's name when `brand` is given.
#[component]
pub fn AuthPage(
    title: fn(Locale) -> &'static str,
    #[prop(optional, into)] brand: Option<String>,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <DocumentTitle text=move || title(locale).to_owned()/>
        <main id="content" class="auth">
            <div class="auth-card">
                {brand.map(|name| view! { <p class="brand-clinic">{name}</p> })}
                <h1 class="page-title">{move || title(locale)}</h1>
                {children()}
            </div>
        </main>
    }
}

/// Layout of the patient's pages. Without a signed-in patient it sends the
/// browser to «Вход» — for the eye only: every server function checks again.
#[component]
pub fn CabinetLayout() -> impl IntoView {
    let locale = use_locale();
    let page = page_context();
    let clinic = page.clinic;
    if page.patient.is_none() {
        go_to_sign_in();
    }
    let copied_at = copy_time();
    let address_as = page.patient.map(|patient| patient.address_as);

    view! {
        <a class="skip-link" href="#content">{td_string!(locale, app.skip_to_content)}</a>
        <header class="topbar">
            <MenuLink/>
            <A href="/" attr:class="brand">
                <span class="brand-clinic">{clinic.name.clone()}</span>
                <span class="brand-product">{td_string!(locale, app.title)}</span>
            </A>
            <div class="account">
                <span class="account-name">{address_as}</span>
                <SignOutButton/>
            </div>
        </header>
        <div class="frame">
            <nav
                id="main-menu"
                class="main-menu"
                aria-label=move || td_string!(locale, menu.title)
            >
                <h2 class="visually-hidden">{td_string!(locale, menu.title)}</h2>
                <a class="menu-close" href="#">{td_string!(locale, menu.close)}</a>
                <ul>
                    <li>
                        <A href="/" exact=true>{td_string!(locale, menu.home)}</A>
                    </li>
                    {Section::ALL
                        .into_iter()
                        .map(|section| {
                            view! {
                                <li>
                                    <A href=section.path()>
                                        {move || section.label(locale)}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <HelpContacts phone=clinic.help_phone.clone() address=None/>
            </nav>
            <main id="content" class="content" tabindex="-1">
                // Hidden online. The service worker (server/src/pwa/) shows it
                // when it serves this page's copy to a patient offline.
                <p class="offline-copy" role="status" hidden>
                    {crate::texts::fill(td_string!(locale, offline.copy_of), &[("time", &copied_at)])}
                </p>
                <Outlet/>
            </main>
        </div>
        <footer class="footer">
            <HelpContacts phone=clinic.help_phone address=Some(clinic.address)/>
            <LanguageSwitch/>
            <InstallButton/>
        </footer>
    }
}

/// The clinic's time as this page renders, for the note on its offline
/// copy; and the session's end, told to the service worker (the
/// `x-session-ends` header, in milliseconds since 1970), which drops the
/// copy when the session would have ended.
fn copy_time() -> String {
    #[cfg(feature = "ssr")]
    {
        let Ok(context) = crate::context::server_context() else {
            return String::new();
        };
        if let Some(patient) = crate::context::signed_in().patient {
            crate::context::set_response_header(
                http::HeaderName::from_static("x-session-ends"),
                &patient.ends_at.timestamp_millis().to_string(),
            );
        }
        context
            .clinic
            .local_time(context.clock.now(), crate::context::request_locale())
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// Sends a visitor who is not signed in to «Вход».
fn go_to_sign_in() {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect("/login");
}

/// «Меню» on a phone: a link to «Главное меню», which then opens as a
/// drawer over the page (`:target`); «Закрыть меню» in it closes it. No
/// script: the start page of the cabinet downloads no code at all.
#[component]
fn MenuLink() -> impl IntoView {
    let locale = use_locale();
    view! {
        <a class="menu-toggle" href="#main-menu" aria-controls="main-menu">
            <MenuIcon/>
            <span>{td_string!(locale, menu.open)}</span>
        </a>
    }
}

/// The clinic's help line (and address, where there is room for it).
#[component]
pub fn HelpContacts(phone: String, address: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let href = tel_href(&phone);
    view! {
        <div class="help">
            <p>
                <span class="help-label">{td_string!(locale, app.help_phone)}</span>
                <a href=href class="help-phone">{phone}</a>
            </p>
            {address
                .map(|address| {
                    view! {
                        <p>
                            <span class="help-label">{td_string!(locale, app.address)}</span>
                            {address}
                        </p>
                    }
                })}
        </div>
    }
}

/// Russian ⇄ English: a form, so it works without the wasm. The server
/// keeps the choice in the language cookie (and in the patient's account
/// when one is signed in) and sends the browser back to the page, now in
/// the chosen language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let current = locale;
    let choice = move |locale: Locale| {
        let label = match locale {
            Locale::ru => td_string!(Locale::ru, language.ru),
            Locale::en => td_string!(Locale::en, language.en),
        };
        view! {
            <button
                type="submit"
                name="locale"
                value=locale.as_str()
                class="lang"
                lang=locale.as_str()
                aria-pressed=(current == locale).to_string()
            >
                {label}
            </button>
        }
    };
    view! {
        <form method="post" action=ChooseLanguage::url() class="language">
            <div class="language-choices" role="group" aria-label=td_string!(current, language.label)>
                {choice(Locale::ru)}
                {choice(Locale::en)}
            </div>
        </form>
    }
}

/// «Установить приложение»: hidden until the browser offers to install
/// the cabinet (the page's loader script shows it then and hands the click
/// to the browser's own prompt).
#[component]
pub fn InstallButton() -> impl IntoView {
    let locale = use_locale();
    view! {
        <button type="button" class="install-app" data-install hidden>
            {td_string!(locale, offline.install)}
        </button>
    }
}

/// Keeps the language chosen with [`LanguageSwitch`].
#[server(endpoint = "language")]
pub async fn choose_language(locale: String) -> Result<(), AppError> {
    crate::context::reply(crate::account::choose_language(&locale).await)
}

#[component]
fn MenuIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none"/>
        </svg>
    }
}
