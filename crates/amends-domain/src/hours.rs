//! Business hours and the clocks that count in them: when the desk works (periods per
//! weekday and holidays, in an IANA time zone), the working-time arithmetic every due
//! time of the playbook uses ("hear within 4 working hours": on Friday at 16:00 with
//! 9–17 hours that is one hour on Friday and three on Monday, so Monday at 12:00), and the escalation ladder of an overdue step.
//!
//! Pure: the zone database is compiled into the binary (no file is read), and callers
//! pass every instant in. A period belongs to the local date it starts on: a holiday
//! cancels the periods that start on it, and a period whose end is at or before its
//! start runs past midnight (a night shift). Local times that a daylight-saving change
//! skips or repeats resolve the way clocks on the wall do: a skipped time moves
//! forward by the gap, a repeated one is taken the first time.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date as CivilDate;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::staff::Role;

/// The weekdays as the settings name them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// How far ahead the clocks look for working time before they give up and count
/// calendar time (an installation whose holidays cover years).
const HORIZON_DAYS: usize = 1_100;
/// The most holidays one installation may list.
pub const MAX_HOLIDAYS: usize = 1_000;
/// The most periods on one weekday.
pub const MAX_PERIODS_PER_DAY: usize = 6;
/// The most levels of an escalation ladder.
pub const MAX_LEVELS: usize = 5;
const MINUTES_PER_DAY: u16 = 24 * 60;

/// One working period as written: `"09:00"` to `"17:00"`; an end at or before the start
/// runs past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodSpec {
    pub start: String,
    pub end: String,
}

impl PeriodSpec {
    pub fn new(start: &str, end: &str) -> Self {
        Self { start: start.to_owned(), end: end.to_owned() }
    }
}

/// The working periods of each weekday.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WeekSpec {
    pub monday: Vec<PeriodSpec>,
    pub tuesday: Vec<PeriodSpec>,
    pub wednesday: Vec<PeriodSpec>,
    pub thursday: Vec<PeriodSpec>,
    pub friday: Vec<PeriodSpec>,
    pub saturday: Vec<PeriodSpec>,
    pub sunday: Vec<PeriodSpec>,
}

impl WeekSpec {
    fn days(&self) -> [&Vec<PeriodSpec>; 7] {
        [&self.monday, &self.tuesday, &self.wednesday, &self.thursday, &self.friday, &self.saturday, &self.sunday]
    }

    fn days_mut(&mut self) -> [&mut Vec<PeriodSpec>; 7] {
        [
            &mut self.monday,
            &mut self.tuesday,
            &mut self.wednesday,
            &mut self.thursday,
            &mut self.friday,
            &mut self.saturday,
            &mut self.sunday,
        ]
    }

    /// The same periods on each of the given weekdays (0 = Monday).
    pub fn on(days: &[usize], periods: &[PeriodSpec]) -> Self {
        let mut week = WeekSpec::default();
        for (i, day) in week.days_mut().into_iter().enumerate() {
            if days.contains(&i) {
                *day = periods.to_vec();
            }
        }
        week
    }
}

/// Business hours as an admin writes them (and as the settings store them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursSpec {
    /// An IANA zone name, e.g. `Europe/Berlin`.
    pub zone: String,
    pub week: WeekSpec,
    /// Dates (`YYYY-MM-DD`, local) on which no period starts.
    #[serde(default)]
    pub holidays: Vec<String>,
}

impl HoursSpec {
    /// Monday to Friday, 09:00 to 17:00, in `zone`.
    pub fn office(zone: &str) -> Self {
        Self {
            zone: zone.to_owned(),
            week: WeekSpec::on(&[0, 1, 2, 3, 4], &[PeriodSpec::new("09:00", "17:00")]),
            holidays: Vec::new(),
        }
    }

    /// Every day, all day, in UTC: working time is calendar time.
    pub fn always() -> Self {
        Self {
            zone: "UTC".to_owned(),
            week: WeekSpec::on(&[0, 1, 2, 3, 4, 5, 6], &[PeriodSpec::new("00:00", "24:00")]),
            holidays: Vec::new(),
        }
    }
}

/// Why business hours or an escalation ladder were refused, and which field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SettingsError {
    pub field: String,
    pub message: String,
}

fn refuse(field: impl Into<String>, message: impl Into<String>) -> SettingsError {
    SettingsError { field: field.into(), message: message.into() }
}

/// A period in minutes from the start of the day it starts on; `end` is past 1440 when
/// it runs into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Period {
    start: u16,
    end: u16,
}

