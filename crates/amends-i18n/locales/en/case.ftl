# The case page: the customer's words, the playbook's steps and their forms, the
# timeline; logging a new complaint. Also the words for a case's status, severity and
# channel, used on every staff page of the case area.

case-status-open = open
case-status-awaiting_customer = awaiting customer
case-status-watching = watching
case-status-retained = retained
case-status-lost = lost
case-status-merged = merged
case-status-spam = spam

case-severity-low = low
case-severity-normal = normal
case-severity-high = high
case-severity-critical = critical

case-channel-email = email
case-channel-web = web
case-channel-phone = phone
case-channel-in_person = in person
case-channel-api = api

case-optional = (optional)

case-new-title = Log a complaint
case-new-lead = Write down the customer's own words while they talk. Let them vent; keep everything.
case-new-for = For
case-new-customer = Customer
case-new-customer-found = An existing customer is found by their email.
case-new-name = Name
case-new-email = Email
case-new-phone = Phone
case-new-what-happened = What happened
case-new-channel = How they told us
case-new-channel-phone = Phone call
case-new-channel-in_person = In person
case-new-channel-email = Email
case-new-channel-web = Web
case-new-channel-api = Other system
case-new-severity = Severity
case-new-severity-auto = From the words (raised when serious)
case-new-subject = Subject
case-new-order-ref = Order reference
case-new-body = Their words
case-new-wish = What would put it right for them?
case-new-wish-hint = (ask them)
case-new-submit = Log the complaint
case-new-choose-customer = Choose the customer again.

step-hear = Hear the customer
step-restate = Restate and confirm
step-apologise = Apologise and own it
step-escalate = Escalate
step-offer = Offer two options
step-gesture = Surprise gesture
step-fix = Fix
step-prevent = Prevent the root cause
step-follow_up = Follow up
step-watch = Prove yourself next time

case-problem-status-open = open
case-problem-status-fixing = fixing
case-problem-status-fixed = fixed
case-problem-status-verified = verified

case-feeling-angry = angry
case-feeling-upset = upset
case-feeling-anxious = anxious
case-feeling-disappointed = disappointed
case-feeling-calm = calm

case-serious-safety = safety
case-serious-health = health
case-serious-allergy = allergy
case-serious-child = child
case-serious-legal_threat = legal threat
case-serious-repeat_complaint = repeat complaint
case-serious-high_value_customer = high value customer
case-serious-strong_feeling = strong feeling
case-serious-repeat = repeat
case-serious-strong_emotion = strong emotion

case-scheduled-pending = pending
case-scheduled-sent = sent
case-scheduled-cancelled = cancelled
case-scheduled-unsent = unsent

case-title = { $reference } · { $name }
case-yes = Yes
case-no = No
case-complaint-from = Complaint from { $name }
case-triage = the coach suggests { $severity }:
case-triage-why = From the customer's words; set the severity below if you agree
case-escalate-tag = escalate
case-snoozed-until = snoozed until { $when }
case-snoozed-until-reply = snoozed until they write
case-linked = Linked:
case-merged-here = Merged into this case:
case-owner = Owner
case-owner-nobody = Nobody
case-assign = Assign
case-assign-me = Assign to me
case-merged-into = This case was merged into
case-merged-into-after = . It takes no more steps; carry on there.
case-customer-replied = Customer replied
case-customer-replied-lead = They wait for your answer; any step you take answers it.
case-cancelled-messages = { $count ->
    [one] A scheduled message was
   *[other] { $count } scheduled messages were
  } not sent: the customer wrote first (or the case was merged). Read the timeline before you answer.
case-stale-kept = What you typed is kept below.
case-stale-open = Open the case as it is now
case-stale-after = (your text is not carried over: copy it first), or send again to apply it to the current case.
case-saved-waiting = Saved. { $why }: it waits for a manager's approval (Approvals).
case-reply-sent = Your reply is on its way to { $name }; it is on the timeline below.
case-saved = Saved.

