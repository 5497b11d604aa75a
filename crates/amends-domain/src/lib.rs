//! The Amends domain: customers, staff, cases and the recovery playbook.
//!
//! Everything here is pure: no I/O, no clock reads, no HTTP, no SQL. Callers pass the
//! current time in; storage and web are adapters around these types. Types that come
//! from outside (a customer's email, a severity name) are parsed once at the edge into
//! the newtypes here, so the rest of the code never checks them again.

pub mod calls;
pub mod case;
pub mod customer;
pub mod delivery;
pub mod disclosure;
pub mod gesture;
pub mod hours;
pub mod merge;
pub mod money;
pub mod playbook;
pub mod problem;
pub mod progress;
pub mod proof;
pub mod reply;
pub mod serious;
pub mod staff;
pub mod step;

pub mod text;

pub use case::{CaseReference, Channel, Complaint, NewCaseError, Severity, UnknownName};
pub use customer::{CustomerEmail, CustomerError, CustomerName, Money, TransactionKind, lifetime_value};
pub use delivery::{LinkPurpose, MessagePurpose, MessageStatus, ScheduledStatus, WebhookStatus};
pub use disclosure::{DisclosureStatus, RecipientStatus};
pub use gesture::ApprovalStatus;
pub use hours::{BusinessHours, EscalationLadder, HoursSpec, SettingsError};
pub use money::format_money;
pub use playbook::{
    Actor, CaseStatus, DuePolicy, EscalationContext, Event, EventKind, Feeling, Outcome, Playbook, Refusal, Snooze,
    Step, StepState, StepStatus, escalation_reasons,
};
pub use problem::{AlarmReason, ProblemStatus, SuggestionKind, TransitionRefused};
pub use serious::{Assessment, IntakeSigns, SeriousKind, SeverityReason, WordSign, assess};
pub use staff::{Role, StaffError};
