# The customer's status page: what we have done, what they wait for, what comes next
# (the sentences amends_domain::progress picks).

status-done-received = We received your message.
status-done-restated = We wrote back what we understood, for you to check.
status-done-confirmed = You confirmed we understood.
status-done-agreed = We agreed with you on what went wrong.
status-done-corrected = You corrected what we understood.
status-done-suggested = You suggested another way to put it right.
status-done-apologised = We apologised to you.
status-done-offered = We offered you two ways to put it right.
status-done-chose = You chose: { $option }
status-done-chose-unknown = You chose how we put it right.
status-done-suggestion-accepted = We agreed to your suggestion.
status-done-suggestion-declined = We wrote to you about your suggestion; the two ways we offered still stand.
status-done-gesture = We added something of our own, to say sorry.
status-done-promised = We promised: { $what }
status-done-fixed = We put it right.
status-done-fixed-how = We put it right: { $how }
status-done-followed-up = You told us whether we put it right. Thank you.
status-done-replied = We wrote to you.
status-done-closed = Your case was closed.
status-done-reopened = We opened your case again.

status-waiting-restatement = Your answer: please tell us whether we understood you (the link is in our email).
status-waiting-choice = Your choice of the two ways we offered (the link is in our email).
status-waiting-promised = { $what }
status-waiting-our-message = Our next message to you.

status-next-hear = We will read your message in full.
status-next-restate = We will write back what we understood, so you can check we got it right.
status-next-apologise = We will write to you personally about what went wrong.
status-next-offer = We will offer you two ways to put it right, and you choose.
status-next-fix = We will put it right, as agreed with you.
status-next-follow-up = We will ask you whether we put it right.
