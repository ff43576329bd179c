//! The sign-in page («Вход»). Layout only for now: accounts come with the
//! accounts issue, so the form says plainly that it does not work yet.

use crate::clinic::{page_context, tel_href};
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::LanguageSwitch;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let clinic = page_context().clinic;
    let phone_href = tel_href(&clinic.help_phone);
    view! {
        <Title text=move || td_string!(i18n.get_locale(), login.title)/>
        <main id="content" class="auth">
            <div class="auth-card">
                <p class="brand-clinic">{clinic.name}</p>
                <h1 class="page-title">{t!(i18n, login.title)}</h1>
                <p class="notice" role="status">{t!(i18n, login.not_yet)}</p>
                <form class="form" aria-disabled="true">
                    <div class="field">
                        <label for="login">{t!(i18n, login.login)}</label>
                        <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" disabled=true/>
                    </div>
                    <div class="field">
                        <label for="password">{t!(i18n, login.password)}</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" disabled=true/>
                    </div>
                    <button type="submit" class="button primary" disabled=true>{t!(i18n, login.submit)}</button>
                </form>
                <p class="auth-links">
                    <a href="/recover">{t!(i18n, login.forgot)}</a>
                    <a href="/activate">{t!(i18n, login.activate)}</a>
                </p>
                <p class="help">
                    {t!(i18n, login.help)}
                    <a class="help-phone" href=phone_href>{clinic.help_phone}</a>
                </p>
                <LanguageSwitch/>
            </div>
        </main>
    }
}

/// Which of the account pages that arrive with the accounts issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountPage {
    Activate,
    Recover,
}

/// «Активировать Личный кабинет» and «Забыли пароль?» until accounts exist:
/// the page is there and says plainly that it does not work yet.
#[component]
pub fn AccountPagePending(page: AccountPage) -> impl IntoView {
    let i18n = use_i18n();
    let title = move || match page {
        AccountPage::Activate => td_string!(i18n.get_locale(), login.activate_title),
        AccountPage::Recover => td_string!(i18n.get_locale(), login.recover_title),
    };
    view! {
        <Title text=title/>
        <main id="content" class="auth">
            <div class="auth-card">
                <h1 class="page-title">{title}</h1>
                <p class="notice" role="status">{t!(i18n, login.not_yet)}</p>
                <p>
                    <a href="/login">{t!(i18n, login.back)}</a>
                </p>
            </div>
        </main>
    }
}
