//! The owner's report as a page: the figures in words, month by month charts drawn here
//! as SVG (no chart service, no script), money in the business's currency, every figure
//! linked to the cases behind it, and every table as CSV.

use amends_domain::hours::{local_day, start_of_day};
use amends_domain::{Language, Role};
use amends_i18n::{Arg, text, text_with};
use amends_store::Report;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{PageError, StaffSession, render};
use crate::AppState;
use crate::json::Params;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A label cut to `chars` characters with an ellipsis, so that it fits beside its bar.
fn fit(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(chars.saturating_sub(1)).collect::<String>())
    }
}

/// Roughly how wide a text of `chars` characters is at 13px (for a label column).
fn text_width(chars: usize) -> f64 {
    chars as f64 * 7.2 + 8.0
}

/// A horizontal bar chart: one labelled bar per row, scaled to the largest value. Each
/// label fits its column (a long one is cut, its full text in the bar's title); the
/// chart scales to the page's width.
/// `unit` is what a value counts, as (one, many): (" case", " cases"); `no_data` is what a
/// month without a rate says in its bar's title (month charts only).
pub(crate) fn bar_chart(title: &str, rows: &[(String, f64)], unit: (&str, &str)) -> String {
    const MAX_LABEL: usize = 34;
    let longest = rows.iter().map(|(l, _)| l.chars().count().min(MAX_LABEL)).max().unwrap_or(0);
    let (label_w, bar_w, row_h) = (text_width(longest).max(60.0), 360.0, 26.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let w = label_w + bar_w + 110.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{t}\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\" preserveAspectRatio=\"xMinYMin meet\" class=\"chart\"><title>{t}</title>",
        t = escape(title),
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        let width = if max > 0.0 { (value / max * bar_w).max(1.0) } else { 1.0 };
        let shown = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") };
        let unit = if *value == 1.0 { unit.0 } else { unit.1 };
        svg.push_str(&format!(
            "<g><title>{full}: {shown}{unit}</title><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{label}</text>\
             <rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"{bh}\" fill=\"#2f6f5e\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"13\">{shown}{unit}</text></g>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            bh = row_h - 8.0,
            vx = label_w + width + 6.0,
            full = escape(label),
            label = escape(&fit(label, MAX_LABEL)),
            unit = escape(unit),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One series of a month chart: its name, its colour, and a rate (0..1) per month.
pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub rates: Vec<Option<f64>>,
}

/// Rates month by month as vertical bars, a group per month (one bar per series), the
/// percentage written above each bar ("no data" where a month has none), months named
/// under their group, a legend when there is more than one series.
pub(crate) fn month_chart(title: &str, months: &[String], series: &[Series], no_data: &str) -> String {
    let (left, top, plot_h, bar_w, gap) = (44.0, 28.0, 160.0, 34.0, 26.0);
    // Wide enough for its month's name ("Sep 2026") at 12px, with room between names.
    let group_w = (bar_w * series.len() as f64 + gap).max(74.0);
    let width = (left + group_w * months.len() as f64 + 10.0).max(320.0);
    let legend_h = if series.len() > 1 { 24.0 } else { 0.0 };
    let height = top + plot_h + 30.0 + legend_h;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{t}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMinYMin meet\" class=\"chart\"><title>{t}</title>",
        t = escape(title),
    );
    for pct in [0.0, 50.0, 100.0] {
        let y = top + plot_h - plot_h * pct / 100.0;
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d9dfdc\"/>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6661\">{pct:.0} %</text>",
            x2 = width - 6.0,
            tx = left - 6.0,
            ty = y + 4.0,
        ));
    }
    for (m, month) in months.iter().enumerate() {
        let gx = left + (group_w - bar_w * series.len() as f64) / 2.0 + group_w * m as f64;
        for (k, s) in series.iter().enumerate() {
            let x = gx + bar_w * k as f64;
            let rate = s.rates.get(m).copied().flatten();
            let (h, label) = match rate {
                Some(r) => ((plot_h * r).max(1.0), format!("{:.0} %", r * 100.0)),
                None => (0.0, "–".to_owned()),
            };
            let y = top + plot_h - h;
            svg.push_str(&format!(
                "<g><title>{month}, {name}: {full}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw}\" height=\"{h:.1}\" fill=\"{c}\"/>\
                 <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" font-size=\"11\">{label}</text></g>",
                name = escape(s.name),
                full = if rate.is_some() { label.clone() } else { escape(no_data) },
                bw = bar_w - 4.0,
                c = s.colour,
                cx = x + (bar_w - 4.0) / 2.0,
                ly = y - 4.0,
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"12\">{month}</text>",
            cx = gx + bar_w * series.len() as f64 / 2.0 - 2.0,
            ty = top + plot_h + 18.0,
            month = escape(month),
        ));
    }
    if series.len() > 1 {
        let mut x = left;
        let y = top + plot_h + 30.0 + 8.0;
        for s in series {
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{ry}\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
                 <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\">{name}</text>",
                ry = y,
                c = s.colour,
                tx = x + 16.0,
                ty = y + 10.0,
                name = escape(s.name),
            ));
            x += 16.0 + text_width(s.name.chars().count()) + 12.0;
        }
    }
    svg.push_str("</svg>");
    svg
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_default()
}

