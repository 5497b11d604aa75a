//! Promises kept or broken: a day before a promised fix is due its owner is reminded on
//! the case; when it is due and not done, the promise is noted broken and counted. Each
//! note is also mailed to the owner (the managers when the case has none), inside
//! service hours.

use amends_domain::playbook::{CaseStatus, EventKind};
use amends_store::{AlertTo, StaffAlert, Store};

use crate::JobError;

/// `due_now`: the promise's date has come (else: it comes within a day).
pub(crate) async fn check(store: &Store, case_id: i64, event_id: i64, due_now: bool) -> Result<(), JobError> {
    let (case, events) = store.case_with_timeline(case_id).await?;
    let Some(promise) = events.iter().find(|e| e.id == event_id) else { return Ok(()) };
    let EventKind::FixPromised { what, due } = &promise.event.kind else { return Ok(()) };
    // Kept, replaced by a newer promise, or the case is closed: nothing to say.
    let settled = events
        .iter()
        .filter(|e| e.id > event_id)
        .any(|e| matches!(e.event.kind, EventKind::FixDone { .. } | EventKind::FixPromised { .. }));
    if settled || matches!(case.status, CaseStatus::Retained | CaseStatus::Lost) {
        return Ok(());
    }
    let owner = match case.owner_id {
        Some(id) => store.user(id).await.map(|u| format!("{}: ", u.name)).unwrap_or_default(),
        None => String::new(),
    };
    let due_text = crate::notify::when(store, amends_domain::Language::English, *due).await?;
    let text = if due_now {
        if !store.record_broken_promise(case_id, event_id, *due).await? {
            return Ok(());
        }
        format!(
            "{owner}the promise to {} (\"{what}\", by {}) is broken. Tell them today, apologise, and make a new promise you can keep.",
            case.customer_name, due_text
        )
    } else {
        format!("{owner}the promise \"{what}\" is due {due_text}: within a day. Keep it, or tell the customer now.")
    };
    // A duplicate's promise still stands after a merge; its reminder goes where staff work.
    let note_on = store.surviving_case(case_id).await?;
    let subject = if due_now {
        format!("{}: a promise to {} is broken", case.reference, case.customer_name)
    } else {
        format!("{}: a promise to {} is due within a day", case.reference, case.customer_name)
    };
    let alert =
        StaffAlert { case_id: note_on, subject, text: text.clone(), to: AlertTo { owner: true, ..AlertTo::default() } };
    store.record_event_with_alert(note_on, EventKind::NoteAdded { text }, Some(&alert)).await?;
    Ok(())
}
