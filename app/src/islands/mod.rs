//! What every island shares. A page is HTML the server renders; only its
//! islands (`#[island]`: the forms, the menu button, the live request
//! updates) are code the browser downloads and runs. An island gets what it
//! needs as props, serialized into the page, or reads it here.

use crate::i18n::Locale;
use leptos::prelude::*;

/// The language the page is rendered in. The server chooses it for each
/// request and provides it; in the browser an island reads it back from
/// `<html lang>`, which the server wrote. A change of language loads the
/// page again, so it never changes under a rendered island.
pub fn use_locale() -> Locale {
    if let Some(locale) = use_context::<Locale>() {
        return locale;
    }
    #[cfg(feature = "hydrate")]
    {
        let lang = document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"));
        if lang.as_deref() == Some("en") {
            return Locale::en;
        }
    }
    Locale::ru
}

/// The script that hydrates the page's islands (`loader.js`), with the
/// names of the site's JS and wasm — content-hashed when the build made
/// them so. Unlike leptos's `HydrationScripts` it preloads nothing: a page
/// without islands downloads neither file.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let (script, wasm) = site_script_files(&options);
    let loader = format!(
        "{}({script:?}, {wasm:?});",
        include_str!("loader.js").trim_end()
    );
    view! { <script type="module" nonce=nonce>{loader}</script> }
}

/// Where the browser finds the site's JS and wasm, read once.
#[cfg(feature = "ssr")]
fn site_script_files(options: &LeptosOptions) -> (String, String) {
    static FILES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    FILES
        .get_or_init(|| {
            let name = options.output_name.to_string();
            let pkg = format!("/{}", options.site_pkg_dir);
            let (mut script, mut wasm) = (name.clone(), name);
            if options.hash_files {
                let hashes = std::env::current_exe()
                    .ok()
                    .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .unwrap_or_default();
                for (file, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
                    match file.trim() {
                        "js" => script = format!("{script}.{}", hash.trim()),
                        "wasm" => wasm = format!("{wasm}.{}", hash.trim()),
                        _ => {}
                    }
                }
            } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm.push_str("_bg");
            }
            (format!("{pkg}/{script}.js"), format!("{pkg}/{wasm}.wasm"))
        })
        .clone()
}

/// Pages render on the server only.
#[cfg(not(feature = "ssr"))]
fn site_script_files(_options: &LeptosOptions) -> (String, String) {
    (String::new(), String::new())
}

/// `initial` as the server rendered it, loaded again with `load` whenever
/// `when` (tracked) says so: an island's list after one of its actions
/// succeeded, or a live update arrived. A failed load keeps what is shown.
pub fn reloaded<T, Fut>(
    initial: T,
    when: impl Fn() -> bool + 'static,
    load: impl Fn() -> Fut + 'static,
) -> ReadSignal<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>> + 'static,
{
    let (value, set_value) = signal(initial);
    Effect::new(move |_| {
        if when() {
            let loading = load();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = loading.await {
                    set_value.set(fresh);
                }
            });
        }
    });
    value
}
