//! The HTML document and the router: which page answers which path.

use crate::account::{ActivatePage, LoginPage, RecoverPage, SecondStepPage};
use crate::admin::{
    AdminHome, AdminLayout, AdminLoginPage, AdminSecondFactorPage, AdminSecondStepPage,
    ContentListPage, EditContentPage, IntegrationPage, NewContentPage, OpenCabinetPage,
    PatientsPage, QueuePageView, StaffPage, StaffRequestPage,
};
use crate::clinic::PageContext;
use crate::islands::IslandScripts;
use crate::layout::CabinetLayout;
use crate::pages::{ErrorPage, HomePage, NotFoundPage, OfflinePage};
use crate::sections::all_requests::{RequestPage, RequestsPage};
use crate::sections::booking::BookingPage;
use crate::sections::calendar::{AppointmentPage, CalendarPage};
use crate::sections::documents::DocumentsPage;
use crate::sections::feedback::FeedbackPage;
use crate::sections::finance::FinancePage;
use crate::sections::home_visit::HomeVisitPage;
use crate::sections::news::{ContentItemPage, NewsPage};
use crate::sections::promotions::PromotionsPage;
use crate::sections::referrals::ReferralsPage;
use crate::sections::results::{ResultPage, ResultsPage, TrendPage};
use crate::sections::settings::{AccessLogPage, SettingsPage};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, Link, Meta, MetaTags};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

/// The whole HTML document, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                // Under the content-hashed name when the build made one, so a
                // browser never mixes a new page with an old cached file.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <IslandScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends the page's Content-Security-Policy: scripts only from our origin
/// or carrying this response's nonce (leptos puts it on its own inline
/// scripts), wasm compilation allowed (`'wasm-unsafe-eval'`) but never
/// `eval`, no framing.
#[cfg(feature = "ssr")]
fn content_security_policy(options: &LeptosOptions) {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    // `cargo leptos watch` reloads the page over a websocket.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        format!(
            " ws://localhost:{port} ws://127.0.0.1:{port}",
            port = options.reload_port
        )
    } else {
        String::new()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    crate::context::set_response_header(http::header::CONTENT_SECURITY_POLICY, &policy);
}

/// The application: language, page context and routes. It runs on the
/// server only; the browser runs the islands inside it.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    PageContext::provide();
    // The page's language, chosen by the server for this request
    // ([`crate::context::request_locale`]). Pages are rendered once, so
    // it is a plain value, not leptos_i18n's reactive context — whose
    // effects outlived the request on the server and panicked there.
    #[cfg(feature = "ssr")]
    provide_context(crate::context::request_locale());
    let lang = leptos_i18n::Locale::as_str(crate::islands::use_locale());

    view! {
        <Html attr:lang=lang/>
        <Meta name="theme-color" content="#0b5c7a"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        // With the cookies, so the manifest is in the language chosen here.
        <Link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials"/>
        <Router>
            <ErrorBoundary fallback=|_errors| view! { <ErrorPage/> }>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/login/code") view=SecondStepPage/>
                    <Route path=path!("/activate") view=ActivatePage/>
                    <Route path=path!("/recover") view=RecoverPage/>
                    <Route path=path!("/offline") view=OfflinePage/>
                    <Route path=path!("/admin/login") view=AdminLoginPage/>
                    <Route path=path!("/admin/login/code") view=AdminSecondStepPage/>
                    <AdminRoutes/>
                    <CabinetRoutes/>
                </Routes>
            </ErrorBoundary>
        </Router>
    }
}

/// The administrative module, inside its own layout. Its pages render in
/// full before the answer starts (`SsrMode::Async`): a page whose data failed
/// to load answers with an error status, not with a 200 already sent.
#[component(transparent)]
fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("admin") view=AdminLayout ssr=SsrMode::Async>
            <Route path=StaticSegment("") view=AdminHome/>
            <Route path=path!("cabinets/new") view=OpenCabinetPage/>
            <Route path=StaticSegment("staff") view=StaffPage/>
            <Route path=StaticSegment("integration") view=IntegrationPage/>
            <Route path=StaticSegment("content") view=ContentListPage/>
            <Route path=path!("content/new") view=NewContentPage/>
            <Route path=(StaticSegment("content"), ParamSegment("id")) view=EditContentPage/>
            <Route path=StaticSegment("patients") view=PatientsPage/>
            <Route path=StaticSegment("second-factor") view=AdminSecondFactorPage/>
            <Route path=StaticSegment("requests") view=QueuePageView/>
            <Route path=(StaticSegment("requests"), ParamSegment("number")) view=StaffRequestPage/>
        </ParentRoute>
    }
    .into_inner()
}

/// The pages inside the cabinet's layout: «Главная» and the twelve sections,
/// rendered in full before the answer starts, as the staff pages are.
#[component(transparent)]
fn CabinetRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=CabinetLayout ssr=SsrMode::Async>
            <Route path=StaticSegment("") view=HomePage/>
            <Route path=StaticSegment(Section::Booking.slug()) view=BookingPage/>
            <Route path=StaticSegment(Section::Documents.slug()) view=DocumentsPage/>
            <Route path=StaticSegment(Section::Calendar.slug()) view=CalendarPage/>
            <Route path=(StaticSegment(Section::Calendar.slug()), ParamSegment("id")) view=AppointmentPage/>
            <Route path=StaticSegment(Section::Referrals.slug()) view=ReferralsPage/>
            <Route path=StaticSegment(Section::Results.slug()) view=ResultsPage/>
            <Route path=(StaticSegment(Section::Results.slug()), StaticSegment("trends"), ParamSegment("code")) view=TrendPage/>
            <Route path=(StaticSegment(Section::Results.slug()), ParamSegment("id")) view=ResultPage/>
            <Route path=StaticSegment(Section::HomeVisit.slug()) view=HomeVisitPage/>
            <Route path=StaticSegment(Section::News.slug()) view=NewsPage/>
            <Route path=(StaticSegment(Section::News.slug()), ParamSegment("id")) view=|| view! { <ContentItemPage section=Section::News/> }/>
            <Route path=StaticSegment(Section::Promotions.slug()) view=PromotionsPage/>
            <Route path=(StaticSegment(Section::Promotions.slug()), ParamSegment("id")) view=|| view! { <ContentItemPage section=Section::Promotions/> }/>
            <Route path=StaticSegment(Section::Finance.slug()) view=FinancePage/>
            <Route path=StaticSegment(Section::Requests.slug()) view=RequestsPage/>
            <Route path=(StaticSegment(Section::Requests.slug()), ParamSegment("number")) view=RequestPage/>
            <Route path=StaticSegment(Section::Settings.slug()) view=SettingsPage/>
            <Route path=StaticSegment("access-log") view=AccessLogPage/>
            <Route path=StaticSegment(Section::Feedback.slug()) view=FeedbackPage/>
        </ParentRoute>
    }
    .into_inner()
}