/// Parsed, valid business hours.
#[derive(Debug, Clone)]
pub struct BusinessHours {
    spec: HoursSpec,
    zone: TimeZone,
    week: [Vec<Period>; 7],
    holidays: BTreeSet<(i16, i8, i8)>,
}

fn minute_of_day(text: &str, allow_midnight_end: bool) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_midnight_end => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn hh_mm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn parse_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).ok()
}

fn to_timestamp(t: OffsetDateTime) -> Option<Timestamp> {
    Timestamp::from_nanosecond(t.unix_timestamp_nanos()).ok()
}

fn to_offset(t: Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).ok()
}

/// How a time is written for a person, on the business's wall clock and with the
/// zone's name (its abbreviation, such as CET or BST, where it has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallClock {
    /// "9 Nov 2026, 12:00 CET": pages and reports.
    Short,
    /// "Monday 9 November 2026 at 12:00 CET": mails and letters.
    Long,
    /// "9 Nov 2026": a day, as in a report's range.
    Date,
    /// "Nov 2026": a month, as in a report's chart.
    Month,
    /// "9 November 2026": the day a letter is dated, the business's day.
    Day,
}

/// `t` on the wall clock of the zone named `zone` (an IANA name such as Europe/Berlin;
/// one we do not know reads as UTC, named so).
pub fn wall_clock(t: OffsetDateTime, zone: &str, style: WallClock) -> String {
    let zone = TimeZone::get(zone.trim()).unwrap_or(TimeZone::UTC);
    let Some(ts) = to_timestamp(t) else { return t.to_string() };
    let zoned = ts.to_zoned_datetime(zone);
    let format = match style {
        WallClock::Short => "%-d %b %Y, %H:%M %Z",
        WallClock::Long => "%A %-d %B %Y at %H:%M %Z",
        WallClock::Date => "%-d %b %Y",
        WallClock::Month => "%b %Y",
        WallClock::Day => "%-d %B %Y",
    };
    zoned.strftime(format).to_string()
}

/// The local midnight that starts `date` (a `YYYY-MM-DD`) in the zone named `zone`:
/// where a report's day begins. None for a date that is not one.
pub fn start_of_day(date: &str, zone: &str) -> Option<OffsetDateTime> {
    let zone = TimeZone::get(zone.trim()).unwrap_or(TimeZone::UTC);
    let day = parse_date(date.trim())?;
    let civil = CivilDate::new(day.year() as i16, day.month() as i8, day.day() as i8).ok()?;
    to_offset(zone.to_ambiguous_timestamp(civil.at(0, 0, 0, 0)).compatible().ok()?)
}

/// The local date of `t` in the zone named `zone`, as `YYYY-MM-DD` (what a date field shows).
pub fn local_day(t: OffsetDateTime, zone: &str) -> String {
    let zone = TimeZone::get(zone.trim()).unwrap_or(TimeZone::UTC);
    match to_timestamp(t) {
        Some(ts) => zone.to_datetime(ts).date().to_string(),
        None => t.date().to_string(),
    }
}

/// The calendar months (on the zone's wall clock) that `[from, to)` touches, each as its
/// `[start, end)` cut to the range: a report's month-by-month rows.
pub fn months_between(from: OffsetDateTime, to: OffsetDateTime, zone: &str) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    let tz = TimeZone::get(zone.trim()).unwrap_or(TimeZone::UTC);
    let (Some(a), Some(b)) = (to_timestamp(from), to_timestamp(to)) else { return Vec::new() };
    if a >= b {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut month = tz.to_datetime(a).date().first_of_month();
    loop {
        let Ok(next) = month.checked_add(jiff::Span::new().months(1)) else { break };
        let start = tz.to_ambiguous_timestamp(month.at(0, 0, 0, 0)).compatible().ok();
        let end = tz.to_ambiguous_timestamp(next.at(0, 0, 0, 0)).compatible().ok();
        let (Some(start), Some(end)) = (start, end) else { break };
        let (Some(s), Some(e)) = (to_offset(start.max(a)), to_offset(end.min(b))) else { break };
        out.push((s, e));
        if end >= b || out.len() >= 240 {
            break;
        }
        month = next;
    }
    out
}

