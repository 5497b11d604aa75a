//! A disclosure at scale on SQLite: 1,000,000 transactions imported, an audience of
//! 100,000 customers counted, and all their notices queued. Prints the figures.
//!
//! cargo test --release -p amends --test bench_disclosure -- --ignored --nocapture
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use amends_domain::disclosure::Audience;
use amends_domain::{CustomerEmail, CustomerName, Role, TransactionKind};
use amends_store::{NewCustomer, NewTransaction, Store, StoreSettings, TransactionCustomer};
use time::macros::datetime;

const CUSTOMERS: usize = 200_000;
const TRANSACTIONS: usize = 1_000_000;
const BATCH: usize = 5_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: minutes in debug, run with --release"]
async fn audience_of_100k_out_of_1m_transactions() {
    let dir = std::env::temp_dir().join(format!("amends-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = amends::config::sqlite_url(&dir.join("bench.db"));
    let store = Store::open(&url, StoreSettings::default()).await.unwrap();

    let started = Instant::now();
    let customers: Vec<NewCustomer> = (0..CUSTOMERS)
        .map(|i| NewCustomer {
            name: CustomerName::parse(&format!("Customer {i}")).unwrap(),
            email: Some(CustomerEmail::parse(&format!("c{i}@example.com")).unwrap()),
            phone: None,
            external_id: Some(format!("k{i}")),
            postal_address: None,
            notes: String::new(),
        })
        .collect();
    for chunk in customers.chunks(BATCH) {
        store.import_customers(chunk).await.unwrap();
    }
    println!("customers: {CUSTOMERS} imported in {:.2} s", started.elapsed().as_secs_f64());

    // Every other customer bought from batch 7 in October: 100,000 of them, each once.
    let started = Instant::now();
    let october = datetime!(2026-10-01 00:00 UTC);
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..TRANSACTIONS {
        let customer = i % CUSTOMERS;
        let affected = i < CUSTOMERS && customer.is_multiple_of(2);
        batch.push(NewTransaction {
            customer: TransactionCustomer::Id(i64::try_from(customer).unwrap() + 1),
            external_id: format!("t{i}"),
            kind: TransactionKind::Order,
            amount_minor: 500 + i64::try_from(i % 5000).unwrap(),
            currency: "EUR".into(),
            sku: Some(if affected { "BATCH-7".into() } else { format!("SKU-{}", i % 300) }),
            location: Some(format!("Shop {}", i % 12)),
            occurred_at: october + time::Duration::minutes(i64::try_from(i % 40_000).unwrap()),
        });
        if batch.len() == BATCH {
            store.insert_transactions(&batch).await.unwrap();
            batch.clear();
        }
    }
    println!("transactions: {TRANSACTIONS} imported in {:.2} s", started.elapsed().as_secs_f64());

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
    assert_eq!(preview.count, 100_000);

    let user = store.create_user("m@example.com", "Manager", Role::Manager, "x").await.unwrap();
    let problem = store.create_problem("Batch 7 underbaked", "", user.id).await.unwrap();
    let d = store
        .create_disclosure(problem.id, "Batch 7", "It was underbaked.", "A new one.", &audience, user.id)
        .await
        .unwrap();
    let started = Instant::now();
    store.start_disclosure(d.id).await.unwrap();
    let notifier = amends_jobs::Notifier::new(store.clone(), amends_jobs::JobSettings::default());
    notifier.disclosure_notices(d.id).await.unwrap();
    let queued = started.elapsed().as_secs_f64();
    let d = store.disclosure(d.id).await.unwrap();
    println!(
        "notices: {} queued in {queued:.2} s (audience fixed, links made, outbox and send jobs written)",
        d.progress.queued
    );
    assert_eq!(d.progress.queued, 100_000);
    println!("targets: count < 1 s: {}; queued < 10 s: {}", counted < 1.0, queued < 10.0);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
