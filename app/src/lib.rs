//! Patient Cabinet («Личный кабинет пациента»): the pages, components and typed
//! server functions shared by the server (SSR) and the browser (hydration).
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod clinic;
pub mod domain;
pub mod layout;
pub mod pages;
pub mod sections;
pub mod shell;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod security;

pub use shell::{shell, App};
