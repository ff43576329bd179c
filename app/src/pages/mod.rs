//! Pages outside the sections: «Главная», not found, and the error page.

mod error;
mod home;
mod not_found;

#[cfg(feature = "ssr")]
pub(crate) use error::escape_html;
#[cfg(feature = "ssr")]
pub use error::static_error_page;
pub use error::{ErrorPage, LoadFailed};
pub use home::HomePage;
pub use not_found::NotFoundPage;
