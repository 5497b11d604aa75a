//! What became of what Amends sends out: a message in the outbox, a message scheduled
//! for later, a webhook delivery, and what a customer's personal link is for. Each is
//! kept as text in its row (the words below, never others) and compared as an enum.

use crate::case::named_enum;

named_enum!(
    /// A message in the outbox. `Queued` until the mail server took it (`Sent`) or the
    /// last attempt failed (`Failed`); a sent message is never sent again.
    MessageStatus, unknown "message status",
    Queued => "queued", Sent => "sent", Failed => "failed",
);

named_enum!(
    /// Why a message in the outbox was written: the step or the work that sent it.
    MessagePurpose, unknown "message purpose",
    Acknowledgement => "acknowledgement", Restatement => "restatement", Apology => "apology",
    Offer => "offer", FixPromised => "fix_promised", FixDone => "fix_done", FollowUp => "follow_up",
    Scheduled => "scheduled", Disclosure => "disclosure", StaffAlert => "staff_alert", Reply => "reply",
    StaffInvitation => "staff_invitation", Proof => "proof",
);

named_enum!(
    /// A message an agent scheduled for later. The customer's next word cancels a pending
    /// one; at its time it is sent, or settles as unsent when the customer has no email
    /// address.
    ScheduledStatus, unknown "scheduled message status",
    Pending => "pending", Sent => "sent", Cancelled => "cancelled", Unsent => "unsent",
);

named_enum!(
    /// One event posted to one webhook: retried while `Pending`, then `Delivered` (the
    /// receiver answered 2xx) or `Failed` (no attempt left, or the webhook was turned off).
    WebhookStatus, unknown "webhook delivery status",
    Pending => "pending", Delivered => "delivered", Failed => "failed",
);

named_enum!(
    /// What the customer may do through a personal link. A link answers once, except
    /// the status page, which only shows where the case stands.
    LinkPurpose, unknown "link purpose",
    Status => "status", Restatement => "restatement", Offer => "offer", FollowUp => "follow_up",
);

impl LinkPurpose {
    /// Whether using the link once settles it: only the status page may be opened again.
    pub fn answers_once(self) -> bool {
        self != LinkPurpose::Status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_words_round_trip_and_others_are_refused() {
        for s in MessageStatus::ALL {
            assert_eq!(s.as_str().parse::<MessageStatus>(), Ok(*s));
        }
        for s in ScheduledStatus::ALL {
            assert_eq!(s.to_string().parse::<ScheduledStatus>(), Ok(*s));
        }
        assert_eq!(serde_json::to_string(&WebhookStatus::Delivered).unwrap(), "\"delivered\"");
        assert_eq!(serde_json::from_str::<LinkPurpose>("\"follow_up\"").unwrap(), LinkPurpose::FollowUp);
        let refused = "posted".parse::<MessageStatus>().unwrap_err();
        assert_eq!(refused.to_string(), "unknown message status: \"posted\"");
        assert!(!LinkPurpose::Status.answers_once() && LinkPurpose::Offer.answers_once());
    }
}
