//! The owner's report as a page: tables, bar charts drawn here as SVG (no chart
//! service), and every table as CSV.

use amends_domain::Role;
use amends_store::Report;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{PageError, StaffSession, render};
use crate::AppState;
use crate::api::reports::RangeQuery;
use crate::json::Params;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal bar chart: one labelled bar per row, scaled to the largest value.
pub(crate) fn bar_chart(title: &str, rows: &[(String, f64)], unit: &str) -> String {
    let (label_w, bar_w, row_h) = (220.0, 360.0, 26.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{t}\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\" class=\"chart\"><title>{t}</title>",
        t = escape(title),
        w = label_w + bar_w + 90.0,
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        let width = if max > 0.0 { (value / max * bar_w).max(1.0) } else { 1.0 };
        let shown = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.2}") };
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{label}</text>\
             <rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"{bh}\" fill=\"#2f6f5e\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"13\">{shown}{unit}</text>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            bh = row_h - 8.0,
            vx = label_w + width + 6.0,
            label = escape(label),
            unit = escape(unit),
        ));
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
    vec![("summary", summary), ("money", money), ("returns", returns), ("root_causes", causes)]
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

async fn load(state: &AppState, session: &StaffSession, q: &RangeQuery) -> Result<Report, PageError> {
    session.require(Role::Manager)?;
    let (from, to) = q.range(state.store.now()).map_err(|e| PageError::BadForm(e.message))?;
    Ok(state.store.report(from, to).await?)
}

/// `GET /reports`
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<RangeQuery>,
) -> Result<Response, PageError> {
    let report = load(&state, &session, &q).await?;
    let fmt = &time::format_description::well_known::Rfc3339;
    let range = format!(
        "from={}&to={}",
        super::urlencode(&report.from.format(fmt).unwrap_or_default()),
        super::urlencode(&report.to.format(fmt).unwrap_or_default())
    );
    let outcomes = bar_chart(
        "Cases by outcome",
        &[("Retained".to_owned(), report.retained as f64), ("Lost".to_owned(), report.lost as f64)],
        "",
    );
    let causes: Vec<(String, f64)> = report.root_causes.iter().map(|c| (c.title.clone(), c.cases as f64)).collect();
    let pareto = bar_chart("Root causes by frequency", &causes, " cases");
    let returns = bar_chart(
        "Return rate, percent",
        &[
            ("Complained".to_owned(), report.return_rate_complainers.unwrap_or(0.0) * 100.0),
            ("Never complained".to_owned(), report.return_rate_non_complainers.unwrap_or(0.0) * 100.0),
        ],
        " %",
    );
    let tables: Vec<minijinja::Value> = tables(&report)
        .into_iter()
        .map(|(name, rows)| minijinja::context! { name, header => rows[0].clone(), rows => rows[1..].to_vec() })
        .collect();
    let charts = vec![
        minijinja::Value::from_safe_string(outcomes),
        minijinja::Value::from_safe_string(pareto),
        minijinja::Value::from_safe_string(returns),
    ];
    Ok(render("reports.html", minijinja::context! { layout => session.layout(), report, tables, charts, range })?
        .into_response())
}

/// `GET /reports/{table}.csv`
pub async fn csv(
    State(state): State<AppState>,
    session: StaffSession,
    Path(file): Path<String>,
    Params(q): Params<RangeQuery>,
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
        let svg = super::bar_chart("T", &[("<a>".into(), 4.0), ("b".into(), 2.0)], "");
        assert!(svg.contains("&lt;a&gt;") && !svg.contains("<a>"));
        assert!(svg.contains("width=\"360.0\"") && svg.contains("width=\"180.0\""));
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
