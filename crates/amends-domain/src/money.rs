//! Money as a person reads it: "€12.50", "£8.00", "CHF 20.00", "¥1,500". One function,
//! [`format_money`], used by pages, mails, letters and reports alike; amounts are kept
//! and sent over the API as integer minor units with their currency code, never
//! formatted there.

use std::fmt;

use crate::customer::Money;

/// How many digits of a currency's amount are its minor units (ISO 4217): most have
/// two, some none (yen, won), a few three (Gulf dinars).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "PYG" | "UGX" | "XAF" | "XOF" | "XPF" | "RWF" | "KMF" | "GNF"
        | "DJF" | "VUV" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// The sign written before an amount, where the currency has one people know.
pub fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "EUR" => "€",
        "GBP" => "£",
        "USD" => "$",
        "JPY" => "¥",
        "INR" => "₹",
        "ILS" => "₪",
        "KRW" => "₩",
        "TRY" => "₺",
        "UAH" => "₴",
        _ => return None,
    })
}

/// Thousands grouped with commas: 1234567 as "1,234,567".
fn grouped(whole: u64) -> String {
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount in minor units of `currency` as a person reads it: the currency's sign
/// before the amount when it has a known one ("€12.50", "-£8.00"), else its code
/// ("CHF 20.00", "SEK 1,200.00"); always the currency's own number of decimals. An empty
/// currency gives the bare amount ("12.50").
pub fn format_money(minor: i64, currency: &str) -> String {
    let currency = currency.trim();
    let digits = minor_digits(currency);
    let scale = 10_u64.pow(digits);
    let abs = minor.unsigned_abs();
    let number = if digits == 0 {
        grouped(abs)
    } else {
        format!("{}.{:0width$}", grouped(abs / scale), abs % scale, width = digits as usize)
    };
    let sign = if minor < 0 { "-" } else { "" };
    match (symbol(currency), currency.is_empty()) {
        (Some(s), _) => format!("{sign}{s}{number}"),
        (None, true) => format!("{sign}{number}"),
        (None, false) => format!("{sign}{currency} {number}"),
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_money(self.amount_minor, &self.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::format_money;

    #[test]
    fn money_reads_as_money_never_as_minor_units() {
        assert_eq!(format_money(1250, "EUR"), "€12.50");
        assert_eq!(format_money(800, "GBP"), "£8.00");
        assert_eq!(format_money(-800, "GBP"), "-£8.00");
        assert_eq!(format_money(2000, "CHF"), "CHF 20.00");
        assert_eq!(format_money(120_000, "SEK"), "SEK 1,200.00");
        assert_eq!(format_money(1500, "JPY"), "¥1,500");
        assert_eq!(format_money(1234, "KWD"), "KWD 1.234");
        assert_eq!(format_money(5, "USD"), "$0.05");
        assert_eq!(format_money(123_456_789, "EUR"), "€1,234,567.89");
        assert_eq!(format_money(1250, ""), "12.50");
    }
}
