# The problems (root causes) list and a problem's page, with its ideas and its proof.

problems-title = Problems
problems-new-label = New problem
problems-new-placeholder = A root cause, e.g. Weekend deliveries slip
problems-add = Add a problem
problems-col-problem = Problem
problems-col-category = Category
problems-col-owner = Owner
problems-col-status = Status
problems-col-cases = Cases
problems-col-alarms = Alarms
problems-alarms-why = Recurrence alarms not yet seen
problems-alarms = { $count } recurrence
problems-empty = No problems yet.
problems-empty-why = Link a case to a root cause in its prevent step, or add one here.

problem-status-open = open
problem-status-fixing = fixing
problem-status-fixed = fixed
problem-status-verified = verified

problem-alarms = Recurrence alarms
problem-open-case = Open the case
problem-seen = Seen
problem-linked-cases = { $count ->
    [one] { $count } linked case
   *[other] { $count } linked cases
}
problem-opened = opened { $when }
problem-fixing-since = fixing since { $when }
problem-fixed-at = fixed { $when }
problem-verified-at = verified { $when }
problem-move-to = Move to
problem-change-status = Change status

problem-proof-title = Tell everyone it affected
problem-proof-why = The problem is { $status }. Everyone with a case linked to it hears what changed, personally: their case, their own words, and an invitation back.
    Each gets it by mail, or by letter in the print run when we have only their postal address. Nobody is told twice.
problem-proof-caption = The customers it affected
problem-col-customer = Customer
problem-col-case = Case
problem-col-outcome = Outcome
problem-col-told = Told
problem-outcome-kept = kept
problem-outcome-lost = lost
problem-outcome-open = still open
problem-won-back = won back
problem-told-not-yet = not yet
problem-told-sent = sent by { $channel ->
    [letter] letter
    [email] email
   *[other] mail
}
problem-told-letter-waiting = letter waiting for the print run
problem-told-sending = sending
problem-told-failed = could not be sent
problem-told-failed-why = could not be sent: { $error }
problem-told-offered = offered { $gesture }
problem-proof-no-case = No case is linked to this problem yet.
problem-proof-last = Last proof: “{ $text }”
problem-proof-label = What we changed, as { $count ->
    [one] { $count } customer
   *[other] { $count } customers
} will read it
problem-proof-mails = (mails the customers)
problem-proof-override = Your reason to send it anyway
problem-gesture-legend = For lost customers, a gesture to come back for
problem-optional = (optional)
problem-gesture-kind = Kind
problem-gesture-cost = Cost for each
problem-gesture-description = What they are offered, in their words
problem-gesture-placeholder = A coffee and a cake on us, next time
problem-budget-month = This month:
problem-budget-spent = { $spent } of { $budget }
problem-budget-nothing = nothing given yet of { $budget }
problem-budget-why = The gesture counts once for each lost customer and stays within the budget.
problem-proof-send = Tell everyone it affected
problem-proof-done = Everyone it affected has been told.

problem-gesture-kind-voucher = voucher
problem-gesture-kind-discount = discount
problem-gesture-kind-gift = gift
problem-gesture-kind-free_service = free service

problem-about-title = What it is, and what we do about it
problem-field-title = Title
problem-field-description = Description
problem-field-category = Category
problem-field-owner = Owner
problem-owner-nobody = Nobody yet
problem-field-corrective = Corrective action (put right what happened)
problem-field-preventive = Preventive action (the process change)
problem-save = Save

problem-suggestions-title = Ideas from the team
problem-suggestion-kind-cause = cause
problem-suggestion-kind-fix = fix
problem-suggestions-empty = No ideas yet: what caused it, and how would you fix it?
problem-suggestion-a = A
problem-your-idea = Your idea
problem-suggest = Suggest

problem-ideas-title = How do we stop it happening again?
problem-ideas-why = Everyone who handled one of its cases was asked. Vote for the ideas you would back; a manager chooses one, and it becomes the preventive action with its author's name.
problem-idea-adopted = adopted
problem-idea-of = — idea of { $author }
problem-idea-of-adopted = — idea of { $author }, adopted by { $by } { $when }
problem-idea-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
problem-idea-vote-label = Vote for the idea of { $author }
problem-idea-vote = Vote
problem-idea-voted = you voted
problem-idea-adopt-label = Adopt the idea of { $author } as the preventive action
problem-idea-adopt = Adopt as the preventive action
problem-ideas-empty = No ideas yet.
problem-idea-placeholder = e.g. A second person checks every cake box before it leaves
problem-idea-give = Give your idea

problem-error-title-length = A problem's title has 1 to 300 characters.
problem-error-no-title = A problem needs a title.
problem-error-status = Choose a status.
problem-error-idea-text = Write your idea, as a cause or a fix.
problem-error-which-suggestion = Which suggestion?
problem-error-which-alarm = Which alarm?
problem-error-form = This form cannot do that.
problem-error-coach = The coach found company-focused wording. Rewrite it, or give your reason to send it anyway.
problem-error-idea-length = Write your idea in 1 to 5000 characters.
problem-error-which-idea = Which idea?
