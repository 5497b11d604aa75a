//! In-process benchmarks (criterion) of the hot paths that have no HTTP in them:
//! the playbook's state machine, the language coach, a customer message's template,
//! and parsing an incoming email. `cargo bench -p amends-bench --bench hot_paths`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use amends_coach::{Coach, Purpose};
use amends_domain::DuePolicy;
use amends_domain::playbook::{Actor, Event, EventKind, Outcome, Playbook};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::{Duration, OffsetDateTime};

/// A whole recovery, from the complaint heard to the customer retained.
fn whole_recovery() -> Vec<Event> {
    let t0 = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
    let kinds = [
        EventKind::Opened {
            channel: amends_domain::Channel::Phone,
            severity: amends_domain::Severity::Normal,
            escalate_because: vec![],
        },
        EventKind::RestatementWritten { text: "The cake came late and squashed.".into(), missed_concerns: vec![] },
        EventKind::RestatementConfirmed { by_customer: true },
        EventKind::Apologised { text: "I am sorry; I accept all responsibility.".into() },
        EventKind::OptionsOffered { options: vec!["A new cake tomorrow".into(), "A full refund today".into()] },
        EventKind::OptionChosen { option: 1 },
        EventKind::GestureRecorded {
            gesture: "voucher".into(),
            description: "Coffee for two".into(),
            cost_minor: 800,
            currency: "EUR".into(),
        },
        EventKind::FixPromised { what: "Bake and deliver a new cake".into(), due: t0 + Duration::days(1) },
        EventKind::FixDone { note: "Delivered at 10:00".into(), internal_note: None },
        EventKind::ProblemLinked { problem_id: 7 },
        EventKind::FollowUpScheduled { due: t0 + Duration::days(4), channel: "letter".into() },
        EventKind::FollowUpRecorded { satisfaction: 5, words: "Lovely".into(), satisfied: None },
        EventKind::WatchSet,
        EventKind::OutcomeRecorded { outcome: Outcome::Retained, reason: String::new() },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Event { at: t0 + Duration::minutes(i as i64), actor: Actor::Staff { user_id: 1 }, kind })
        .collect()
}

fn playbook(c: &mut Criterion) {
    let events = whole_recovery();
    let policy = DuePolicy::default();
    let mut group = c.benchmark_group("playbook");
    // What every step endpoint does: replay the timeline, check the new event, derive the columns.
    group.bench_function("replay 14 events, check, derive", |b| {
        b.iter(|| {
            let p = Playbook::replay(black_box(&events[..13]));
            let verdict = p.check(black_box(&events[13].kind));
            (verdict.is_ok(), p.status(&policy), p.next_step(&policy), p.steps(&policy).len())
        })
    });
    group.bench_function("record a whole recovery event by event", |b| {
        b.iter(|| {
            let mut p = Playbook::replay(&[]);
            for e in black_box(&events) {
                p.record(e).unwrap();
            }
            p.status(&policy)
        })
    });
    group.finish();
}

fn coach(c: &mut Criterion) {
    let coach = Coach::english();
    let reply = "Dear Mrs Patel, I am so sorry that your wedding cake arrived damaged; it was our mistake. \
        We can refund you in full, or bake a new one for Saturday. We will be in touch soon. \
        Our policy is that we do not refund opened items, but I will make an exception.";
    let mut group = c.benchmark_group("coach");
    group.throughput(Throughput::Bytes(reply.len() as u64));
    group.bench_function("review a reply (4 sentences)", |b| {
        b.iter(|| coach.review(black_box(reply), Purpose::Apology).findings.len())
    });
    group.finish();
}

fn templates(c: &mut Criterion) {
    let template = amends_jobs::messages::template("follow_up").expect("built-in template");
    let context = amends_jobs::messages::sample_context(amends_domain::Language::English, "Sam, Bakery Bloom");
    c.bench_function("template: render the follow-up email", |b| {
        b.iter(|| amends_jobs::messages::render(black_box(template.source), context.clone()).unwrap())
    });
}

fn mime(c: &mut Criterion) {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/corpus");
    let mut group = c.benchmark_group("mime");
    for name in ["01-gmail-new-complaint.eml", "03-outlook-reply-windows-1252.eml"] {
        let raw = std::fs::read(corpus.join(name)).expect("corpus message");
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function(format!("parse {name}"), |b| {
            b.iter(|| amends_mail::parse_incoming(black_box(&raw)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, playbook, coach, templates, mime);
criterion_main!(benches);
