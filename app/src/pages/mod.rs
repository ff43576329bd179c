//! Pages outside the sections: «Главная», sign-in, not found, and the error page.

mod error;
mod home;
mod login;
mod not_found;

#[cfg(feature = "ssr")]
pub use error::static_error_page;
pub use error::ErrorPage;
pub use home::HomePage;
pub use login::{AccountPage, AccountPagePending, LoginPage};
pub use not_found::NotFoundPage;
