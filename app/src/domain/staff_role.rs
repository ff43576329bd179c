//! What a staff member may do in the administrative module.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Opens cabinets for patients at the reception desk.
    Reception,
    /// Processes the requests of their departments.
    Operator,
    /// Publishes news and promotions.
    Editor,
    /// Manages staff accounts.
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::Reception,
        StaffRole::Operator,
        StaffRole::Editor,
        StaffRole::Admin,
    ];

    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            StaffRole::Reception => "reception",
            StaffRole::Operator => "operator",
            StaffRole::Editor => "editor",
            StaffRole::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<StaffRole> {
        StaffRole::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_stored_name() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("superuser"), None);
    }
}
