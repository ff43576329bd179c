//! The islands: the only code the browser downloads and runs. A page is
//! HTML the server renders, its forms plain HTML forms that work without
//! any script; two islands enhance what is inside them — every form
//! ([`FormEnhancer`]), and the parts of a page that follow the patient's
//! requests live ([`LiveRequests`]). Neither holds markup of its own, so the
//! wasm does not grow with the pages.

mod form;
mod live;

pub use form::FormEnhancer;
pub use live::LiveRequests;

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
    view! { <script type="module" nonce=nonce>{loader_script(&options)}</script> }
}

/// Where the browser finds this build's files, as the pages name them.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    pub script: String,
    pub wasm: String,
    pub stylesheet: String,
}

/// This build's file names: from `hash.txt` when the files are hashed
/// (as leptos_meta's `HashedStylesheet` reads it). Read once.
#[cfg(feature = "ssr")]
pub fn site_assets(options: &LeptosOptions) -> &'static SiteAssets {
    static ASSETS: std::sync::OnceLock<SiteAssets> = std::sync::OnceLock::new();
    ASSETS.get_or_init(|| {
        let name = options.output_name.to_string();
        let pkg = format!("/{}", options.site_pkg_dir);
        let (mut script, mut wasm, mut stylesheet) = (name.clone(), name.clone(), name);
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
                    "css" => stylesheet = format!("{stylesheet}.{}", hash.trim()),
                    _ => {}
                }
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            wasm.push_str("_bg");
        }
        SiteAssets {
            script: format!("{pkg}/{script}.js"),
            wasm: format!("{pkg}/{wasm}.wasm"),
            stylesheet: format!("{pkg}/{stylesheet}.css"),
        }
    })
}

/// `loader.js` called with where the browser finds the site's JS and wasm.
#[cfg(feature = "ssr")]
fn loader_script(options: &LeptosOptions) -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        let assets = site_assets(options);
        // Without its comments and indentation: it is in every page.
        let code = include_str!("loader.js")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("{code}({:?}, {:?});", assets.script, assets.wasm)
    })
}

/// Pages render on the server only.
#[cfg(not(feature = "ssr"))]
fn loader_script(_options: &LeptosOptions) -> &'static str {
    ""
}
