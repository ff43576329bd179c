//! The Patient Cabinet server: configuration, start-up, health checks and
//! the HTTP stack around the Leptos application.
#![recursion_limit = "512"] // see frontend/src/lib.rs: full view types in release builds

pub mod api;
pub mod backup;
pub mod calendar_files;
pub mod config;
pub mod content_files;
pub mod demo;
pub mod downloads;
pub mod error_page;
pub mod events;
pub mod health;
pub mod mail;
pub mod pwa;
pub mod request_files;
pub mod result_files;
pub mod result_pdf;
pub mod security;
pub mod site_files;
pub mod startup;
pub mod telemetry;
