//! The clinic's departments that process requests.

use super::{row, with_db, Db};

row! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Department {
        pub id: i64,
        pub code: String,
        pub name: String,
    }
}

/// Every department, by name.
pub async fn all(db: &Db) -> Result<Vec<Department>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as("SELECT id, code, name FROM departments ORDER BY name")
            .fetch_all(pool)
            .await
    })
}
