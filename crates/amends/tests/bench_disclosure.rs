//! A disclosure at scale on SQLite: 1,000,000 transactions imported, an audience of
//! 100,000 customers counted, and all their notices queued. Prints the figures.
//!
//! cargo test --release -p amends --test bench_disclosure -- --ignored --nocapture
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use amends_domain::Role;
use amends_domain::disclosure::Audience;
use amends_store::{NewDisclosure, Store, StoreSettings};
use amends_web::api::imports::{ImportKind, import_csv};
use time::macros::datetime;

/// CPU seconds this process has used (all threads), from /proc: on a machine shared with
/// other work the wall time says little, the CPU time says what the work cost.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// `AMENDS_BENCH_DIVIDE=N` runs it at 1/N of the size (a quick check in debug builds).
fn divide() -> usize {
    std::env::var("AMENDS_BENCH_DIVIDE").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: minutes in debug, run with --release"]
async fn audience_of_100k_out_of_1m_transactions() {
    let (customers, transactions) = (200_000 / divide(), 1_000_000 / divide());
    let audience_size = customers as i64 / 2;
    let dir = std::env::temp_dir().join(format!("amends-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = amends::config::sqlite_url(&dir.join("bench.db"));
    let store = Store::open(&url, StoreSettings::default()).await.unwrap();

    // Both imports go the way `amends import` goes: CSV text, parsed and checked row by
    // row, stored in batches.
    let mut csv = String::from("name,email,external_id,postal_address\n");
    for i in 0..customers {
        // Every tenth customer (none of them in the audience) has no email address.
        let email = if i % 10 == 9 { String::new() } else { format!("c{i}@example.com") };
        csv.push_str(&format!("Customer {i},{email},k{i},\"{i} Long Street, 10115 Berlin\"\n"));
    }
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let report = import_csv(&store, ImportKind::Customers, &csv, |_, _| {}).await.unwrap();
    let took = started.elapsed().as_secs_f64();
    assert_eq!(report.inserted, customers as u64);
    println!(
        "customers: {customers} imported in {took:.2} s ({:.0} rows/s; {:.2} s of CPU)",
        customers as f64 / took,
        cpu_seconds() - cpu
    );

    // Every other customer bought from batch 7 in October: 100,000 of them, each once.
    let october = datetime!(2026-10-01 00:00 UTC);
    let mut csv =
        String::from("customer_external_id,external_id,kind,amount_minor,currency,sku,location,occurred_at\n");
    for i in 0..transactions {
        let customer = i % customers;
        let affected = i < customers && customer.is_multiple_of(2);
        let sku = if affected { "BATCH-7".to_owned() } else { format!("SKU-{}", i % 300) };
        let at = (october + time::Duration::minutes(i64::try_from(i % 40_000).unwrap()))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        csv.push_str(&format!("k{customer},t{i},order,{},EUR,{sku},Shop {},{at}\n", 500 + i % 5000, i % 12));
    }
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let report = import_csv(&store, ImportKind::Transactions, &csv, |_, _| {}).await.unwrap();
    let took = started.elapsed().as_secs_f64();
    assert_eq!(report.inserted, transactions as u64, "{:?}", report.errors.first());
    println!(
        "transactions: {transactions} imported in {took:.2} s ({:.0} rows/s; {:.2} s of CPU)",
        transactions as f64 / took,
        cpu_seconds() - cpu
    );
    drop(csv);

    let audience = Audience {
        skus: vec!["BATCH-7".into()],
        from: Some(october),
        to: Some(datetime!(2026-11-01 00:00 UTC)),
        ..Audience::default()
    };
    let started = Instant::now();
    let preview = store.audience_preview(&audience, 20).await.unwrap();
    let counted = started.elapsed().as_secs_f64();
    println!("audience: {} customers counted (with a sample of 20) in {counted:.3} s", preview.count);
    assert_eq!(preview.count, audience_size);

    let user = store.create_user("m@example.com", "Manager", Role::Manager, "x").await.unwrap();
    let problem = store.create_problem("Batch 7 underbaked", "", user.id).await.unwrap();
    let d = store
        .create_disclosure(
            &NewDisclosure {
                problem_id: problem.id,
                title: "Batch 7".into(),
                explanation: "It was underbaked.".into(),
                solution: "A new one.".into(),
                audience: audience.clone(),
                channels: Default::default(),
            },
            user.id,
        )
        .await
        .unwrap();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    store.start_disclosure(d.id).await.unwrap();
    let notifier = amends_jobs::Notifier::new(store.clone(), amends_jobs::JobSettings::default());
    notifier.disclosure_notices(d.id).await.unwrap();
    let queued = started.elapsed().as_secs_f64();
    let queue_cpu = cpu_seconds() - cpu;
    let d = store.disclosure(d.id).await.unwrap();
    println!(
        "notices: {} queued in {queued:.2} s ({queue_cpu:.2} s of CPU; audience fixed, links made, outbox and send jobs written)",
        d.progress.queued
    );
    assert_eq!(d.progress.queued, audience_size);
    println!("targets: count < 1 s: {}; queued < 10 s: {}", counted < 1.0, queued < 10.0);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
