//! A small builder for list queries whose filters vary: it numbers the `$n`
//! placeholders and keeps the values in order; and the placeholders of multi-row
//! statements, which bulk writes (imports, a disclosure's notices) use instead of one
//! statement per row.

use crate::Backend;
use crate::db;

/// Rows per multi-row statement: well inside SQLite's 32,766 and PostgreSQL's 65,535
/// parameters for the widest row written so (nine values).
pub(crate) const ROWS_PER_STATEMENT: usize = 1_000;

/// The placeholder for each value of a bulk statement, in the order they are bound. On
/// SQLite these are anonymous `?`: with numbered ones, binding looks each number up in a
/// list (`sqlite3_bind_parameter_name`), which made a 9,000-value statement spend 80% of
/// its time binding. So a bulk statement has no shared placeholder: constants it repeats
/// (the time, a job's kind) are written into the SQL as literals.
fn mark(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `(…), (…)`: `rows` groups of `width` placeholders, each group shaped by `shape`
/// (which may add literals around them).
pub(crate) fn value_rows(backend: Backend, rows: usize, width: usize, shape: impl Fn(&[String]) -> String) -> String {
    let mut out = String::with_capacity(rows * width * 6);
    for r in 0..rows {
        let marks: Vec<String> = (0..width).map(|c| mark(backend, 1 + r * width + c)).collect();
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        out.push_str(&shape(&marks));
        out.push(')');
    }
    out
}

/// `n` placeholders for an `IN (…)` list that holds every value of the statement.
pub(crate) fn in_list(backend: Backend, n: usize) -> String {
    (1..=n).map(|i| mark(backend, i)).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
    MaybeInt(Option<i64>),
    MaybeText(Option<String>),
}

#[derive(Default)]
pub(crate) struct Filters {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filters {
    /// The next placeholder, bound to `value`.
    pub(crate) fn param(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    /// Adds a clause built around fresh placeholders.
    pub(crate) fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// Appends a value for a placeholder the caller wrote itself.
    pub(crate) fn value(&mut self, value: Value) {
        self.values.push(value);
    }

    /// `$a, $b, …` bound to `values`, for an `IN (…)` list.
    pub(crate) fn list(&mut self, values: impl IntoIterator<Item = Value>) -> String {
        values.into_iter().map(|v| self.param(v)).collect::<Vec<_>>().join(", ")
    }

    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!("WHERE {}", self.clauses.join(" AND ")) }
    }

    pub(crate) fn bind<'q>(&self, sql: &'q str) -> db::Query<'q> {
        bind_values(sql, &self.values)
    }

    /// The values, in the order of their placeholders.
    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }
}

/// `sql` with `values` bound to its placeholders in order.
pub(crate) fn bind_values<'q>(sql: &'q str, values: &[Value]) -> db::Query<'q> {
    let mut query = db::query(sql);
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(s) => query.bind(s.clone()),
            Value::MaybeInt(v) => query.bind(*v),
            Value::MaybeText(s) => query.bind(s.clone()),
        };
    }
    query
}

/// Turns free text into an FTS5 query that matches every word, whatever operators or
/// quotes the text holds: each word is quoted, so nothing is parsed as syntax.
pub(crate) fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_are_quoted_words() {
        assert_eq!(fts5_query("late \"cake\" OR NOT*").as_deref(), Some("\"late\" \"cake\" \"OR\" \"NOT\""));
        assert_eq!(fts5_query("  ** "), None);
    }
}