case-spam = In the spam folder
case-spam-confirmed = In the spam folder: confirmed as spam
case-spam-lead = Nothing has been sent to the sender. If it is a real complaint, release it: the customer is acknowledged then and the playbook starts.
case-spam-release = Release: it is a real complaint
case-spam-block = Also block
case-spam-block-nobody = nobody
case-spam-block-address = this address
case-spam-block-domain = this domain
case-spam-confirm = Confirm it is spam

case-words = In { $name }'s words
case-wish = What would put it right for them:
case-wish-first = What would put it right for them, first:
case-wish-later = Later they said:
case-attachments = What they sent with it:
case-order = Order { $reference }
case-serious = Flagged as serious when it came in:
case-they-felt = They felt { $feeling }
case-mattered-most = What mattered most:
case-feeling-now = How they feel now
case-feeling-ask = How did they feel?
case-feeling-ask-why = Keep it on the case first: the coach then reminds you to acknowledge it.
case-feeling-label = They felt
case-feeling-words = In their words
case-mattered-most-label = What mattered most to them
case-feeling-submit = Keep it on the case
case-felt-name = { $name } felt
case-felt-say = : say you understand it. What mattered most: { $mattered }.

case-skip = Skip this step
case-skip-why = Why is it skipped?
case-skip-submit = Skip with this reason
case-coach-found = The coach found:
case-coach-try = Try: { $suggestion }
case-coach-override = Send it anyway, because…
case-coach-override-placeholder = The reason is kept on the timeline
case-goes-to = This goes to { $name } by email{ $extra }:
case-not-mailed = { $name } has no email address, so this is not mailed: tell them yourself. It is kept on the case{ $extra }.
case-not-mailed-phone = { $name } has no email address, so this is not mailed: tell them yourself on { $phone }. It is kept on the case{ $extra }.
case-goes-to-confirm-link = , with a link to confirm or correct it
case-goes-to-date = , with the date
case-goes-to-case-page = {" "}and shows on their case page
case-goes-to-two-options = , with your two options and a link to choose
case-goes-to-choose-link = , with a link to choose one
case-outgoing = The mail as { $name } will get it
case-preview = Preview the mail with my words

