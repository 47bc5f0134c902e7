//! The names of months and days, in lower case, for telling a date written
//! in words (`Sunday, May 8, 2016`, `Feb 3, 2025`) from other text.

pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month's name, in full or cut to its first three letters (`sep`, and
/// `sept` as well); `word` in lower case.
pub fn is_month(word: &str) -> bool {
    MONTHS.contains(&word)
        || word == "sept"
        || (word.len() == 3 && MONTHS.iter().any(|m| m.starts_with(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_full_and_cut_short() {
        for w in ["january", "jan", "may", "sep", "sept", "dec"] {
            assert!(is_month(w), "{w}");
        }
        for w in ["ja", "janu", "mayo", "september1", "", "Jan"] {
            assert!(!is_month(w), "{w}");
        }
    }
}
