//! `load_locales!` reads `locales/*.json` while compiling; this makes cargo
//! rebuild the crate when a translation changes.

fn main() {
    println!("cargo::rerun-if-changed=locales");
}
