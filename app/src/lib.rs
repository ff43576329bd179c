//! Patient Cabinet («Личный кабинет пациента»): the pages and components the
//! server renders, the typed server functions, and the two islands the
//! browser runs (`islands`).
#![recursion_limit = "512"]

/// The `i18n` module, generated at compile time from `locales/*.json`: a key
/// missing in one language, or a mistyped key in a component, fails the build.
///
/// `load_locales!` is deprecated in leptos_i18n 0.6 in favour of code
/// generation in a build script, but that path (`leptos_i18n_build`) brings 74
/// more crates into every build — a wasm interpreter, a TLS stack, the ICU
/// data exporter — to do the same parsing; the macro shares its parser and
/// code generator with the crate's other macros.
mod generated {
    #![allow(deprecated)]
    #![allow(clippy::expect_used)] // the generated code parses its own locale names
    leptos_i18n::load_locales!();
}
pub use generated::i18n;

pub mod account;
pub mod admin;
pub mod auth;
pub mod clinic;
pub mod domain;
pub mod error;
pub mod forms;
pub mod islands;
pub mod layout;
pub mod pages;
pub mod requests;
pub mod sections;
pub mod shell;
pub mod texts;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod write_unit;

pub use shell::{shell, App};
