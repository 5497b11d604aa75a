# The messages the desk sends customers (crates/amends-jobs/templates/email). Each
# template is a skeleton of these; its variables are written { $name } here and become
# the template's {{ name }}. A manager edits the template in one language at a time.

mail-dear = Dear { $name },
# The closing over the signature when the installation configured none of its own.
mail-closing = With my apologies, and my thanks,

mail-acknowledgement-subject = We have your message [{ $reference }]
mail-acknowledgement-sorry = Thank you for telling us. I am sorry this happened, and I want to put it right.
mail-acknowledgement-next =
    We have your message, word for word, under the reference { $reference }. Someone will
    read it back to you in their own words { $soon }, so that we are sure we understood.
mail-acknowledgement-status = You can see where your case stands at any time here:
# { $soon } of the acknowledgement: when the restatement is due, else "shortly".
mail-soon-by = by { $when }
mail-soon-shortly = shortly

mail-restatement-subject = Did we understand you? [{ $reference }]
mail-restatement-intro = Before we do anything, I want to be sure I understood what went wrong. In my own words:
mail-restatement-confirm = Is that right? Please confirm it, or correct me in your own words, here:
mail-restatement-wish = And if you already know what would put it right for you, tell us there too.

mail-apology-subject = I am sorry [{ $reference }]

mail-offer-subject = Two ways we can put it right [{ $reference }]
mail-offer-intro = Here are the two best ways we can put this right:
mail-offer-choose = Please choose the one you prefer, or tell us what you would rather have, here:

mail-alternative-declined-subject = Your suggestion, and what we can do [{ $reference }]
mail-alternative-declined-thanks = Thank you for telling us what you would like: "{ $proposal }".
mail-alternative-declined-still = The two ways we offered still stand:
mail-alternative-declined-choose = Please choose the one you prefer, or tell us what else would work for you, here:

mail-fix-promised-subject = What we will do, and by when [{ $reference }]
mail-fix-promised-what = Here is what we will do: { $what }
mail-fix-promised-due =
    It will be done by { $due }. If anything changes, you will hear it from me
    first.

mail-fix-done-subject = It is done [{ $reference }]
mail-fix-done-done = What we promised is done.
mail-fix-done-thanks = Thank you for your patience with us.

mail-follow-up-subject = Did we put it right? [{ $reference }]
mail-follow-up-ask =
    Some days have passed since we fixed what went wrong. I would like to know, honestly:
    did we put it right for you? Are you satisfied?
mail-follow-up-answer = It takes a minute to answer, here:
# What changed so it will not happen again: "have changed" only once the problem is fixed.
mail-prevention-changed = Because of what happened, we have changed how we work: { $action }.
mail-prevention-changing = Because of what happened, we are changing how we work: { $action }.

mail-disclosure-doing = What we are doing about it:
mail-notice-opening = We found a problem that may have affected you, and we would rather tell you now than have you find it yourself.
mail-notice-invitation = If this affected you, tell us and we will put it right for you personally:
mail-notice-opening-told = You told us about this on { $day }. Thank you: here is what we found and what we did.
mail-notice-invitation-told = If anything is still not right for you, tell us and we will put it right for you personally:

mail-proof-subject = What we changed after you told us [{ $reference }]
mail-proof-you-said = When you wrote to us ({ $reference }), you said: "{ $words }"
mail-proof-changed = Thank you for telling us. Because of what happened to you, we changed how we work:
mail-proof-welcome-back = To welcome you back: { $gesture }.
mail-proof-reply = If you would like to tell us anything, reply to this message and it reaches your case.
mail-proof-invitation-lost = We know we lost your trust. We would be glad of the chance to show you the difference ourselves: come and see us again.
mail-proof-invitation-retained = Thank you for staying with us. Come and see the difference next time; we would love to hear what you think.
mail-proof-invitation-open = Your case is still open with us and we are seeing it through. When you next visit, we hope you notice the difference.

mail-reply-subject = About your case [{ $reference }]

# The template editor (/admin/templates/…): the languages an edit may be in.
mail-template-language = Customers who read:
