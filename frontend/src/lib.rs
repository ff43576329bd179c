//! The browser side: hydrates the server-rendered page.
// The release build (without cargo-leptos's debug-only `erase_components`)
// computes the full view types of the account pages, deeper than the
// default limit of 128.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
