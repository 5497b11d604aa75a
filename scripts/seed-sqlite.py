#!/usr/bin/env python3
"""Seeds an Amends SQLite database (made by `amends migrate`) with N customers and
cases, straight through SQL, to measure pages at scale. Usage:
    scripts/seed-sqlite.py DATA_DIR/amends.db 100000
"""
import json
import random
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
now = int(time.time() * 1000)
words = ("late cold broken missing rude wrong damaged delayed refund order parcel cake room "
         "table booking invoice charge delivery driver phone waited hours again never").split()
random.seed(7)
start = time.time()
with con:
    con.executemany(
        "INSERT INTO customers (id, name, name_key, email, email_key, notes, watch, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, '', 0, ?, ?)",
        ((i, f"Customer {i}", f"customer {i}", f"c{i}@example.com", f"c{i}@example.com", now, now) for i in range(1, n // 2 + 1)),
    )
    statuses = ["open"] * 5 + ["awaiting_customer", "watching", "retained", "retained", "lost"]
    steps = ["restate", "apologise", "offer", "fix", "follow_up", "escalate"]
    rows = []
    events = []
    for i in range(1, n + 1):
        status = random.choice(statuses)
        open_ = status == "open"
        created = now - random.randint(0, 365 * 86400_000)
        body = " ".join(random.choice(words) for _ in range(random.randint(8, 60)))
        rows.append((i, random.randint(1, n // 2), random.choice(["email", "web", "phone"]),
                     random.choice(["low", "normal", "normal", "high", "critical"]), body, status,
                     random.choice(steps) if open_ else None,
                     created + random.randint(-86400_000, 7 * 86400_000) if open_ else None,
                     created, created))
        events.append((i, created, json.dumps({"kind": "opened", "channel": "email", "severity": "normal", "escalate_because": []})))
    con.executemany(
        "INSERT INTO cases (id, customer_id, channel, severity, tags, body, status, next_step, next_due_at, "
        "escalation_required, version, created_at, updated_at) VALUES (?, ?, ?, ?, '[]', ?, ?, ?, ?, 0, 1, ?, ?)",
        rows,
    )
    con.executemany(
        "INSERT INTO case_events (case_id, at, actor_kind, kind, data) VALUES (?, ?, 'customer', 'opened', ?)", events
    )
con.execute("ANALYZE")
print(f"seeded {n} cases and {n // 2} customers in {time.time() - start:.1f} s")