case-reply-title = Reply to { $name }
case-reply-saved = Saved reply
case-reply-saved-use = Put it in the box
case-reply-label = Your reply
case-reply-hint = (mailed to { $email } now, signed with your name and the business's)
case-reply-now = Send now
case-reply-later = Send later at …
case-reply-send-at = Send at ({ $zone })
case-reply-later-lead = Not sent if the customer writes first; you will see it here.
case-reply-later-submit = Send at this time
case-reply-unreachable = { $name } has no email address, so a reply cannot reach them.
case-reply-call = Call them on { $phone }, then add a note of what you said.

case-playbook = Playbook
case-step-done = Done
case-step-skipped = Skipped: { $reason }
case-step-not-needed = Not needed
case-step-awaiting-customer = Waiting for the customer
case-step-awaiting-decision = Waiting on { $name }
case-step-awaiting-someone = Waiting on the person named
case-step-in-progress = In progress, due { $when }
case-step-overdue = Overdue since { $when }
case-step-due = Due { $when }
case-step-waiting = Comes after earlier steps

case-restate-read-back = Read it back to the customer. Did they agree?
case-restate-confirmed = They confirmed it
case-restate-correction = They corrected it — in their words:
case-restate-correction-submit = Record the correction
case-restate-corrected = The customer corrected you:
case-restate-change = Your restatement is in the box: change it with their correction
case-restate-label = Say it back in your own words, so they know you listened
case-restate-placeholder = So, if I understood you: …
case-restate-submit = Save the restatement

case-apology-label = Apologise and own it: no blame, no policy
case-apology-placeholder = I'm sorry. I accept all responsibility for …
case-apology-submit = Record the apology

case-escalated-to = Escalated to { $name }:
case-take-over = Take the case over
case-decision = Or send it back with your decision
case-decision-hint = (the agent reads it on the timeline)
case-decision-submit = Send it back with this decision
case-escalation-waits = It waits on { $name } to take it over or send it back with a decision.
case-escalate-to = To
case-escalate-why = Why
case-escalate-submit = Escalate

case-offer-proposed = They proposed:
case-offer-accept = Accept their solution
case-offer-chose = They chose
case-offer-option = Option { $number }
case-offer-chose-submit = Record their choice
case-offer-alternative = Or they proposed something else
case-offer-alternative-submit = Record their proposal
case-offer-own-solution = They proposed their own solution:
case-offer-you-offered = If it's doable, take it. You offered:
case-offer-decline = Or decline it: tell them why, and what you can do
case-offer-decline-submit = Decline and tell them
case-offer-asked-for = They asked for:
case-offer-take-it = if it's doable, take it.
case-offer-best-two = Offer your best two: not one, not five.
case-offer-submit = Offer these two

case-gesture-about = About them:
case-gesture-suggested = Suggested: { $amount }
case-gesture-why = for a { $severity } case and a lifetime value of { $value }.
case-gesture-why-repeat = for a { $severity } case and a lifetime value of { $value }, with { $count } complaints in 90 days.
case-gesture-month = This month:
case-gesture-spent-of = { $spent } of { $budget }
case-gesture-nothing-yet = nothing given yet of { $budget }
case-gesture-limit = Above { $limit } on a case, or past the monthly budget, a manager approves it first.
case-gesture-limit-yours = Above { $limit } on a case (yours), or past the monthly budget, a manager approves it first.
case-gesture-label = Gesture
case-gesture-kind-voucher = voucher
case-gesture-kind-discount = discount
case-gesture-kind-gift = gift
case-gesture-kind-free-service = free service
case-gesture-kind-replacement = replacement
case-gesture-kind-refund = refund
case-gesture-cost = Cost
case-gesture-currency = Currency
case-gesture-what = What, chosen for this person
case-gesture-what-hint = (say "for your next visit" to have it honoured then)
case-gesture-submit = Record the gesture

case-low-answer = The customer answered the follow-up { $satisfaction } of 5.
case-low-answer-not-right = The customer answered the follow-up { $satisfaction } of 5 and said it was not put right.
case-low-answer-words = In their words:
case-low-answer-reopened = The fix step is open again; the owner and the managers were alerted.
case-fix-note = What { $name } reads: how it was put right for them
case-fix-note-placeholder = A new cake reached you at 15:00, with a card from us.
case-fix-internal = For staff only: how it was fixed inside
case-fix-internal-hint = (on the timeline; never sent to { $name })
case-fix-internal-placeholder = Jens baked it on the second oven; the van was fixed.
case-fix-done = It is fixed
case-fix-what = What you will do
case-fix-due = Promised by ({ $zone })
case-fix-promise = Promise the fix

case-prevent-likely = Likely root causes, by the customer's words:
case-prevent-suggestion = { $status }, { $count ->
    [one] { $count } case
   *[other] { $count } cases
  }; score { $score }; shared: { $words }
case-prevent-reads-like = It reads like
case-prevent-nothing-written = ; nothing is written yet about what is being changed.
case-prevent-known = A known root cause
case-prevent-choose = Choose…
case-prevent-new = Or a new one
case-prevent-new-placeholder = e.g. Weekend deliveries slip
case-prevent-action = What is being changed so it does not happen again
case-prevent-action-hint = (written on the problem if it has nothing yet; the step needs it)
case-prevent-action-placeholder = e.g. The oven's temperature is checked every hour
case-prevent-submit = Link the root cause

case-follow-up-due = Follow up on ({ $zone })
case-follow-up-by = By
case-follow-up-by-call = Call
case-follow-up-by-email = Email
case-follow-up-by-letter = Letter
case-follow-up-letter = Read, edit and queue the follow-up letter
case-follow-up-letter-when = (when it goes by post).
case-follow-up-schedule = Schedule the follow-up
case-follow-up-satisfaction = How satisfied are they now?
case-follow-up-put-right = Did we put it right for them?
case-follow-up-not-asked = Not asked
case-follow-up-low = A 1 or 2, or a no, opens the fix step again and alerts the owner and the managers.
case-follow-up-words = What they said
case-follow-up-submit = Record the follow-up
case-watch-lead = Staff are alerted at their next order or visit, to give outstanding service.
case-watch-submit = Put them on the watch list

case-reopen-because = Reopen because
case-reopen = Reopen
case-promised = Promised for their next visit, to honour:
case-promised-closes = Recording how it went closes the promise.
case-next-time = Their next order or visit: how did it go?
case-next-time-submit = Record it
case-outcome = Outcome
case-outcome-retained = Retained: they stayed
case-outcome-lost = Lost
case-outcome-why = Why
case-outcome-why-hint = (needed when lost, and for a manager's decision that they stayed without a satisfied follow-up)
case-outcome-submit = Record the outcome
case-gone = The customer is gone for good
case-gone-why = Why was the customer lost?
case-gone-submit = Record them as lost
case-mark-spam = This is spam
case-mark-spam-why = Why is it spam?
case-mark-spam-submit = Move it to the spam folder

case-desk = Desk
case-snooze = Snooze
case-snooze-snoozed = Snooze (snoozed)
case-wake = Wake it now
case-snooze-until = Out of the inbox until ({ $zone })
case-snooze-until-reply = Until the customer writes
case-snooze-lead = Their reply wakes it sooner. Promised dates stay as they are.
case-tag = Tag
case-tag-add = Add tag
case-severity = Severity
case-severity-set = Set
case-merge-label = Merge a duplicate of { $name }'s into this case
case-merge-submit = Merge into this case
case-link-label = Link to an earlier case (same trouble again)
case-link-submit = Link

case-timeline = Timeline
case-letter-pdf = Personal letter (PDF)
case-note = Internal note
case-note-hint = (never shown to the customer)
case-note-submit = Add note
case-timeline-internal = internal
case-timeline-from = from { $reference }
case-timeline-folded = The whole message, with the quoted history and signature

case-card-email = Email
case-card-phone = Phone
case-card-lifetime-value = Lifetime value
case-card-watch = Watch list
case-card-watched = Yes: next order gets outstanding service
case-card-notes = Notes
case-card-orders = Recent orders
case-card-no-orders = None recorded.

case-saved-reply-gone = That saved reply no longer exists.
case-not-a-time-in = { $time } is not a time in { $zone }.
case-not-a-time = { $value } is not a date and time.
case-give-snooze-until = Give until when.
case-give-fix-due = Give the date the fix is promised for.
case-give-follow-up-due = Give when to follow up.
case-give-send-at = Give when to send it.
case-not-an-amount = { $value } is not an amount such as 12.50.
case-choose-feeling = Choose how they felt.
case-choose-manager = Choose the manager it goes to.
case-choose-option = Pick option 1 or 2.
case-choose-satisfaction = Give the customer's satisfaction from 1 to 5.
case-choose-skip = Choose the step to skip.
case-choose-someone = Choose someone from the list.
case-choose-outcome = Choose retained or lost.
case-choose-severity = Choose low, normal, high or critical.
case-no-such-step = That is not a step of the playbook.
case-choose-other-case = Choose the other case first.
case-problem-unsaved = The problem could not be saved; try again.
case-choose-problem = Choose a problem or name a new one.
case-stale = Someone else changed this case while you were writing. Read what changed in the timeline below.
case-coach-held = The language coach held this back: it reads as company-focused. Rewrite it, or send it anyway with a reason.

# The timeline: each event's title and text.
event-user-number = user #{ $id }
event-problem-number = Problem #{ $id }
event-mail-sent = Sent to { $email }: "{ $subject }"
event-mail-failed = Could not be delivered to { $email }: "{ $subject }"
event-mail-queued = Waiting to be sent to { $email }: "{ $subject }"
event-opened = Complaint heard
event-opened-text = By { $channel }, severity { $severity }.
event-opened-escalate = To be escalated: { $reasons }.
event-restatement-written = Restatement written
event-restatement-missed = Sent without saying back: { $concerns }
event-restatement-confirmed = Restatement confirmed
event-restatement-confirmed-link = The customer confirmed it through their link.
event-restatement-confirmed-talk = The customer confirmed it in conversation.
event-restatement-corrected = The customer corrected the restatement
event-apologised = Apology
event-customer-wrote = The customer wrote
event-customer-wrote-subject = The customer wrote: { $subject }
event-coach-overridden = Sent despite the coach ({ $kinds })
event-wish = What would put it right, in their words
event-feeling = They felt { $feeling }
event-feeling-mattered = What mattered most: { $mattered }
event-escalated = Escalated to { $name }
event-taken-over = Took the case over
event-taken-over-text = The escalation is answered: the case is theirs now.
event-decided = Sent back with a decision
event-overdue = Overdue: escalation level { $level }
event-overdue-text = { $step } is overdue. Told: { $told }.
event-options-offered = Two options offered
event-option-chosen = The customer chose option { $option }
event-alternative-proposed = The customer proposed their own solution
event-alternative-accepted = Their solution was accepted
event-alternative-declined = Their solution was declined; they were told why
event-gesture = Gesture: { $gesture }
event-gesture-text = { $description } (cost { $cost })
event-fix-promised = Fix promised by { $when }
event-fixed = Fixed
event-fixed-both = Told the customer: { $note }
    For staff: { $internal }
event-problem-linked = Linked to a root cause
event-follow-up-scheduled = Follow-up by { $channel } scheduled for { $when }
event-follow-up-by-call = call
event-follow-up-by-email = email
event-follow-up-by-letter = letter
event-follow-up = Follow-up: satisfaction { $satisfaction } of 5{ $said ->
    [yes] , put right: yes
    [no] , put right: no
   *[other] {""}
  }
event-follow-up-low = Follow-up: satisfaction { $satisfaction } of 5{ $said ->
    [yes] , put right: yes
    [no] , put right: no
   *[other] {""}
  }. Not put right: the fix step is open again
event-problem-matched = Reads like a known problem: { $problem }
event-problem-matched-text = Linked at intake by the customer's words ({ $words }); its owner was told.
event-watch-set = On the watch list for the next order
event-next-time = Next time
event-step-skipped = Skipped: { $step }
event-note = Internal note
event-owner-changed = Owner changed
event-assigned = Assigned to { $name }
event-unassigned = Unassigned
event-outcome-retained = Outcome: retained
event-outcome-lost = Outcome: lost
event-reopened = Reopened: { $reason }
event-merged = Merged into { $reference }
event-merged-text = Its steps continue on that case.
event-merged-in = { $reference } merged into this case
event-merged-in-text = Its timeline is shown here too.
event-linked = Linked to { $reference }
event-tagged = Tagged { $tag }
event-severity = Severity set to { $severity }
event-snoozed-until = Snoozed until { $when } or the customer's reply
event-snoozed-until-reply = Snoozed until the customer writes
event-woken = Woken from the snooze
event-replied = Replied to the customer
event-message-scheduled = Message scheduled for { $when }
event-message-cancelled = Scheduled message cancelled
event-message-cancelled-text = It was not sent: { $reason }. Read what they wrote before you answer.
event-held-as-spam = Held as spam (score { $score })
event-marked-spam = Marked as spam
event-spam-released = Released from the spam folder
event-spam-released-text = A real complaint: the playbook starts.
event-spam-confirmed = Confirmed as spam
event-spam-blocked = { $blocked } is blocked from now on.
event-improvement = Told what changed, and invited back
event-improvement-text = The root cause “{ $problem }” is fixed; { $name } sent the proof of what changed.
event-improvement-gesture = Offered to come back: { $description } (cost { $cost }).
event-won-back = Won back
event-won-back-text = A lost customer, told what changed, ordered again after it.
case-coach-save-anyway = Save it anyway, because…
case-coach-save-anyway-placeholder = The reason is kept with the saved reply

# The blanks of a step's mail preview, for the words staff have not typed yet (shown in
# brackets, in the language of the person typing).
preview-blank-restatement = what you understood
preview-blank-apology = your apology
preview-blank-option = option { $n }
preview-blank-decline-reason = why not, and what you can do
preview-blank-their-suggestion = their suggestion
preview-blank-fix-what = what you will do
preview-blank-fix-due = the date you promise
preview-blank-fix-note = how it was put right
