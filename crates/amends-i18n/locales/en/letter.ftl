# Printed letters: a case's follow-up letter, a disclosure's notice and a proof on paper.
letter-notice-doing = What we are doing about it: { $solution }
letter-notice-code = Type your code { $code } at { $address }.
letter-notice-code-or-call = Type your code { $code } at { $address }, or call us on { $phone }.
letter-proof-you-said = When you wrote to us ({ $reference }), you said: “{ $words }”
letter-salutation = Dear { $name },
letter-closing = With my apologies, and my thanks,
letter-offer-heading = For your next visit
letter-our-reference = Our reference:
# { $n } and { $total } are the page's number and the count of pages.
letter-page = Page { $n } of { $total }
letter-notice-reference = Notice D-{ $disclosure }-{ $recipient }
# A case's letter as the timeline tells it, paragraph by paragraph.
letter-apology = I am sorry for what happened. I accept all responsibility for it.
letter-what-we-did-and = What we did: { $what }. { $note }
letter-what-we-did = What we did: { $note }
letter-what-we-are-doing = What we are doing: { $what }.
letter-what-changed = What changed: we found the cause ("{ $cause }") and we have changed how we work because of it: { $action }.
letter-what-is-changing = What we are changing: we found the cause ("{ $cause }") and we are changing how we work because of it: { $action }.
letter-thank-you-gesture = As a thank-you for your patience: { $gesture }.
letter-thanks = Thank you for telling us. We would love the chance to show you how it should have gone.
