//! A fast way to fill a migrated database with years of a business: customers, their
//! transactions, and cases with their timelines. Rows go in through multi-row INSERTs in
//! large transactions on one connection, straight into the tables the server reads, so a
//! million cases take a minute or two, not hours of HTTP.
//!
//! The data is made from a fixed seed, so every run seeds the same rows. Each case's
//! derived columns come from replaying its events with the domain's playbook, as the
//! server would have written them. Complaint words follow a long-tailed distribution
//! over a few thousand words, so a search for a rare word matches few cases and a
//! common one many, as in real complaints.

use std::time::Instant;

use amends_domain::playbook::{Actor, EscalationContext, Event, EventKind, Outcome, Playbook, escalation_reasons};
use amends_domain::{Channel, DuePolicy, Severity};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection, Connection, Executor, Row};
use time::{Duration, OffsetDateTime};

/// How much to seed.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub cases: usize,
    pub customers: usize,
    pub transactions: usize,
}

/// What the benchmark needs to know of the seeded data.
pub struct Seeded {
    /// A word found in few cases (about one in a thousand) and one found in very many.
    pub rare_word: String,
    pub common_word: String,
    pub seconds: f64,
}

/// Words that open and close most complaints; the rest come from a made-up vocabulary.
const COMMON: &[&str] = &[
    "the", "order", "delivery", "late", "wrong", "refund", "called", "nobody", "replied", "broken", "missing",
    "charged", "twice", "waited", "hours", "manager", "rude", "cold", "damaged", "package", "invoice",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ver", "tan", "sol", "pre", "dun", "bel", "ri", "gos", "fa", "nu", "ter", "quin", "zo", "ha",
    "mar", "pel", "ost",
];
const FIRST: &[&str] =
    &["Ada", "Ben", "Chloé", "Dmitri", "Eva", "Femi", "Grace", "Hiro", "Inès", "Jon", "Kemal", "Lena"];
const LAST: &[&str] = &["Okafor", "Schmidt", "Lindqvist", "Moreau", "Tanaka", "Novak", "Rossi", "Byrne", "Silva"];
const ROWS_PER_STATEMENT: usize = 500;
const ROWS_PER_TRANSACTION: usize = 50_000;
const DAY_MS: i64 = 86_400_000;
/// The seeded business is three years old.
const YEARS_MS: i64 = 3 * 365 * DAY_MS;

fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
    for a in SYLLABLES {
        for b in SYLLABLES {
            for c in ["", "n", "s", "la", "ro"] {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

/// An index into the vocabulary, low ones far more often: log-uniform, close to Zipf.
fn long_tailed(rng: &mut StdRng, n: usize) -> usize {
    ((n as f64).powf(rng.r#gen::<f64>()) as usize).saturating_sub(1).min(n - 1)
}

pub async fn seed(url: &str, scale: Scale) -> anyhow::Result<Seeded> {
    sqlx::any::install_default_drivers();
    let started = Instant::now();
    let mut conn = AnyConnection::connect(url).await?;
    let postgres = url.starts_with("postgres");
    let mut rng = StdRng::seed_from_u64(20261125);
    let now = OffsetDateTime::now_utc();
    let now_ms = millis(now);
    let words = vocabulary();

    let owner: Option<i64> =
        conn.fetch_optional("SELECT id FROM users ORDER BY id LIMIT 1").await?.map(|r| r.try_get(0)).transpose()?;

    insert_rows(
        &mut conn,
        postgres,
        "customers (name, name_key, email, email_key, phone, external_id, postal_address, notes, watch, created_at, updated_at)",
        scale.customers,
        |i, args| {
            let name = format!("{} {} {i}", FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
            let email = format!("customer{i}@seed.example");
            let at = now_ms - YEARS_MS + (i as i64 * YEARS_MS / scale.customers.max(1) as i64);
            push(args, name.clone());
            push(args, name.to_lowercase());
            push(args, email.clone());
            push(args, email);
            push(args, format!("+44 20 7946 {:04}", i % 10_000));
            push(args, format!("cust-{i}"));
            push(args, format!("{i} High Street\nLeeds LS1 {}AB", i % 10));
            push(args, String::new());
            push(args, 0_i64);
            push(args, at);
            push(args, at);
        },
    )
    .await?;

    let mut tx_rng = StdRng::seed_from_u64(7);
    insert_rows(
        &mut conn,
        postgres,
        "transactions (customer_id, external_id, kind, amount_minor, currency, sku, location, occurred_at, created_at)",
        scale.transactions,
        |i, args| {
            let customer = tx_rng.gen_range(1..=scale.customers.max(1)) as i64;
            let at = now_ms - tx_rng.gen_range(0..YEARS_MS);
            push(args, customer);
            push(args, format!("tx-{i}"));
            push(args, if i % 25 == 0 { "refund" } else { "order" }.to_owned());
            push(args, tx_rng.gen_range(500..20_000_i64));
            push(args, "EUR".to_owned());
            push(args, format!("SKU-{:03}", long_tailed(&mut tx_rng, 400)));
            push(args, format!("Store {}", tx_rng.gen_range(1..=20)));
            push(args, at);
            push(args, at);
        },
    )
    .await?;

    let policy = DuePolicy::default();
    let severities = [Severity::Low, Severity::Normal, Severity::Normal, Severity::High, Severity::Critical];
    let channels = Channel::ALL;
    let mut events: Vec<(i64, i64, String, String)> = Vec::with_capacity(scale.cases * 2);
    insert_rows(
        &mut conn,
        postgres,
        "cases (customer_id, channel, severity, category, tags, subject, body, wish, order_ref, status, next_step,
            next_due_at, escalation_required, owner_id, version, created_at, updated_at, suggested_severity)",
        scale.cases,
        |i, args| {
            let case_id = i as i64 + 1;
            let created = now_ms - YEARS_MS + (i as i64 * YEARS_MS / scale.cases.max(1) as i64);
            let severity = severities[rng.gen_range(0..severities.len())];
            let body_words: Vec<&str> =
                (0..rng.gen_range(12..40)).map(|_| words[long_tailed(&mut rng, words.len())].as_str()).collect();
            let body = body_words.join(" ");
            let opened = Event {
                at: at(created),
                actor: Actor::System,
                kind: EventKind::Opened {
                    channel: channels[i % channels.len()],
                    severity,
                    escalate_because: escalation_reasons(EscalationContext {
                        severity,
                        recent_cases: 0,
                        lifetime_value_minor: 0,
                        valuable_customer_minor: i64::MAX,
                    }),
                },
            };
            // Most cases older than a month are closed; the rest are being worked.
            let closed = created < now_ms - 30 * DAY_MS && rng.gen_ratio(97, 100);
            let outcome = closed.then(|| Event {
                at: at(created + rng.gen_range(1..20) * DAY_MS),
                actor: Actor::System,
                kind: EventKind::OutcomeRecorded {
                    outcome: if rng.gen_ratio(8, 10) { Outcome::Retained } else { Outcome::Lost },
                    reason: "seeded".to_owned(),
                },
            });
            let timeline: Vec<&Event> = std::iter::once(&opened).chain(outcome.as_ref()).collect();
            let playbook = Playbook::replay(timeline.iter().copied());
            let next = playbook.next_step(&policy);
            let updated = timeline.last().map(|e| millis(e.at)).unwrap_or(created);
            for e in &timeline {
                events.push((
                    case_id,
                    millis(e.at),
                    e.kind.name().to_owned(),
                    serde_json::to_string(&e.kind).unwrap_or_default(),
                ));
            }
            push(args, rng.gen_range(1..=scale.customers.max(1)) as i64);
            push(args, channels[i % channels.len()].as_str().to_owned());
            push(args, severity.as_str().to_owned());
            push(args, Some(format!("category {}", long_tailed(&mut rng, 30))));
            push(args, "[]".to_owned());
            push(args, Some(body_words[..4].join(" ")));
            push(args, body.clone());
            push(args, None::<String>);
            push(args, Some(format!("ORD-{}", 100_000 + i)));
            push(args, playbook.status(&policy).as_str().to_owned());
            push(args, next.map(|(s, _)| s.as_str().to_owned()));
            push(args, next.map(|(_, due)| millis(due)));
            push(args, i64::from(playbook.escalation_required()));
            push(args, owner.filter(|_| rng.gen_ratio(1, 5)));
            push(args, timeline.len() as i64);
            push(args, created);
            push(args, updated);
            // What intake keeps: without it every read of the case would read its words again.
            push(args, amends_store::suggested_severity(&body, None).as_str().to_owned());
        },
    )
    .await?;

    // Events name their cases by the ids a fresh table hands out: 1, 2, 3…
    let last_case: Option<i64> = conn.fetch_one("SELECT MAX(id) FROM cases").await?.try_get(0)?;
    if last_case != Some(scale.cases as i64) {
        anyhow::bail!("seeding needs an empty database (the last case is {last_case:?})");
    }
    let mut next_event = events.into_iter();
    let count = next_event.len();
    insert_rows(
        &mut conn,
        postgres,
        "case_events (case_id, at, actor_kind, actor_user_id, kind, data)",
        count,
        |_, args| {
            let (case_id, at, kind, data) = next_event.next().unwrap_or_default();
            push(args, case_id);
            push(args, at);
            push(args, "system".to_owned());
            push(args, None::<i64>);
            push(args, kind);
            push(args, data);
        },
    )
    .await?;

    if postgres {
        // What autovacuum does after a million inserts: the planner's statistics, and
        // the visibility map that lets the inbox's counts read their index alone.
        conn.execute("VACUUM ANALYZE").await?;
    }
    conn.close().await?;
    Ok(Seeded {
        rare_word: words[words.len() / 2].clone(),
        common_word: words[10].clone(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn push<'q, T>(args: &mut AnyArguments<'q>, value: T)
where
    T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
{
    // Binding a plain value into the Any driver's argument list cannot fail.
    let _ = sqlx::Arguments::add(args, value);
}

fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::milliseconds(ms)
}

/// Inserts `count` rows into `table (columns)`, `fill` binding row `i`'s values in
/// column order: many rows per statement, many statements per transaction.
async fn insert_rows<F>(
    conn: &mut AnyConnection,
    postgres: bool,
    table: &str,
    count: usize,
    mut fill: F,
) -> anyhow::Result<()>
where
    F: FnMut(usize, &mut AnyArguments<'static>),
{
    let columns = table.matches(',').count() + 1;
    let mut done = 0;
    while done < count {
        let mut tx = conn.begin().await?;
        let end = (done + ROWS_PER_TRANSACTION).min(count);
        while done < end {
            let rows = ROWS_PER_STATEMENT.min(end - done);
            let mut args = AnyArguments::default();
            for i in done..done + rows {
                fill(i, &mut args);
            }
            let values: Vec<String> = (0..rows)
                .map(|r| {
                    // SQLite binds numbered placeholders by looking each number up in a list,
                    // which costs the square of a statement's values; anonymous ones do not.
                    let cells: Vec<String> = (1..=columns)
                        .map(|c| if postgres { format!("${}", r * columns + c) } else { "?".to_owned() })
                        .collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            let sql = format!("INSERT INTO {table} VALUES {}", values.join(", "));
            sqlx::query_with(&sql, args).execute(&mut *tx).await?;
            done += rows;
        }
        tx.commit().await?;
    }
    Ok(())
}
