//! The 10,000 most common passwords, refused as new passwords (NIST SP
//! 800-63B, 3.1.1.2). The list is the head of the frequency-ordered password
//! list of zxcvbn-ts (MIT licence, `data/common-passwords.LICENSE`); it stays
//! on the server, out of the browser's download.

use std::collections::HashSet;
use std::sync::LazyLock;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// How many passwords the list holds.
pub fn common_password_count() -> usize {
    COMMON.len()
}

/// Whether `password`, ignoring case and surrounding spaces, is on the list.
pub fn is_common_password(password: &str) -> bool {
    let folded = password.trim().to_lowercase();
    COMMON.contains(folded.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_ten_thousand_passwords() {
        assert_eq!(common_password_count(), 10_000);
    }

    #[test]
    fn common_passwords_are_found_whatever_their_case() {
        assert!(is_common_password("password"));
        assert!(is_common_password("QWERTYUIOP"));
        assert!(is_common_password("mailcreated5240"));
        assert!(!is_common_password("зелёный чай по утрам"));
    }
}