impl BusinessHours {
    /// Checks and parses what an admin wrote: a known zone, times as `HH:MM`, periods of
    /// a week that do not overlap (a night shift included), at least one period, and
    /// real dates for holidays.
    pub fn parse(spec: &HoursSpec) -> Result<Self, SettingsError> {
        let zone_name = spec.zone.trim();
        let zone = TimeZone::get(zone_name).map_err(|_| {
            refuse("zone", format!("{zone_name:?} is not a time zone we know; use a name such as Europe/Berlin"))
        })?;
        let mut week: [Vec<Period>; 7] = Default::default();
        let mut normal = spec.clone();
        normal.zone = zone_name.to_owned();
        for (i, periods) in spec.week.days().into_iter().enumerate() {
            let field = format!("week.{}", WEEKDAYS[i]);
            if periods.len() > MAX_PERIODS_PER_DAY {
                return Err(refuse(field, format!("at most {MAX_PERIODS_PER_DAY} periods a day")));
            }
            for p in periods {
                let start = minute_of_day(p.start.trim(), false);
                let end = minute_of_day(p.end.trim(), true);
                let (Some(start), Some(end)) = (start, end) else {
                    return Err(refuse(
                        field,
                        format!("{:?}–{:?}: write times as HH:MM, 00:00 to 24:00", p.start, p.end),
                    ));
                };
                if start == end {
                    return Err(refuse(field, format!("{}–{} is an empty period", p.start, p.end)));
                }
                let end = if end < start { end + MINUTES_PER_DAY } else { end };
                week[i].push(Period { start, end });
            }
            week[i].sort();
        }
        // Overlaps, on the circle of a week: a night shift runs into the next day, and
        // Sunday's into Monday.
        const WEEK: u32 = 7 * MINUTES_PER_DAY as u32;
        let mut spans: Vec<(u32, u32, usize)> = Vec::new();
        for (i, periods) in week.iter().enumerate() {
            for p in periods {
                let base = i as u32 * u32::from(MINUTES_PER_DAY);
                spans.push((base + u32::from(p.start), base + u32::from(p.end), i));
            }
        }
        if spans.is_empty() {
            return Err(refuse("week", "business hours need at least one working period"));
        }
        spans.sort();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                return Err(refuse(format!("week.{}", WEEKDAYS[pair[1].2]), "two working periods overlap"));
            }
        }
        if let (Some(first), Some(last)) = (spans.first(), spans.last())
            && spans.len() > 1
            && last.1 > WEEK
            && last.1 - WEEK > first.0
        {
            return Err(refuse(format!("week.{}", WEEKDAYS[last.2]), "two working periods overlap"));
        }
        if spec.holidays.len() > MAX_HOLIDAYS {
            return Err(refuse("holidays", format!("at most {MAX_HOLIDAYS} holidays")));
        }
        let mut holidays = BTreeSet::new();
        let mut dates = BTreeSet::new();
        for text in &spec.holidays {
            let date = parse_date(text.trim())
                .ok_or_else(|| refuse("holidays", format!("{text:?} is not a date; write YYYY-MM-DD")))?;
            holidays.insert((date.year() as i16, u8::from(date.month()) as i8, date.day() as i8));
            dates.insert(date);
        }
        normal.holidays = dates.iter().map(|d| d.to_string()).collect();
        for (i, day) in normal.week.days_mut().into_iter().enumerate() {
            *day = week[i].iter().map(|p| PeriodSpec::new(&hh_mm(p.start), &hh_mm(p.end % MINUTES_PER_DAY))).collect();
            // 24:00 reads better than 00:00 at the end of a whole day.
            for (spec, p) in day.iter_mut().zip(&week[i]) {
                if p.end == MINUTES_PER_DAY {
                    spec.end = "24:00".to_owned();
                }
            }
        }
        Ok(Self { spec: normal, zone, week, holidays })
    }

    /// Every day, all day: working time is calendar time.
    pub fn always() -> Self {
        let mut week: [Vec<Period>; 7] = Default::default();
        for day in &mut week {
            day.push(Period { start: 0, end: MINUTES_PER_DAY });
        }
        Self { spec: HoursSpec::always(), zone: TimeZone::UTC, week, holidays: BTreeSet::new() }
    }

    /// The hours as written, tidied: times as `HH:MM`, periods sorted, holidays sorted
    /// and without repeats.
    pub fn spec(&self) -> &HoursSpec {
        &self.spec
    }

    fn local_date(&self, t: OffsetDateTime) -> Option<CivilDate> {
        Some(self.zone.to_datetime(to_timestamp(t)?).date())
    }

    fn instant(&self, date: CivilDate, minute: u16) -> Option<OffsetDateTime> {
        let (date, minute) =
            if minute >= MINUTES_PER_DAY { (date.tomorrow().ok()?, minute - MINUTES_PER_DAY) } else { (date, minute) };
        let local = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        to_offset(self.zone.to_ambiguous_timestamp(local).compatible().ok()?)
    }

    /// The working intervals that start on `date`, in order.
    fn day(&self, date: CivilDate) -> Vec<(OffsetDateTime, OffsetDateTime)> {
        if self.holidays.contains(&(date.year(), date.month(), date.day())) {
            return Vec::new();
        }
        let weekday = date.weekday().to_monday_zero_offset() as usize;
        self.week[weekday % 7]
            .iter()
            .filter_map(|p| Some((self.instant(date, p.start)?, self.instant(date, p.end)?)))
            .filter(|(s, e)| s < e)
            .collect()
    }

    /// Working intervals from the day before `t`'s local date on (a night shift that
    /// started yesterday may still run), in order.
    fn intervals_from(&self, t: OffsetDateTime) -> impl Iterator<Item = (OffsetDateTime, OffsetDateTime)> + '_ {
        let first = self.local_date(t).map(|d| d.yesterday().unwrap_or(d));
        std::iter::successors(first, |d| d.tomorrow().ok()).take(HORIZON_DAYS).flat_map(|d| self.day(d))
    }

    /// `t` plus `working` of working time: the clock only runs inside business hours.
    /// A step that starts outside hours starts at the next period; zero working time
    /// from outside hours is the start of the next period.
    pub fn add(&self, t: OffsetDateTime, working: Duration) -> OffsetDateTime {
        let mut left = working.max(Duration::ZERO);
        for (start, end) in self.intervals_from(t) {
            if end <= t {
                continue;
            }
            let from = start.max(t);
            let room = end - from;
            if left <= room {
                return from + left;
            }
            left -= room;
        }
        t + working
    }

    /// The working time between `a` and `b` (zero when `b` is not after `a`).
    pub fn between(&self, a: OffsetDateTime, b: OffsetDateTime) -> Duration {
        let mut total = Duration::ZERO;
        if b <= a {
            return total;
        }
        for (start, end) in self.intervals_from(a) {
            if start >= b {
                break;
            }
            let (from, to) = (start.max(a), end.min(b));
            if to > from {
                total += to - from;
            }
        }
        total
    }

    /// True when `t` falls inside business hours.
    pub fn is_open(&self, t: OffsetDateTime) -> bool {
        self.intervals_from(t).take_while(|(start, _)| *start <= t).any(|(start, end)| start <= t && t < end)
    }

    /// `t` on the desk's wall clock, for people: `Mon 9 Nov 2026 12:00 (Europe/Berlin)`.
    pub fn describe(&self, t: OffsetDateTime) -> String {
        match to_timestamp(t) {
            Some(ts) => {
                let local = self.zone.to_datetime(ts);
                format!("{} ({})", local.strftime("%a %-d %b %Y %H:%M"), self.spec.zone)
            }
            None => t.to_string(),
        }
    }

    /// A time read off the desk's wall clock (a form's `2026-11-09T12:00`) as an instant:
    /// in a gap of a daylight-saving change, the later reading; in a fold, the earlier.
    pub fn from_wall_clock(&self, local: time::PrimitiveDateTime) -> Option<OffsetDateTime> {
        let date = CivilDate::new(local.year() as i16, u8::from(local.month()) as i8, local.day() as i8).ok()?;
        let civil = date.at(local.hour() as i8, local.minute() as i8, local.second() as i8, 0);
        to_offset(self.zone.to_ambiguous_timestamp(civil).compatible().ok()?)
    }

    /// `t` on the desk's wall clock as a form's `datetime-local` value (`2026-11-09T12:00`).
    pub fn wall_clock(&self, t: OffsetDateTime) -> String {
        to_timestamp(t).map(|ts| self.zone.to_datetime(ts).strftime("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
    }

    /// The zone's name, e.g. `Europe/Berlin`.
    pub fn zone_name(&self) -> &str {
        &self.spec.zone
    }

    /// `t` when the desk works then, else the start of its next working period: when an
    /// alert raised at night goes out.
    pub fn next_open(&self, t: OffsetDateTime) -> OffsetDateTime {
        if self.is_open(t) { t } else { self.add(t, Duration::ZERO) }
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self::always()
    }
}

/// Who hears of one level of an overdue step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// The case's owner (the managers when the case has none).
    Owner,
    /// Every active user of this role.
    Role(Role),
}

