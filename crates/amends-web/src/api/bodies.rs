//! Every JSON body the API takes, decoded as its handler decodes it (and, where the
//! handler then checks it without the database, checked the same way), with no server
//! and no database. The fuzz target `api_json` (fuzz/) sends any bytes through each; a
//! body a handler takes that is missing here is a decoder the fuzzer never tries.

use crate::coaching::Coaches;
use amends_domain::playbook::Actor;

use super::calls::{NewCall, NewCallList};
use super::cases::*;
use super::coach::{Draft, TemplateDraft};
use super::customers::{CustomerChange, CustomerInput, TransactionBatchInput, TransactionInput};
use super::disclosures::{NewDisclosure, PreviewRequest};
use super::ideas::NewIdea;
use super::problems::{NewProblem, NewSuggestion, PatchProblem, StatusChange};
use super::proof::ProofRequest;
use super::recovery::{Decline, NewWebhook, Posted};
use super::staff::{NewToken, NewUser, PasswordChange, SignIn, UserChange};
use super::templates::TemplateSource;
use crate::error::ApiError;
use crate::json::decode;

macro_rules! bodies {
    (plain { $($p:literal => $pt:ty),* $(,)? } steps { $($s:literal => $st:ty),* $(,)? }) => {
        /// The names of the bodies, for [`decode_body`].
        pub const BODIES: &[&str] = &[$($p,)* $($s,)*];

        /// Decodes `body` as the body named `which` (one of [`BODIES`]); `None` for an
        /// unknown name.
        pub fn decode_body(which: &str, body: &[u8], coach: &Coaches) -> Option<Result<(), ApiError>> {
            match which {
                "intake" => Some(decode::<Intake>(body).and_then(|i| i.parse(Actor::Customer)).map(drop)),
                "customer" => Some(decode::<CustomerInput>(body).and_then(|c| c.parse("")).map(drop)),
                "transaction" => Some(decode::<TransactionInput>(body).and_then(|t| t.parse("")).map(drop)),
                $($p => Some(decode::<$pt>(body).map(drop)),)*
                $($s => Some(step_body::<$st>(body, coach)),)*
                _ => None,
            }
        }
    };
}

bodies! {
    plain {
        "heartbeat" => Heartbeat,
        "reply" => ReplyRequest,
        "saved_reply" => super::replies::ReplyInput,
        "coach_draft" => Draft,
        "template_draft" => TemplateDraft,
        "template_source" => TemplateSource,
        "customer_change" => CustomerChange,
        "transaction_batch" => TransactionBatchInput,
        "disclosure" => NewDisclosure,
        "disclosure_preview" => PreviewRequest,
        "problem" => NewProblem,
        "suggestion" => NewSuggestion,
        "idea" => NewIdea,
        "call_list" => NewCallList,
        "call" => NewCall,
        "problem_patch" => PatchProblem,
        "problem_status" => StatusChange,
        "proof" => ProofRequest,
        "decline" => Decline,
        "webhook" => NewWebhook,
        "posted" => Posted,
        "token" => NewToken,
        "user" => NewUser,
        "password" => PasswordChange,
        "sign_in" => SignIn,
        "user_change" => UserChange,
    }
    steps {
        "restatement" => WriteRestatement,
        "restatement_confirm" => ConfirmRestatement,
        "restatement_correct" => CorrectRestatement,
        "apology" => Apologise,
        "escalation" => Escalate,
        "offer" => Offer,
        "offer_choice" => ChooseOption,
        "alternative" => ProposeAlternative,
        "alternative_accept" => AcceptAlternative,
        "gesture" => Gesture,
        "fix_promise" => PromiseFix,
        "fix_done" => FixDone,
        "prevent" => LinkProblem,
        "follow_up_schedule" => ScheduleFollowUp,
        "follow_up" => RecordFollowUp,
        "watch" => Watch,
        "next_time" => NextTime,
        "feeling" => RecordFeeling,
        "skip" => Skip,
        "note" => Note,
        "assign" => Assign,
        "outcome" => RecordOutcome,
        "reopen" => Reopen,
    }
}

/// The intake, customer and transaction bodies are also checked as their handlers check them.
const CHECKED: &[&str] = &["intake", "customer", "transaction"];

/// Every name [`decode_body`] knows.
pub fn body_names() -> impl Iterator<Item = &'static str> {
    CHECKED.iter().chain(BODIES).copied()
}

/// A step's body as `step` reads it: decoded, turned into its event, and past the coach.
fn step_body<R: StepRequest>(body: &[u8], coach: &Coaches) -> Result<(), ApiError> {
    let (request, _override_reason): (R, Option<String>) = parse_body(body)?;
    let kind = request.into_event()?;
    let _ = crate::coaching::read(coach, &kind, None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_name_decodes_something() {
        let coach = Coaches::new(None);
        for name in body_names() {
            assert!(decode_body(name, b"{}", &coach).is_some(), "{name}");
        }
        assert!(decode_body("nonsense", b"{}", &coach).is_none());
        assert!(decode_body("note", br#"{"text": "called back"}"#, &coach).is_some_and(|r| r.is_ok()));
    }
}