/// The tables of a report as rows of cells, by name; the first row is the header.
fn tables(r: &Report) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let summary = vec![
        vec!["measure".into(), "value".into()],
        vec!["cases_opened".into(), r.cases_opened.to_string()],
        vec!["retained".into(), r.retained.to_string()],
        vec!["lost".into(), r.lost.to_string()],
        vec!["recovery_rate".into(), opt(r.recovery_rate)],
        vec!["lost_told".into(), r.lost_told.to_string()],
        vec!["won_back".into(), r.won_back.to_string()],
        vec!["win_back_rate".into(), opt(r.win_back_rate)],
        vec!["testimonials".into(), r.testimonials.to_string()],
        vec!["would_recommend".into(), r.would_recommend.to_string()],
        vec!["satisfaction_count".into(), r.satisfaction_count.to_string()],
        vec!["satisfaction_average".into(), opt(r.satisfaction_average)],
        vec!["hours_to_acknowledge".into(), opt(r.hours_to_acknowledge)],
        vec!["hours_to_fix".into(), opt(r.hours_to_fix)],
        vec!["hours_to_follow_up".into(), opt(r.hours_to_follow_up)],
        vec!["steps_done_average".into(), opt(r.steps_done_average)],
        vec!["broken_promises".into(), r.broken_promises.to_string()],
        vec!["repeat_complainers".into(), r.repeat_complainers.to_string()],
    ];
    let mut money = vec![vec!["currency".into(), "gesture_cost_minor".into(), "lifetime_value_kept_minor".into()]];
    money.extend(
        r.money.iter().map(|m| {
            vec![m.currency.clone(), m.gesture_cost_minor.to_string(), m.lifetime_value_kept_minor.to_string()]
        }),
    );
    let returns = vec![
        vec!["group".into(), "customers".into(), "returned".into(), "return_rate".into()],
        vec![
            "complained".into(),
            r.complainers.to_string(),
            r.complainers_returned.to_string(),
            opt(r.return_rate_complainers),
        ],
        vec![
            "never_complained".into(),
            r.non_complainers.to_string(),
            r.non_complainers_returned.to_string(),
            opt(r.return_rate_non_complainers),
        ],
    ];
    let mut causes = vec![vec!["problem_id".into(), "title".into(), "cases".into(), "cumulative_percent".into()]];
    causes.extend(r.root_causes.iter().map(|c| {
        vec![c.problem_id.to_string(), c.title.clone(), c.cases.to_string(), format!("{:.1}", c.cumulative_percent)]
    }));
    let mut months = vec![
        [
            "from",
            "to",
            "cases_opened",
            "retained",
            "lost",
            "recovery_rate",
            "complainers",
            "complainers_returned",
            "return_rate_complainers",
            "non_complainers",
            "non_complainers_returned",
            "return_rate_non_complainers",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let fmt = &time::format_description::well_known::Rfc3339;
    months.extend(r.months.iter().map(|m| {
        vec![
            m.from.format(fmt).unwrap_or_default(),
            m.to.format(fmt).unwrap_or_default(),
            m.cases_opened.to_string(),
            m.retained.to_string(),
            m.lost.to_string(),
            opt(m.recovery_rate),
            m.complainers.to_string(),
            m.complainers_returned.to_string(),
            opt(m.return_rate_complainers),
            m.non_complainers.to_string(),
            m.non_complainers_returned.to_string(),
            opt(m.return_rate_non_complainers),
        ]
    }));
    vec![("summary", summary), ("money", money), ("returns", returns), ("root_causes", causes), ("months", months)]
}

/// Where a spreadsheet may start a cell: at the start of ours, or after a separator,
/// since a locale that splits on `;` (or a tab) reads a file made with commas as cells
/// split where we did not.
const SEPARATORS: [char; 3] = [',', ';', '\t'];

/// One CSV cell that no spreadsheet runs as a formula, in any locale: a value starting
/// with `=`, `+`, `-` or `@` (after blanks) gets a `'` before it, at the cell's start
/// and after every separator or line break inside it (a number stays a number); a cell holding a
/// separator, a quote or a line break is quoted.
fn csv_cell(s: &str) -> String {
    let mut defused = String::with_capacity(s.len() + 2);
    let mut at_start = s.parse::<f64>().is_err();
    for c in s.chars() {
        if at_start && matches!(c, '=' | '+' | '-' | '@') {
            defused.push('\'');
        }
        defused.push(c);
        // A line break starts a row for a reader that ignores quotes.
        at_start = SEPARATORS.contains(&c) || matches!(c, '\r' | '\n') || (at_start && c == ' ');
    }
    if defused.contains(SEPARATORS) || defused.contains(['"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// A report's range as the page takes it: days (`YYYY-MM-DD`, on the business's
/// calendar, `to` included) or RFC 3339 times (`to` excluded), as the API takes them.
#[derive(Deserialize, Serialize, Default)]
pub struct PageRange {
    from: Option<String>,
    to: Option<String>,
    /// For the list of cases behind a figure: opened, retained, lost, waiting, open, problem.
    figure: Option<String>,
    problem: Option<i64>,
}

fn instant(given: &str, zone: &str, day_after: bool, lang: Language) -> Result<OffsetDateTime, PageError> {
    let given = given.trim();
    if let Ok(t) = OffsetDateTime::parse(given, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let refused = |id: &str| PageError::BadForm(text_with(lang, id, &[("text", format!("{given:?}").into())]));
    let start = start_of_day(given, zone).ok_or_else(|| refused("report-error-date"))?;
    // The next day's midnight: a day given as the end is the range's last day.
    if day_after {
        let next = local_day(start + time::Duration::hours(36), zone);
        return start_of_day(&next, zone).ok_or_else(|| refused("report-error-not-date"));
    }
    Ok(start)
}

/// The first day of the month `back` months before `day` (a `YYYY-MM-DD`).
fn month_start(day: &str, back: i32) -> String {
    let year: i32 = day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970);
    let month: i32 = day.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let index = year * 12 + (month - 1) - back;
    format!("{:04}-{:02}-01", index.div_euclid(12), index.rem_euclid(12) + 1)
}

impl PageRange {
    /// `[from, to)`; by default the last six calendar months up to now.
    fn range(
        &self,
        now: OffsetDateTime,
        zone: &str,
        lang: Language,
    ) -> Result<(OffsetDateTime, OffsetDateTime), PageError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let to = match given(&self.to) {
            Some(t) => instant(&t, zone, true, lang)?,
            None => now,
        };
        let from = match given(&self.from) {
            Some(f) => instant(&f, zone, false, lang)?,
            None => instant(&month_start(&local_day(to, zone), 5), zone, false, lang)?,
        };
        if from >= to {
            return Err(PageError::BadForm(text(lang, "report-error-order")));
        }
        if to - from > time::Duration::days(3660) {
            return Err(PageError::BadForm(text(lang, "report-error-too-long")));
        }
        Ok((from, to))
    }
}

async fn load(state: &AppState, session: &StaffSession, q: &PageRange) -> Result<Report, PageError> {
    session.require(Role::Manager)?;
    let (from, to) = q.range(state.store.now(), &session.business.zone, session.language)?;
    Ok(state.store.report(from, to).await?)
}

/// A figure and the link to the cases behind it.
#[derive(Serialize)]
struct Figure {
    label: String,
    value: String,
    href: Option<String>,
    note: String,
}

/// A number with `digits` decimals as the language writes it ("1.5", "1,5").
// TODO(i18n-mail): move to the shared locale-aware number formatting once it is on main.
fn decimal(v: f64, digits: usize, lang: Language) -> String {
    let shown = format!("{v:.digits$}");
    match lang {
        Language::German => shown.replace('.', ","),
        Language::English => shown,
    }
}

fn hours_text(h: Option<f64>, lang: Language) -> String {
    let amount = |id: &str, v: f64, digits: usize| text_with(lang, id, &[("count", decimal(v, digits, lang).into())]);
    match h {
        None => text(lang, "report-hours-none"),
        Some(h) if h < 1.0 => amount("report-minutes", (h * 60.0).round(), 0),
        Some(h) if h < 48.0 => amount("report-hours", h, 1),
        Some(h) => amount("report-days", h / 24.0, 1),
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0} %", r * 100.0)).unwrap_or_else(|| "–".to_owned())
}

/// The report's words: every figure as a sentence-sized line with its cases' link.
fn figures(r: &Report, range: &str, lang: Language) -> Vec<Figure> {
    let cases = |figure: &str| Some(format!("/reports/cases?{range}&figure={figure}"));
    let say = |id: &str| text(lang, id);
    let say_with = |id: &str, args: &[(&str, Arg<'_>)]| text_with(lang, id, args);
    let ended = r.retained + r.lost;
    let recovery_note = if ended > 0 {
        say_with("report-fig-recovery-note", &[("kept", r.retained.into()), ("ended", ended.into())])
    } else if r.awaiting_outcome > 0 {
        say_with("report-fig-recovery-waiting", &[("count", r.awaiting_outcome.into())])
    } else {
        say("report-fig-recovery-none")
    };
    let mut out = vec![
        Figure {
            label: say("report-fig-recovery"),
            value: percent(r.recovery_rate),
            href: cases("retained"),
            note: recovery_note,
        },
        Figure {
            label: say("report-fig-win-back"),
            value: percent(r.win_back_rate),
            href: cases("won_back"),
            note: if r.lost_told == 0 {
                say("report-fig-win-back-none")
            } else {
                say_with("report-fig-win-back-note", &[("won", r.won_back.into()), ("told", r.lost_told.into())])
            },
        },
        Figure {
            label: say("report-fig-complaints"),
            value: r.cases_opened.to_string(),
            href: cases("opened"),
            note: String::new(),
        },
        Figure {
            label: say("report-fig-kept"),
            value: r.retained.to_string(),
            href: cases("retained"),
            note: if r.retained == 0 {
                String::new()
            } else {
                say_with(
                    "report-fig-kept-note",
                    &[("follow_up", r.retained_after_follow_up.into()), ("manager", r.retained_by_manager.into())],
                )
            },
        },
        Figure { label: say("report-fig-lost"), value: r.lost.to_string(), href: cases("lost"), note: String::new() },
    ];
    if r.awaiting_outcome > 0 {
        out.push(Figure {
            label: say("report-fig-waiting"),
            value: r.awaiting_outcome.to_string(),
            href: cases("waiting"),
            note: say("report-fig-waiting-note"),
        });
    }
    out.extend([
        Figure {
            label: say("report-fig-open"),
            value: r.still_open.to_string(),
            href: cases("open"),
            note: String::new(),
        },
        Figure {
            label: say("report-fig-satisfaction"),
            value: r
                .satisfaction_average
                .map(|a| say_with("report-fig-satisfaction-value", &[("average", decimal(a, 1, lang).into())]))
                .unwrap_or_else(|| say("report-fig-satisfaction-none")),
            href: None,
            note: say_with("report-fig-answers", &[("count", r.satisfaction_count.into())]),
        },
        Figure {
            label: say("report-fig-acknowledge"),
            value: hours_text(r.hours_to_acknowledge, lang),
            href: None,
            note: say("report-fig-acknowledge-note"),
        },
        Figure {
            label: say("report-fig-fix"),
            value: hours_text(r.hours_to_fix, lang),
            href: None,
            note: String::new(),
        },
        Figure {
            label: say("report-fig-follow-up"),
            value: hours_text(r.hours_to_follow_up, lang),
            href: None,
            note: String::new(),
        },
        Figure {
            label: say("report-fig-steps"),
            value: r
                .steps_done_average
                .map(|s| say_with("report-fig-steps-value", &[("steps", decimal(s, 1, lang).into())]))
                .unwrap_or_else(|| "–".to_owned()),
            href: None,
            note: String::new(),
        },
        Figure {
            label: say("report-fig-repeat"),
            value: r.repeat_complainers.to_string(),
            href: None,
            note: String::new(),
        },
        Figure {
            label: say("report-fig-promises"),
            value: r.broken_promises.to_string(),
            href: Some("#promises".into()),
            note: String::new(),
        },
    ]);
    out
}

/// What the customers kept bring for each whole unit of currency given as gestures, in
/// minor units (the template writes both as money): "£5.00 kept for every £1.00 given".
#[derive(Serialize)]
struct PerUnit {
    kept: i64,
    given: i64,
}

fn per_unit(r: &Report) -> Vec<Option<PerUnit>> {
    r.money
        .iter()
        .map(|m| {
            (m.gesture_cost_minor > 0).then(|| {
                let scale = 10_i64.pow(amends_domain::money::minor_digits(&m.currency));
                let kept_per_unit = m.lifetime_value_kept_minor as f64 / m.gesture_cost_minor as f64;
                PerUnit { kept: (kept_per_unit * scale as f64).round() as i64, given: scale }
            })
        })
        .collect()
}

/// A share of a group, with the counts behind it: "40 % (2 of 5)".
#[derive(Serialize)]
struct RateOf {
    rate: String,
    count: i64,
    total: i64,
}

#[derive(Serialize)]
struct MonthLine {
    name: String,
    opened: i64,
    retained: i64,
    lost: i64,
    recovery: String,
    complainers: RateOf,
    never: RateOf,
    href: String,
}

/// The query of a range as links carry it.
fn range_query(from: OffsetDateTime, to: OffsetDateTime) -> String {
    format!("from={}&to={}", super::urlencode(&rfc3339(from)), super::urlencode(&rfc3339(to)))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The months' names as the page's `when` filter writes them ("Nov 2026"), for the
/// charts drawn here: the same words as the table's, in the reader's language.
fn month_names(session: &StaffSession, months: &[OffsetDateTime]) -> Vec<String> {
    let starts: Vec<String> = months.iter().map(|m| rfc3339(*m)).collect();
    let written = super::environment().render_str(
        "{% for m in months %}{{ m | when('month') }}\n{% endfor %}",
        minijinja::context! { layout => session.layout(), months => starts },
    );
    match written {
        // A template from a string has no extension, so nothing is escaped: the chart does it.
        Ok(names) => names.lines().map(str::to_owned).collect(),
        Err(e) => {
            tracing::error!(error = %e, "month names could not be written");
            starts
        }
    }
}

/// `GET /reports`
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<PageRange>,
) -> Result<Response, PageError> {
    let lang = session.language;
    let report = load(&state, &session, &q).await?;
    let zone = report.zone.clone();
    let range = range_query(report.from, report.to);
    let last_day = report.to - time::Duration::milliseconds(1);
    let rate_of = |rate: Option<f64>, count: i64, total: i64| RateOf { rate: percent(rate), count, total };
    let names = month_names(&session, &report.months.iter().map(|m| m.from).collect::<Vec<_>>());
    let months: Vec<MonthLine> = report
        .months
        .iter()
        .zip(&names)
        .map(|(m, name)| MonthLine {
            name: name.clone(),
            opened: m.cases_opened,
            retained: m.retained,
            lost: m.lost,
            recovery: percent(m.recovery_rate),
            complainers: rate_of(m.return_rate_complainers, m.complainers_returned, m.complainers),
            never: rate_of(m.return_rate_non_complainers, m.non_complainers_returned, m.non_complainers),
            href: format!("/reports/cases?{}&figure=opened", range_query(m.from, m.to)),
        })
        .collect();
    let no_data = text(lang, "report-chart-no-data");
    let recovery_chart = month_chart(
        &text(lang, "report-chart-recovery"),
        &names,
        &[Series {
            name: &text(lang, "report-chart-recovery-series"),
            colour: "#2f6f5e",
            rates: report.months.iter().map(|m| m.recovery_rate).collect(),
        }],
        &no_data,
    );
    let returns_chart = month_chart(
        &text(lang, "report-chart-returns"),
        &names,
        &[
            Series {
                name: &text(lang, "report-chart-complained"),
                colour: "#2f6f5e",
                rates: report.months.iter().map(|m| m.return_rate_complainers).collect(),
            },
            Series {
                name: &text(lang, "report-chart-never"),
                colour: "#b0801f",
                rates: report.months.iter().map(|m| m.return_rate_non_complainers).collect(),
            },
        ],
        &no_data,
    );
    let causes: Vec<(String, f64)> = report.root_causes.iter().map(|c| (c.title.clone(), c.cases as f64)).collect();
    let (one, many) =
        (format!(" {}", text(lang, "report-chart-case")), format!(" {}", text(lang, "report-chart-cases")));
    let pareto = bar_chart(&text(lang, "report-chart-causes"), &causes, (&one, &many));
    let linked: i64 = report.root_causes.iter().map(|c| c.cases).sum();
    let root_causes: Vec<minijinja::Value> = report
        .root_causes
        .iter()
        .map(|c| {
            minijinja::context! {
                problem_id => c.problem_id, title => c.title, cases => c.cases,
                share => format!("{:.0} %", c.cases as f64 * 100.0 / linked.max(1) as f64),
                cumulative => format!("{:.0} %", c.cumulative_percent),
                href => format!("/reports/cases?{range}&figure=problem&problem={}", c.problem_id),
            }
        })
        .collect();
    let promises: Vec<minijinja::Value> = report
        .promises_broken
        .iter()
        .map(|p| {
            minijinja::context! {
                case_id => p.case_id, reference => p.case_reference, customer => p.customer_name,
                what => p.what, due_at => rfc3339(p.due_at),
            }
        })
        .collect();
    // The customers' own words, beside the figures: escaped by the template, never links.
    let testimonials: Vec<minijinja::Value> = state
        .store
        .testimonials_between(report.from, report.to, 20)
        .await?
        .iter()
        .map(|t| {
            minijinja::context! {
                case_id => t.case_id, reference => t.case_reference, customer => t.customer_name,
                recommend => t.recommend, words => t.words, created_at => rfc3339(t.created_at),
            }
        })
        .collect();
    let context = minijinja::context! {
        layout => session.layout(),
        testimonials,
        report,
        range,
        from_day => local_day(report.from, &zone),
        to_day => local_day(last_day, &zone),
        last_day => rfc3339(last_day),
        zone,
        figures => figures(&report, &range, lang),
        per_unit => per_unit(&report),
        months,
        recovery_chart => minijinja::Value::from_safe_string(recovery_chart),
        returns_chart => minijinja::Value::from_safe_string(returns_chart),
        pareto => minijinja::Value::from_safe_string(pareto),
        root_causes,
        promises,
        returns_complained => percent(report.return_rate_complainers),
        returns_never => percent(report.return_rate_non_complainers),
        cases_href => format!("/reports/cases?{range}&figure=opened"),
    };
    Ok(render("reports.html", context)?.into_response())
}

/// `GET /reports/cases`: the cases behind one figure of a report.
pub async fn cases(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<PageRange>,
) -> Result<Response, PageError> {
    let lang = session.language;
    let report = load(&state, &session, &q).await?;
    let ids = &report.case_ids;
    let (title, list) = match (q.figure.as_deref().unwrap_or("opened"), q.problem) {
        ("opened", _) => (text(lang, "report-cases-opened"), ids.opened.clone()),
        ("retained", _) => (text(lang, "report-cases-kept"), ids.retained.clone()),
        ("lost", _) => (text(lang, "report-cases-lost"), ids.lost.clone()),
        ("won_back", _) => (text(lang, "report-cases-won-back"), ids.won_back.clone()),
        ("waiting", _) => (text(lang, "report-cases-waiting"), ids.awaiting_outcome.clone()),
        ("open", _) => (text(lang, "report-cases-open"), ids.still_open.clone()),
        ("problem", Some(p)) => {
            let title = report.root_causes.iter().find(|c| c.problem_id == p).map(|c| c.title.clone());
            let title = title
                .unwrap_or_else(|| text_with(lang, "report-cases-problem-unknown", &[("id", p.to_string().into())]));
            (
                text_with(lang, "report-cases-problem", &[("title", title.into())]),
                ids.by_problem.get(&p).cloned().unwrap_or_default(),
            )
        }
        _ => return Err(PageError::NotFound("figure")),
    };
    const SHOWN: usize = 200;
    let mut cases = Vec::new();
    for id in list.iter().rev().take(SHOWN) {
        cases.push(state.store.case(*id).await?);
    }
    let back = format!("/reports?{}", range_query(report.from, report.to));
    let (from, last_day) = (rfc3339(report.from), rfc3339(report.to - time::Duration::milliseconds(1)));
    Ok(render(
        "report_cases.html",
        minijinja::context! {
            layout => session.layout(), title, from, last_day, cases, total => list.len(), shown => SHOWN, back,
        },
    )?
    .into_response())
}

/// `GET /reports/{table}.csv`
pub async fn csv(
    State(state): State<AppState>,
    session: StaffSession,
    Path(file): Path<String>,
    Params(q): Params<PageRange>,
) -> Result<Response, PageError> {
    let name = file.strip_suffix(".csv").ok_or(PageError::NotFound("table"))?;
    let report = load(&state, &session, &q).await?;
    let (_, rows) = tables(&report).into_iter().find(|(n, _)| *n == name).ok_or(PageError::NotFound("table"))?;
    let body: String =
        rows.iter().map(|r| r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",") + "\r\n").collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chart_escapes_labels_and_scales_bars() {
        let svg = super::bar_chart("T", &[("<a>".into(), 4.0), ("b".into(), 2.0)], ("", ""));
        assert!(svg.contains("&lt;a&gt;") && !svg.contains("<a>"));
        assert!(svg.contains("width=\"360.0\"") && svg.contains("width=\"180.0\""));
    }

    #[test]
    fn a_long_label_is_cut_to_fit_and_kept_whole_in_its_title() {
        let long = "Weekend deliveries slip because the van is shared with the café next door";
        let svg = super::bar_chart("T", &[(long.into(), 2.0), ("Short".into(), 1.0)], (" case", " cases"));
        assert!(svg.contains(&format!("<title>{long}: 2 cases</title>")), "{svg}");
        assert!(svg.contains(">Weekend deliveries slip because t…</text>"), "{svg}");
        assert!(svg.contains(">1 case</text>") && svg.contains(">2 cases</text>"), "{svg}");
    }

    #[test]
    fn a_month_chart_names_each_month_and_says_when_one_has_no_data() {
        let svg = super::month_chart(
            "Recovery",
            &["Oct 2026".into(), "Nov 2026".into()],
            &[super::Series { name: "Recovery rate", colour: "#000", rates: vec![None, Some(0.5)] }],
            "no case to count",
        );
        assert!(svg.contains(">Oct 2026</text>") && svg.contains(">Nov 2026</text>"), "{svg}");
        assert!(svg.contains(">50 %</text>") && svg.contains("Oct 2026, Recovery rate: no case to count"), "{svg}");
    }

    #[test]
    fn a_report_range_is_six_months_by_default() {
        assert_eq!(super::month_start("2026-11-30", 5), "2026-06-01");
        assert_eq!(super::month_start("2026-03-04", 5), "2025-10-01");
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(super::csv_cell("a,b"), "\"a,b\"");
        assert_eq!(super::csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(super::csv_cell("-1.5"), "-1.5");
        assert_eq!(super::csv_cell("  @SUM(A1)"), "  '@SUM(A1)");
    }

    #[test]
    fn csv_cells_are_safe_where_a_locale_splits_on_semicolons() {
        assert_eq!(super::csv_cell("a;b"), "\"a;b\"");
        assert_eq!(super::csv_cell("Late;=HYPERLINK(\"x\")"), "\"Late;'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(super::csv_cell("a, +1"), "\"a, '+1\"");
        assert_eq!(super::csv_cell("tab\t-2+3"), "\"tab\t'-2+3\"");
        assert_eq!(super::csv_cell("line\n@x"), "\"line\n'@x\"");
        // Whatever separator a reader splits on, no piece starts a formula.
        for cell in ["x;=1", "y,@2", "z\t+3", "=a;=b,=c"] {
            let out = super::csv_cell(cell);
            for piece in out.trim_matches('"').split(super::SEPARATORS) {
                assert!(!piece.trim_start().starts_with(['=', '+', '-', '@']), "{cell:?} gave {out:?}");
            }
        }
    }
}