/// One level of the ladder as written: `after_minutes` of working time after the step
/// came due, to `to` (`owner`, `agent`, `manager`, `admin`, or empty) and to named users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelSpec {
    pub after_minutes: i64,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// 1 for the first level.
    pub number: u8,
    pub after: Duration,
    pub to: Option<Recipient>,
    pub user_ids: Vec<i64>,
}

/// The escalation ladder of an overdue step: owner, then manager, then admin, each after
/// its own delay in working time. Empty: overdue steps are not escalated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationLadder {
    levels: Vec<Level>,
}

impl EscalationLadder {
    /// Owner when due, a manager two working hours later, an admin a working day later.
    pub fn default_specs() -> Vec<LevelSpec> {
        [(0, "owner"), (120, "manager"), (480, "admin")]
            .into_iter()
            .map(|(after_minutes, to)| LevelSpec { after_minutes, to: to.to_owned(), user_ids: Vec::new() })
            .collect()
    }

    pub fn parse(specs: &[LevelSpec]) -> Result<Self, SettingsError> {
        if specs.len() > MAX_LEVELS {
            return Err(refuse("escalation", format!("at most {MAX_LEVELS} levels")));
        }
        let mut levels: Vec<Level> = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let field = |name: &str| format!("escalation[{i}].{name}");
            if !(0..=100 * 24 * 60).contains(&spec.after_minutes) {
                return Err(refuse(field("after_minutes"), "between 0 and 144000 working minutes"));
            }
            if let Some(before) = levels.last()
                && Duration::minutes(spec.after_minutes) <= before.after
            {
                return Err(refuse(field("after_minutes"), "each level comes later than the one before it"));
            }
            let to =
                match spec.to.trim() {
                    "" => None,
                    "owner" => Some(Recipient::Owner),
                    other => Some(Recipient::Role(other.parse::<Role>().map_err(|_| {
                        refuse(field("to"), format!("{other:?}: write owner, agent, manager or admin"))
                    })?)),
                };
            if to.is_none() && spec.user_ids.is_empty() {
                return Err(refuse(field("to"), "name a role or at least one user"));
            }
            if spec.user_ids.len() > 50 || spec.user_ids.iter().any(|id| *id <= 0) {
                return Err(refuse(field("user_ids"), "up to 50 user ids"));
            }
            levels.push(Level {
                number: (i + 1) as u8,
                after: Duration::minutes(spec.after_minutes),
                to,
                user_ids: spec.user_ids.clone(),
            });
        }
        Ok(Self { levels })
    }

    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// The levels an overdue step has reached by `now`: those whose delay, counted in
    /// working time from `due`, has passed.
    pub fn reached<'a>(
        &'a self,
        hours: &'a BusinessHours,
        due: OffsetDateTime,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = &'a Level> + 'a {
        self.levels.iter().take_while(move |l| due <= now && hours.add(due, l.after) <= now)
    }

    pub fn specs(&self) -> Vec<LevelSpec> {
        self.levels
            .iter()
            .map(|l| LevelSpec {
                after_minutes: l.after.whole_minutes(),
                to: match &l.to {
                    None => String::new(),
                    Some(Recipient::Owner) => "owner".to_owned(),
                    Some(Recipient::Role(r)) => r.as_str().to_owned(),
                },
                user_ids: l.user_ids.clone(),
            })
            .collect()
    }
}

