//! Dates, times and money as each language writes them, from CLDR data compiled in by
//! ICU4X: "Sonntag, 6. Dezember 2026 um 15:05 MEZ", "12,50 €". English reads as it
//! always has ("Sunday 6 December 2026 at 15:05 CET", "€12.50"): its dates come from
//! the domain's `wall_clock`; its numbers, like every language's, from CLDR. Where the
//! currency stands is a Fluent message (`format-money-*`): ICU4X has no stable currency
//! formatter yet.
//!
//! Times are always on the business's wall clock, named by its zone: the zone's own
//! abbreviation in the language when CLDR has one (MEZ/MESZ), else the zone's name.

use amends_domain::Language;
use amends_domain::hours::WallClock;
use fixed_decimal::Decimal;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{self, zone};
use icu_datetime::options::TimePrecision;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_time::zone::{IanaParser, UtcOffset, ZoneNameTimestamp};
use icu_time::{Time, ZonedDateTime};
use time::OffsetDateTime;

use crate::text_with;

fn locale(language: Language) -> Locale {
    match language {
        Language::English => icu_locale_core::locale!("en-GB"),
        Language::German => icu_locale_core::locale!("de"),
    }
}

/// `t` on the wall clock of the zone named `zone` (IANA), in `style`, as `language`
/// writes it. A zone we do not know reads as UTC.
pub fn wall_clock(language: Language, t: OffsetDateTime, zone: &str, style: WallClock) -> String {
    if language == Language::English {
        return amends_domain::hours::wall_clock(t, zone, style);
    }
    cldr_wall_clock(language, t, zone, style).unwrap_or_else(|| amends_domain::hours::wall_clock(t, zone, style))
}

fn cldr_wall_clock(language: Language, t: OffsetDateTime, zone_name: &str, style: WallClock) -> Option<String> {
    let tz = jiff::tz::TimeZone::get(zone_name.trim()).unwrap_or(jiff::tz::TimeZone::UTC);
    let ts = jiff::Timestamp::from_second(t.unix_timestamp()).ok()?;
    let local = tz.to_datetime(ts);
    let offset = tz.to_offset(ts).seconds();
    let date =
        icu_calendar::Date::try_new_gregorian(i32::from(local.year()), local.month() as u8, local.day() as u8).ok()?;
    let time = Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0).ok()?;
    let iana = tz.iana_name().unwrap_or("UTC");
    let zone_info = IanaParser::new()
        .parse(iana)
        .with_offset(UtcOffset::try_from_seconds(offset).ok())
        .with_zone_name_timestamp(ZoneNameTimestamp::from_epoch_seconds(ts.as_second()));
    let zoned = ZonedDateTime { date, time, zone: zone_info };
    let prefs = locale(language).into();
    let minutes = TimePrecision::Minute;
    let text = match style {
        WallClock::Short => DateTimeFormatter::try_new(
            prefs,
            fieldsets::YMDT::medium().with_time_precision(minutes).with_zone(zone::SpecificShort),
        )
        .ok()?
        .format(&zoned)
        .to_string(),
        WallClock::Long => DateTimeFormatter::try_new(
            prefs,
            fieldsets::YMDET::long().with_time_precision(minutes).with_zone(zone::SpecificShort),
        )
        .ok()?
        .format(&zoned)
        .to_string(),
        WallClock::Date => {
            DateTimeFormatter::try_new(prefs, fieldsets::YMD::medium()).ok()?.format(&zoned.date).to_string()
        }
        WallClock::Month => {
            DateTimeFormatter::try_new(prefs, fieldsets::YM::medium()).ok()?.format(&zoned.date).to_string()
        }
        WallClock::Day => {
            DateTimeFormatter::try_new(prefs, fieldsets::YMD::long()).ok()?.format(&zoned.date).to_string()
        }
    };
    Some(text)
}

/// A number as `language` writes it, with `decimals` digits after the point.
pub fn number(language: Language, minor: u64, decimals: u32) -> String {
    let Ok(formatter) = DecimalFormatter::try_new(locale(language).into(), Default::default()) else {
        return minor.to_string();
    };
    let mut decimal = Decimal::from(minor);
    decimal.multiply_pow10(-(decimals as i16));
    decimal.pad_end(-(decimals as i16));
    formatter.format(&decimal).to_string()
}

/// An amount in minor units of `currency` as `language` writes it: "€12.50" and
/// "12,50 €", "CHF 20.00" and "20,00 CHF"; the currency's own decimals (ISO 4217), the
/// number from CLDR. An empty currency gives the bare amount.
pub fn money(language: Language, minor: i64, currency: &str) -> String {
    let currency = currency.trim();
    let amount = number(language, minor.unsigned_abs(), amends_domain::money::minor_digits(currency));
    let sign = if minor < 0 { "-" } else { "" };
    let (id, mark) = match amends_domain::money::symbol(currency) {
        Some(symbol) => ("format-money-symbol", symbol.to_owned()),
        None if currency.is_empty() => return format!("{sign}{amount}"),
        None => ("format-money-code", currency.to_owned()),
    };
    text_with(language, id, &[("sign", sign.into()), ("amount", amount.into()), ("currency", mark.into())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn german_times_are_written_as_germans_write_them() {
        let winter = datetime!(2026-12-06 14:05 UTC);
        for style in [WallClock::Short, WallClock::Long, WallClock::Date, WallClock::Month, WallClock::Day] {
            println!("{style:?}: {}", wall_clock(Language::German, winter, "Europe/Berlin", style));
        }
        println!(
            "{}",
            wall_clock(Language::German, datetime!(2026-07-06 14:05 UTC), "Europe/Berlin", WallClock::Short)
        );
        println!("{}", wall_clock(Language::German, winter, "America/New_York", WallClock::Short));
        println!("{}", wall_clock(Language::German, winter, "UTC", WallClock::Short));
    }

    #[test]
    fn money_in_each_language() {
        assert_eq!(money(Language::German, 1250, "EUR"), "12,50 €");
        assert_eq!(money(Language::English, 1250, "EUR"), "€12.50");
        for (minor, currency) in
            [(1250, "EUR"), (-800, "GBP"), (2000, "CHF"), (150_000, "JPY"), (123_456_789, "SEK"), (1250, "")]
        {
            assert_eq!(money(Language::English, minor, currency), amends_domain::format_money(minor, currency));
        }
        assert_eq!(money(Language::German, 123_456_789, "CHF"), "1.234.567,89 CHF");
        assert_eq!(money(Language::German, -800, "GBP"), "-8,00 £");
    }
}
