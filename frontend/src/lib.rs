//! The browser side: the page's islands — its forms and the live request
//! updates. Everything else on a page is HTML the server rendered, and
//! stays that way: no code of it is downloaded. `app/src/islands/loader.js`
//! calls `hydrate`, then each island's own export.

// The islands are wasm-bindgen exports of the `app` crate: linked in here.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
