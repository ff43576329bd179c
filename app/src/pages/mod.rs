//! Pages outside the sections: «Главная», not found, the error page and
//! the page shown offline.

mod error;
mod home;
mod not_found;
mod offline;

#[cfg(feature = "ssr")]
pub(crate) use error::escape_html;
#[cfg(feature = "ssr")]
pub use error::{static_error_page, static_unavailable_page};
pub use error::{ErrorPage, LoadFailed};
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use offline::{manifest_texts, OfflinePage};
