//! The Patient Cabinet server: configuration, start-up, health checks and
//! the HTTP stack around the Leptos application.

pub mod config;
pub mod demo;
pub mod error_page;
pub mod health;
pub mod mail;
pub mod security;
pub mod startup;
pub mod telemetry;
