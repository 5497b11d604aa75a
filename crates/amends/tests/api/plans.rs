//! Every list and search query uses an index on both databases: with enough rows seeded
//! and the statistics gathered, no plan reads the whole of cases, customers,
//! transactions or case events.

use amends_store::{Backend, Store, StoreSettings};
use sqlx::Executor;

use crate::helpers::TestApp;

/// Seeds rows straight into the tables (the API would take minutes for this many):
/// enough that a full scan costs the planner more than an index would.
async fn seed(url: &str, backend: Backend) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap();
    let (customers, cases, transactions) = (5_000, 20_000, 20_000);
    let series = |n: i64| match backend {
        Backend::Sqlite => {
            format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s")
        }
        Backend::Postgres => format!("SELECT i FROM generate_series(1, {n}) AS s(i)"),
    };
    let statements = [
        format!(
            "INSERT INTO customers (name, name_key, email, email_key, created_at, updated_at)
             SELECT 'Customer ' || i, 'customer ' || i, 'c' || i || '@example.com', 'c' || i || '@example.com', i, i
             FROM ({}) s",
            series(customers)
        ),
        format!(
            "INSERT INTO cases (customer_id, channel, severity, body, status, next_step, next_due_at, owner_id,
                                created_at, updated_at)
             SELECT 1 + (i % {customers}), 'email',
                    CASE WHEN i % 20 = 0 THEN 'high' ELSE 'normal' END,
                    CASE WHEN i % 50 = 0 THEN 'The cake came late' ELSE 'Bread number ' || i || ' was stale' END,
                    CASE WHEN i % 10 = 0 THEN 'open' ELSE 'closed' END,
                    CASE WHEN i % 10 = 0 THEN 'apologise' END,
                    CASE WHEN i % 10 = 0 THEN 1700000000000 + i END,
                    NULL, i, i
             FROM ({}) s",
            series(cases)
        ),
        format!(
            "INSERT INTO transactions (customer_id, external_id, kind, amount_minor, currency, occurred_at, created_at)
             SELECT 1 + (i % {customers}), 'tx-' || i, 'order', 1000 + i, 'EUR', i, i FROM ({}) s",
            series(transactions)
        ),
        // Every case's opening event, and a gesture on one case in a hundred.
        format!(
            "INSERT INTO case_events (case_id, at, actor_kind, kind, data)
             SELECT i, 1700000000000 + i, 'system', CASE WHEN i % 100 = 0 THEN 'gesture_recorded' ELSE 'opened' END, '{{}}'
             FROM ({}) s",
            series(cases)
        ),
        "INSERT INTO problems (title, created_at, updated_at) VALUES ('Late deliveries', 1, 1)".to_owned(),
        // VACUUM also folds the rows just seeded into the GIN index, as autovacuum would.
        match backend {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM ANALYZE",
        }
        .to_owned(),
    ];
    for sql in statements {
        conn.execute(sql.as_str()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

async fn no_list_or_search_reads_a_whole_large_table(app: TestApp) {
    let store = Store::connect(&app.database_url, StoreSettings::default()).await.unwrap();
    seed(&app.database_url, store.backend()).await;
    let plans = store.query_plans().await.unwrap();
    assert!(plans.len() >= 25, "every list is explained ({})", plans.len());
    let mut scans = Vec::new();
    for plan in &plans {
        eprintln!("-- {}\n{}\n", plan.name, plan.plan);
        if let Some(line) = plan.full_scan(store.backend()) {
            scans.push(format!("{}: {line}\n  {}", plan.name, plan.sql));
        }
    }
    assert!(scans.is_empty(), "full scans on {}:\n{}", store.backend().name(), scans.join("\n"));
    store.close().await;
}

crate::on_both_databases!(no_list_or_search_reads_a_whole_large_table);
