//! Exact decimal numbers as the MIS sends them: lab values and reference
//! limits ("5.40", "-0.3"), and money in roubles ("1234.50"). Parsed into
//! whole numbers of their smallest unit, so nothing is rounded, compared
//! or added in floating point.

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A decimal number: `units × 10^-scale`, kept with the scale it was
/// written in ("5.40" stays "5.40").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decimal {
    units: i64,
    scale: u8,
}

/// The most digits after the point a value may have.
const MAX_SCALE: u8 = 6;
/// The most digits in all.
const MAX_DIGITS: usize = 15;

impl Decimal {
    /// `12`, `-0.5`, `5.40`; a comma for the point is taken too. No
    /// exponent, no sign but a leading minus, at most 15 digits and 6
    /// after the point.
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once(['.', ',']) {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.len() > whole.len() && fraction.is_empty())
            || fraction.len() > usize::from(MAX_SCALE)
            || whole.len() + fraction.len() > MAX_DIGITS
        {
            return None;
        }
        let units: i64 = format!("{whole}{fraction}").parse().ok()?;
        Some(Decimal {
            units: if negative { -units } else { units },
            scale: u8::try_from(fraction.len()).ok()?,
        })
    }

    /// The value in units of `10^-scale`, if it has no more digits after
    /// the point than that.
    pub fn units_at(self, scale: u8) -> Option<i64> {
        if self.scale > scale {
            return None;
        }
        10_i64
            .checked_pow(u32::from(scale - self.scale))
            .and_then(|factor| self.units.checked_mul(factor))
    }

    /// The value as a drawing needs it: a chart's coordinates, never a
    /// figure a reader is shown.
    pub fn approximate(self) -> f64 {
        // At most 15 digits: exact in an f64's 53-bit mantissa.
        #[allow(clippy::cast_precision_loss)]
        let units = self.units as f64;
        units / 10_f64.powi(i32::from(self.scale))
    }

    /// As written, with the language's decimal mark: "5,40" in Russian,
    /// "5.40" in English.
    pub fn text(self, locale: Locale) -> String {
        let plain = self.to_string();
        match locale {
            Locale::ru => plain.replace('.', ","),
            Locale::en => plain,
        }
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// By value: "5.4" equals "5.40" in order, though not in `==`.
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.units_at(scale), other.units_at(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Out of i64 at the common scale: at most 21 digits, exact in i128.
            _ => {
                let wide =
                    |d: &Decimal| i128::from(d.units) * 10_i128.pow(u32::from(scale - d.scale));
                wide(self).cmp(&wide(other))
            }
        }
    }
}

/// An amount of money in kopecks: whole numbers only, added exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Money(pub i64);

impl Money {
    /// Roubles as the MIS writes them: "1234.50", "1234.5", "1234"; not
    /// negative, at most two digits after the point, under a trillion.
    pub fn parse(text: &str) -> Option<Money> {
        let decimal = Decimal::parse(text)?;
        if decimal.units < 0 || text.contains(',') {
            return None;
        }
        decimal
            .units_at(2)
            .filter(|k| *k < 100_000_000_000_000)
            .map(Money)
    }

    pub fn kopecks(self) -> i64 {
        self.0
    }

    /// The sum, or `None` if it would overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The sum of `amounts`, exactly.
    pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money(0), |total, amount| total.checked_add(amount))
    }

    /// Roubles per language: «12 345,60 ₽» (thin groups, a comma) in
    /// Russian, «₽12,345.60» in English. A negative amount keeps its sign.
    pub fn text(self, locale: Locale) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let kopecks = self.0.unsigned_abs();
        let roubles = (kopecks / 100).to_string();
        let cents = kopecks % 100;
        let (group, point) = match locale {
            Locale::ru => ('\u{202f}', ','),
            Locale::en => (',', '.'),
        };
        let mut grouped = String::new();
        for (i, digit) in roubles.chars().enumerate() {
            if i > 0 && (roubles.len() - i).is_multiple_of(3) {
                grouped.push(group);
            }
            grouped.push(digit);
        }
        match locale {
            Locale::ru => format!("{sign}{grouped}{point}{cents:02}\u{a0}₽"),
            Locale::en => format!("{sign}₽{grouped}{point}{cents:02}"),
        }
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    /// Amounts are under a trillion roubles: the difference of two cannot
    /// overflow.
    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_the_digits_they_were_written_with() {
        for text in ["5.40", "-0.3", "0", "12", "0.000001", "123456789.012345"] {
            assert_eq!(Decimal::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Decimal::parse("5,4").unwrap().to_string(), "5.4");
        assert_eq!(Decimal::parse("5.40").unwrap().text(Locale::ru), "5,40");
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1e3",
            "+1",
            "5.1234567",
            "１",
            "1 000",
            "NaN",
            "--1",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimals_compare_by_value_whatever_their_scale() {
        let d = |t| Decimal::parse(t).unwrap();
        assert_eq!(d("5.4").cmp(&d("5.40")), Ordering::Equal);
        assert!(d("5.39") < d("5.4"));
        assert!(d("-1") < d("0.001"));
        assert!(d("999999999999999") > d("0.000001"));
    }

    #[test]
    fn money_is_added_in_kopecks_exactly() {
        let m = |t| Money::parse(t).unwrap();
        assert_eq!(m("0.10").checked_add(m("0.20")), Some(m("0.30")));
        assert_eq!(m("1234.5"), Money(123_450));
        assert_eq!(
            Money::sum(["0.1", "0.2", "0.3"].map(m)).unwrap().kopecks(),
            60
        );
        for bad in ["-1", "1.005", "1,50", "", "1e2", "1000000000000"] {
            assert_eq!(Money::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Money::sum([Money(i64::MAX), Money(1)]), None);
    }

    #[test]
    fn money_is_written_as_each_language_writes_roubles() {
        assert_eq!(Money(1_234_560).text(Locale::ru), "12\u{202f}345,60\u{a0}₽");
        assert_eq!(Money(1_234_560).text(Locale::en), "₽12,345.60");
        assert_eq!(Money(5).text(Locale::ru), "0,05\u{a0}₽");
        assert_eq!(Money(-100_000).text(Locale::en), "−₽1,000.00");
        assert_eq!(
            Money(100_000_000).text(Locale::ru),
            "1\u{202f}000\u{202f}000,00\u{a0}₽"
        );
    }
}