impl Default for EscalationLadder {
    fn default() -> Self {
        Self::parse(&Self::default_specs()).unwrap_or(Self { levels: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn office(zone: &str) -> BusinessHours {
        BusinessHours::parse(&HoursSpec::office(zone)).unwrap()
    }

    fn with(zone: &str, week: WeekSpec, holidays: &[&str]) -> Result<BusinessHours, SettingsError> {
        BusinessHours::parse(&HoursSpec {
            zone: zone.into(),
            week,
            holidays: holidays.iter().map(|h| h.to_string()).collect(),
        })
    }

    #[test]
    fn four_working_hours_from_friday_afternoon_is_monday_morning() {
        let h = office("UTC");
        // 2026-11-06 is a Friday: one hour on Friday, three on Monday.
        assert_eq!(h.add(datetime!(2026-11-06 16:00 UTC), Duration::hours(4)), datetime!(2026-11-09 12:00 UTC));
        assert_eq!(h.between(datetime!(2026-11-06 16:00 UTC), datetime!(2026-11-09 12:00 UTC)), Duration::hours(4));
        assert_eq!(h.add(datetime!(2026-11-06 15:00 UTC), Duration::hours(4)), datetime!(2026-11-09 11:00 UTC));
    }

    #[test]
    fn inside_one_period_it_is_plain_addition() {
        let h = office("UTC");
        assert_eq!(h.add(datetime!(2026-11-04 10:15 UTC), Duration::minutes(90)), datetime!(2026-11-04 11:45 UTC));
        // Ending exactly at closing time is due at closing time, not the next morning.
        assert_eq!(h.add(datetime!(2026-11-04 13:00 UTC), Duration::hours(4)), datetime!(2026-11-04 17:00 UTC));
    }

    #[test]
    fn a_step_that_starts_outside_hours_starts_at_the_next_period() {
        let h = office("UTC");
        // Tuesday at 20:00: the clock starts on Wednesday at 09:00.
        assert_eq!(h.add(datetime!(2026-11-03 20:00 UTC), Duration::hours(1)), datetime!(2026-11-04 10:00 UTC));
        // Saturday: Monday.
        assert_eq!(h.add(datetime!(2026-11-07 12:00 UTC), Duration::minutes(30)), datetime!(2026-11-09 09:30 UTC));
        // Before opening on a weekday.
        assert_eq!(h.add(datetime!(2026-11-04 06:00 UTC), Duration::hours(2)), datetime!(2026-11-04 11:00 UTC));
        assert_eq!(h.next_open(datetime!(2026-11-07 12:00 UTC)), datetime!(2026-11-09 09:00 UTC));
        assert_eq!(h.next_open(datetime!(2026-11-04 12:00 UTC)), datetime!(2026-11-04 12:00 UTC));
        assert_eq!(h.next_open(datetime!(2026-11-04 17:00 UTC)), datetime!(2026-11-05 09:00 UTC));
        assert!(!h.is_open(datetime!(2026-11-04 17:00 UTC)) && h.is_open(datetime!(2026-11-04 09:00 UTC)));
    }

    #[test]
    fn many_days_of_work_span_weekends() {
        let h = office("UTC");
        // 16 working hours from Thursday noon: 5h on Thursday, 8h on Friday, 3h on Monday.
        assert_eq!(h.add(datetime!(2026-11-05 12:00 UTC), Duration::hours(16)), datetime!(2026-11-09 12:00 UTC));
        assert_eq!(h.between(datetime!(2026-11-02 00:00 UTC), datetime!(2026-11-16 00:00 UTC)), Duration::hours(80));
        assert_eq!(h.between(datetime!(2026-11-07 00:00 UTC), datetime!(2026-11-09 00:00 UTC)), Duration::ZERO);
        assert_eq!(h.between(datetime!(2026-11-09 00:00 UTC), datetime!(2026-11-07 00:00 UTC)), Duration::ZERO);
    }

    #[test]
    fn holidays_are_skipped() {
        let h = with(
            "UTC",
            WeekSpec::on(&[0, 1, 2, 3, 4], &[PeriodSpec::new("09:00", "17:00")]),
            &["2026-12-25", "2026-12-28"],
        )
        .unwrap();
        // Thursday 24 Dec 15:00 + 4h: 2h on Thursday; Friday 25 and Monday 28 are holidays.
        assert_eq!(h.add(datetime!(2026-12-24 15:00 UTC), Duration::hours(4)), datetime!(2026-12-29 11:00 UTC));
        assert!(!h.is_open(datetime!(2026-12-25 10:00 UTC)));
        assert_eq!(h.spec().holidays, ["2026-12-25", "2026-12-28"]);
    }

    #[test]
    fn a_time_on_the_desks_wall_clock_is_read_in_its_zone() {
        let berlin = office("Europe/Berlin");
        let local = time::macros::datetime!(2026-11-09 12:00);
        let at = berlin.from_wall_clock(local).unwrap();
        assert_eq!(at, time::macros::datetime!(2026-11-09 11:00 UTC), "CET is an hour ahead of UTC");
        assert_eq!(berlin.wall_clock(at), "2026-11-09T12:00");
        // 02:30 on 29 March 2026 does not exist in Berlin: the later reading.
        let gap = berlin.from_wall_clock(time::macros::datetime!(2026-03-29 02:30)).unwrap();
        assert_eq!(gap, time::macros::datetime!(2026-03-29 01:30 UTC));
    }

    #[test]
    fn hours_count_in_the_zone_across_daylight_saving_changes() {
        let h = office("Europe/Berlin");
        // Winter: 09:00 in Berlin is 08:00 UTC.
        assert_eq!(h.next_open(datetime!(2026-01-10 12:00 UTC)), datetime!(2026-01-12 08:00 UTC));
        assert_eq!(h.describe(datetime!(2026-01-12 08:00 UTC)), "Mon 12 Jan 2026 09:00 (Europe/Berlin)");
        assert_eq!(
            wall_clock(datetime!(2026-01-12 08:00 UTC), "Europe/Berlin", WallClock::Short),
            "12 Jan 2026, 09:00 CET"
        );
        assert_eq!(
            wall_clock(datetime!(2026-07-01 08:00 UTC), "Europe/London", WallClock::Short),
            "1 Jul 2026, 09:00 BST"
        );
        assert_eq!(
            wall_clock(datetime!(2026-11-26 13:00 UTC), "Europe/Berlin", WallClock::Long),
            "Thursday 26 November 2026 at 14:00 CET"
        );
        assert_eq!(wall_clock(datetime!(2026-11-30 23:30 UTC), "Europe/Berlin", WallClock::Date), "1 Dec 2026");
        assert_eq!(
            wall_clock(datetime!(2026-11-30 23:30 UTC), "Nowhere/Else", WallClock::Short),
            "30 Nov 2026, 23:30 UTC"
        );
        assert_eq!(start_of_day("2026-11-01", "Europe/Berlin"), Some(datetime!(2026-10-31 23:00 UTC)));
        assert_eq!(local_day(datetime!(2026-11-30 23:30 UTC), "Europe/Berlin"), "2026-12-01");
        let months = months_between(datetime!(2026-10-15 00:00 UTC), datetime!(2026-12-02 00:00 UTC), "Europe/Berlin");
        assert_eq!(
            months,
            vec![
                (datetime!(2026-10-15 00:00 UTC), datetime!(2026-10-31 23:00 UTC)),
                (datetime!(2026-10-31 23:00 UTC), datetime!(2026-11-30 23:00 UTC)),
                (datetime!(2026-11-30 23:00 UTC), datetime!(2026-12-02 00:00 UTC)),
            ]
        );
        // Clocks go forward on Sunday 29 March 2026: Friday 16:00 CET (15:00 UTC) + 4h is
        // Monday 12:00 CEST (10:00 UTC).
        assert_eq!(h.add(datetime!(2026-03-27 15:00 UTC), Duration::hours(4)), datetime!(2026-03-30 10:00 UTC));
        // And back on Sunday 25 October 2026: Friday 16:00 CEST (14:00 UTC) + 4h is Monday
        // 12:00 CET (11:00 UTC).
        assert_eq!(h.add(datetime!(2026-10-23 14:00 UTC), Duration::hours(4)), datetime!(2026-10-26 11:00 UTC));
    }

    #[test]
    fn a_night_shift_runs_past_midnight_and_through_a_daylight_saving_change() {
        let every_day: Vec<usize> = (0..7).collect();
        let h = with("Europe/Berlin", WeekSpec::on(&every_day, &[PeriodSpec::new("22:00", "06:00")]), &[]).unwrap();
        // Wednesday 23:00 CET (22:00 UTC) + 3h: 02:00 CET on Thursday (01:00 UTC).
        assert_eq!(h.add(datetime!(2026-01-14 22:00 UTC), Duration::hours(3)), datetime!(2026-01-15 01:00 UTC));
        // Midday: the next shift starts at 22:00 local.
        assert_eq!(h.add(datetime!(2026-01-15 11:00 UTC), Duration::hours(1)), datetime!(2026-01-15 22:00 UTC));
        // The night the clocks go forward (28 to 29 March) is one hour shorter: 7h, not 8h.
        let start = datetime!(2026-03-28 21:00 UTC); // 22:00 CET
        let end = datetime!(2026-03-29 04:00 UTC); // 06:00 CEST
        assert_eq!(h.between(start, end), Duration::hours(7));
        assert_eq!(h.add(start, Duration::hours(7)), end);
        // The night they go back (24 to 25 October) is one hour longer.
        assert_eq!(h.between(datetime!(2026-10-24 20:00 UTC), datetime!(2026-10-25 05:00 UTC)), Duration::hours(9));
        // A holiday cancels the shift that starts on it, not the one that ends on it.
        let h = with("UTC", WeekSpec::on(&every_day, &[PeriodSpec::new("22:00", "06:00")]), &["2026-01-15"]).unwrap();
        assert!(h.is_open(datetime!(2026-01-15 03:00 UTC)));
        assert!(!h.is_open(datetime!(2026-01-15 23:00 UTC)));
    }

    #[test]
    fn a_day_opening_at_a_skipped_time_opens_when_the_clock_reaches_it() {
        // 02:30 does not exist in Berlin on 29 March 2026; the period opens at 03:30 CEST.
        let h = with("Europe/Berlin", WeekSpec::on(&[6], &[PeriodSpec::new("02:30", "05:00")]), &[]).unwrap();
        assert_eq!(h.next_open(datetime!(2026-03-28 12:00 UTC)), datetime!(2026-03-29 01:30 UTC));
        assert_eq!(
            h.between(datetime!(2026-03-29 00:00 UTC), datetime!(2026-03-29 12:00 UTC)),
            Duration::hours(1) + Duration::minutes(30)
        );
    }

    #[test]
    fn always_open_is_calendar_time() {
        let h = BusinessHours::always();
        let t = datetime!(2026-11-07 23:59 UTC);
        assert_eq!(h.add(t, Duration::hours(50)), t + Duration::hours(50));
        assert_eq!(h.between(t, t + Duration::days(9)), Duration::days(9));
        assert!(h.is_open(t));
    }

    #[test]
    fn settings_are_checked_with_the_field_named() {
        let field = |r: Result<BusinessHours, SettingsError>| r.unwrap_err().field;
        let nine_five = [PeriodSpec::new("09:00", "17:00")];
        assert_eq!(field(with("Mars/Olympus", WeekSpec::on(&[0], &nine_five), &[])), "zone");
        assert_eq!(field(with("UTC", WeekSpec::default(), &[])), "week");
        assert_eq!(field(with("UTC", WeekSpec::on(&[1], &[PeriodSpec::new("9:00", "17:00")]), &[])), "week.tuesday");
        assert_eq!(field(with("UTC", WeekSpec::on(&[1], &[PeriodSpec::new("09:00", "24:30")]), &[])), "week.tuesday");
        assert_eq!(field(with("UTC", WeekSpec::on(&[1], &[PeriodSpec::new("09:00", "09:00")]), &[])), "week.tuesday");
        let overlapping = [PeriodSpec::new("09:00", "13:00"), PeriodSpec::new("12:00", "17:00")];
        assert_eq!(field(with("UTC", WeekSpec::on(&[2], &overlapping), &[])), "week.wednesday");
        // A night shift into a morning period of the next day.
        let mut week = WeekSpec::on(&[0], &[PeriodSpec::new("22:00", "06:00")]);
        week.tuesday = vec![PeriodSpec::new("05:00", "12:00")];
        assert_eq!(field(with("UTC", week, &[])), "week.tuesday");
        // Sunday night into Monday morning.
        let mut week = WeekSpec::on(&[6], &[PeriodSpec::new("22:00", "06:00")]);
        week.monday = vec![PeriodSpec::new("05:00", "12:00")];
        assert_eq!(field(with("UTC", week, &[])), "week.sunday");
        assert_eq!(field(with("UTC", WeekSpec::on(&[0], &nine_five), &["2026-02-30"])), "holidays");
        assert_eq!(field(with("UTC", WeekSpec::on(&[0], &nine_five), &["tomorrow"])), "holidays");
        // Abutting periods are fine, and so is a whole day.
        let abutting = [PeriodSpec::new("13:00", "17:00"), PeriodSpec::new("09:00", "13:00")];
        let h = with("UTC", WeekSpec::on(&[0], &abutting), &[]).unwrap();
        assert_eq!(h.spec().week.monday, [PeriodSpec::new("09:00", "13:00"), PeriodSpec::new("13:00", "17:00")]);
        assert!(with("UTC", WeekSpec::on(&[0, 1], &[PeriodSpec::new("00:00", "24:00")]), &[]).is_ok());
    }

    #[test]
    fn the_ladder_climbs_in_working_time() {
        let ladder = EscalationLadder::default();
        let h = office("UTC");
        let due = datetime!(2026-11-06 16:00 UTC); // Friday
        let reached = |now| ladder.reached(&h, due, now).map(|l| l.number).collect::<Vec<_>>();
        assert_eq!(reached(datetime!(2026-11-06 15:59 UTC)), Vec::<u8>::new());
        assert_eq!(reached(due), [1]);
        // Two working hours after Friday 16:00 is Monday 10:00, whatever the weekend.
        assert_eq!(reached(datetime!(2026-11-08 23:00 UTC)), [1]);
        assert_eq!(reached(datetime!(2026-11-09 10:00 UTC)), [1, 2]);
        assert_eq!(reached(datetime!(2026-11-09 16:00 UTC)), [1, 2, 3]);
    }

    #[test]
    fn the_ladder_is_checked_with_the_field_named() {
        let level = |after_minutes, to: &str| LevelSpec { after_minutes, to: to.into(), user_ids: vec![] };
        let field = |specs: &[LevelSpec]| EscalationLadder::parse(specs).unwrap_err().field;
        assert_eq!(field(&[level(0, "owner"), level(0, "manager")]), "escalation[1].after_minutes");
        assert_eq!(field(&[level(-5, "owner")]), "escalation[0].after_minutes");
        assert_eq!(field(&[level(10, "boss")]), "escalation[0].to");
        assert_eq!(field(&[level(10, "")]), "escalation[0].to");
        let named = LevelSpec { after_minutes: 30, to: String::new(), user_ids: vec![7] };
        let ladder = EscalationLadder::parse(&[level(0, "owner"), named.clone()]).unwrap();
        assert_eq!(ladder.specs()[1], named);
        assert!(EscalationLadder::parse(&[]).unwrap().levels().is_empty());
    }
}
