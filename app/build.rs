//! Compiles the translations in `locales/` into the `i18n` module: every key is
//! checked at compile time, so a string missing in one language fails the build.

use leptos_i18n_build::{Config, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");

    let out_dir = match std::env::var_os("OUT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => panic!("cargo sets OUT_DIR for build scripts"),
    };
    let config = Config::new("ru")
        .and_then(|config| config.add_locale("en"))
        .unwrap_or_else(|error| panic!("invalid locale configuration: {error}"));
    let translations = TranslationsInfos::parse(config)
        .unwrap_or_else(|error| panic!("cannot parse app/locales: {error}"));
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations
        .generate_i18n_module(out_dir.join("i18n"))
        .unwrap_or_else(|error| panic!("cannot generate the i18n module: {error}"));
}
