//! Embedded migrations, one folder per backend with the same versions, applied in order
//! at start. Each runs in its own transaction and is recorded in `schema_migrations`.

use crate::db;
use crate::{Backend, Store, StoreError, millis};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// Work on the data that SQL alone cannot do on both backends, in the same transaction.
    then: Option<DataStep>,
}

#[derive(Clone, Copy)]
enum DataStep {
    /// Kept messages lose their live link tokens.
    MaskLinkTokens,
    /// Cases stored before intake kept the severity their words suggest get it.
    KeepSuggestedSeverity,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "customer_side",
        sqlite: include_str!("../migrations/sqlite/0002_customer_side.sql"),
        postgres: include_str!("../migrations/postgres/0002_customer_side.sql"),
        then: None,
    },
    Migration {
        version: 3,
        name: "prevent_disclose",
        sqlite: include_str!("../migrations/sqlite/0003_prevent_disclose.sql"),
        postgres: include_str!("../migrations/postgres/0003_prevent_disclose.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "make_it_right",
        sqlite: include_str!("../migrations/sqlite/0004_make_it_right.sql"),
        postgres: include_str!("../migrations/postgres/0004_make_it_right.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "templates",
        sqlite: include_str!("../migrations/sqlite/0005_templates.sql"),
        postgres: include_str!("../migrations/postgres/0005_templates.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "merge_snooze",
        sqlite: include_str!("../migrations/sqlite/0006_merge_snooze.sql"),
        postgres: include_str!("../migrations/postgres/0006_merge_snooze.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "business_hours",
        sqlite: include_str!("../migrations/sqlite/0007_business_hours.sql"),
        postgres: include_str!("../migrations/postgres/0007_business_hours.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "spam_views",
        sqlite: include_str!("../migrations/sqlite/0008_spam_views.sql"),
        postgres: include_str!("../migrations/postgres/0008_spam_views.sql"),
        then: None,
    },
    Migration {
        version: 9,
        name: "disclosure_letters",
        sqlite: include_str!("../migrations/sqlite/0009_disclosure_letters.sql"),
        postgres: include_str!("../migrations/postgres/0009_disclosure_letters.sql"),
        then: None,
    },
    Migration {
        version: 10,
        name: "inbox_counts",
        sqlite: include_str!("../migrations/sqlite/0010_inbox_counts.sql"),
        postgres: include_str!("../migrations/postgres/0010_inbox_counts.sql"),
        then: None,
    },
    Migration {
        version: 11,
        name: "masked_links",
        sqlite: include_str!("../migrations/sqlite/0011_masked_links.sql"),
        postgres: include_str!("../migrations/postgres/0011_masked_links.sql"),
        then: Some(DataStep::MaskLinkTokens),
    },
    Migration {
        version: 12,
        name: "abuse",
        sqlite: include_str!("../migrations/sqlite/0012_abuse.sql"),
        postgres: include_str!("../migrations/postgres/0012_abuse.sql"),
        then: None,
    },
    Migration {
        version: 13,
        name: "saved_replies",
        sqlite: include_str!("../migrations/sqlite/0013_saved_replies.sql"),
        postgres: include_str!("../migrations/postgres/0013_saved_replies.sql"),
        then: None,
    },
    Migration {
        version: 14,
        name: "customer_waiting",
        sqlite: include_str!("../migrations/sqlite/0014_customer_waiting.sql"),
        postgres: include_str!("../migrations/postgres/0014_customer_waiting.sql"),
        then: None,
    },
    Migration {
        version: 15,
        name: "escalation_person",
        sqlite: include_str!("../migrations/sqlite/0015_escalation_person.sql"),
        postgres: include_str!("../migrations/postgres/0015_escalation_person.sql"),
        then: None,
    },
    Migration {
        version: 17,
        name: "letter_texts",
        sqlite: include_str!("../migrations/sqlite/0017_letter_texts.sql"),
        postgres: include_str!("../migrations/postgres/0017_letter_texts.sql"),
        then: None,
    },
    Migration {
        version: 18,
        name: "business_currency",
        sqlite: include_str!("../migrations/sqlite/0018_business_currency.sql"),
        postgres: include_str!("../migrations/postgres/0018_business_currency.sql"),
        then: None,
    },
    Migration {
        version: 19,
        name: "staff_pages",
        sqlite: include_str!("../migrations/sqlite/0019_staff_pages.sql"),
        postgres: include_str!("../migrations/postgres/0019_staff_pages.sql"),
        then: None,
    },
    Migration {
        version: 22,
        name: "proof",
        sqlite: include_str!("../migrations/sqlite/0022_proof.sql"),
        postgres: include_str!("../migrations/postgres/0022_proof.sql"),
        then: None,
    },
    Migration {
        version: 23,
        name: "ideas_and_calls",
        sqlite: include_str!("../migrations/sqlite/0023_ideas_and_calls.sql"),
        postgres: include_str!("../migrations/postgres/0023_ideas_and_calls.sql"),
        then: None,
    },
    Migration {
        version: 24,
        name: "languages",
        sqlite: include_str!("../migrations/sqlite/0024_languages.sql"),
        postgres: include_str!("../migrations/postgres/0024_languages.sql"),
        then: None,
    },
    Migration {
        version: 26,
        name: "templates_per_language",
        sqlite: include_str!("../migrations/sqlite/0026_templates_per_language.sql"),
        postgres: include_str!("../migrations/postgres/0026_templates_per_language.sql"),
        then: None,
    },
    Migration {
        version: 27,
        name: "event_kinds",
        sqlite: include_str!("../migrations/sqlite/0027_event_kinds.sql"),
        postgres: include_str!("../migrations/postgres/0027_event_kinds.sql"),
        then: None,
    },
    Migration {
        version: 28,
        name: "suggested_severity",
        sqlite: include_str!("../migrations/sqlite/0028_suggested_severity.sql"),
        postgres: include_str!("../migrations/postgres/0028_suggested_severity.sql"),
        then: None,
    },
    Migration {
        version: 29,
        name: "step_counts",
        sqlite: include_str!("../migrations/sqlite/0029_step_counts.sql"),
        postgres: include_str!("../migrations/postgres/0029_step_counts.sql"),
        then: None,
    },
    Migration {
        version: 30,
        name: "suggested_severity_kept",
        sqlite: include_str!("../migrations/sqlite/0030_suggested_severity_kept.sql"),
        postgres: include_str!("../migrations/postgres/0030_suggested_severity_kept.sql"),
        then: Some(DataStep::KeepSuggestedSeverity),
    },
    Migration {
        version: 31,
        name: "partial_case_indexes",
        sqlite: include_str!("../migrations/sqlite/0031_partial_case_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0031_partial_case_indexes.sql"),
        then: None,
    },
];

/// The newest migration version this build knows.
pub const MIGRATIONS_APPLIED: i64 = 31;

// Several instances may start at once on one PostgreSQL; this lock lets one migrate.
const PG_MIGRATION_LOCK: i64 = 0x616d_656e_6473;

pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let mut conn = store.write().acquire().await?;
    db::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    if store.backend() == Backend::Postgres {
        db::query("SELECT pg_advisory_lock($1)").bind(PG_MIGRATION_LOCK).execute(&mut *conn).await?;
    }
    let result = apply_pending(store, &mut conn).await;
    if store.backend() == Backend::Postgres {
        db::query("SELECT pg_advisory_unlock($1)").bind(PG_MIGRATION_LOCK).execute(&mut *conn).await?;
    }
    result
}

async fn apply_pending(store: &Store, conn: &mut db::Held) -> Result<(), StoreError> {
    let applied: Vec<i64> = db::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        // The migration's own transaction, on the connection that holds the lock.
        let begin = if store.backend() == Backend::Sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
        db::query(begin).execute(&mut **conn).await?;
        let applied = apply_one(store, conn, m, sql).await;
        let end = if applied.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = db::query(end).execute(&mut **conn).await;
        applied?;
        ended?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
    }
    Ok(())
}

async fn apply_one(store: &Store, conn: &mut db::Conn, m: &Migration, sql: &str) -> Result<(), StoreError> {
    let fail = |source| StoreError::Migration { version: m.version, source };
    for statement in statements(sql) {
        db::query(&statement).execute(&mut *conn).await.map_err(fail)?;
    }
    match m.then {
        Some(DataStep::MaskLinkTokens) => crate::links::mask_kept_tokens(conn).await?,
        Some(DataStep::KeepSuggestedSeverity) => crate::intake::keep_suggested_severity(conn).await?,
        None => {}
    }
    db::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
        .bind(m.version)
        .bind(m.name)
        .bind(millis(store.now()))
        .execute(&mut *conn)
        .await
        .map_err(fail)?;
    Ok(())
}

/// Splits a migration into statements: each ends with `;` at the end of a line, except
/// inside a SQLite trigger's `BEGIN … END;` or a PostgreSQL function's `$$ … $$` body,
/// whose own statements end with `;` too. Comment lines outside a body are dropped.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_trigger_block = false;
    let mut in_body = false;
    for line in sql.lines() {
        let trimmed = line.trim();
        if !in_body && (trimmed.starts_with("--") || (trimmed.is_empty() && current.is_empty())) {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.matches("$$").count() % 2 == 1 {
            in_body = !in_body;
        }
        // A PostgreSQL trigger names a function and ends at its `;`; a SQLite one opens
        // a block of statements.
        if trimmed.to_uppercase().ends_with("BEGIN") && current.to_uppercase().starts_with("CREATE TRIGGER") {
            in_trigger_block = true;
        }
        let ends = if in_body {
            false
        } else if in_trigger_block {
            trimmed.eq_ignore_ascii_case("END;")
        } else {
            trimmed.ends_with(';')
        };
        if ends {
            out.push(std::mem::take(&mut current));
            in_trigger_block = false;
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

pub(crate) async fn is_current(store: &Store) -> Result<bool, StoreError> {
    let newest: Option<i64> =
        db::query("SELECT MAX(version) FROM schema_migrations").fetch_one(store.read()).await?.try_get(0)?;
    Ok(newest == Some(MIGRATIONS_APPLIED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_stay_whole() {
        let sql = "-- a comment\nCREATE TABLE a (x INT);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\nEND;\nCREATE INDEX i ON a(x);\n";
        let s = statements(sql);
        assert_eq!(s.len(), 3);
        assert!(s[1].contains("INSERT INTO b") && s[1].trim_end().ends_with("END;"));
    }

    #[test]
    fn function_bodies_and_postgres_triggers_stay_whole() {
        let sql = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    INSERT INTO b VALUES (1);\n    RETURN NULL;\nEND;\n$$;\nCREATE TRIGGER t AFTER INSERT ON a\n    FOR EACH STATEMENT EXECUTE FUNCTION f();\nCREATE INDEX i ON a(x);\n";
        let s = statements(sql);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].contains("RETURN NULL;") && s[0].trim_end().ends_with("$$;"));
        assert!(s[1].starts_with("CREATE TRIGGER") && s[1].trim_end().ends_with("f();"));
    }

    #[test]
    fn every_migration_splits() {
        // A migration with a step in Rust may have no SQL of its own.
        for m in MIGRATIONS.iter().filter(|m| m.then.is_none()) {
            assert!(!statements(m.sqlite).is_empty());
            assert!(!statements(m.postgres).is_empty());
        }
    }
}
