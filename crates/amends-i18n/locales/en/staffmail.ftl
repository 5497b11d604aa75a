# Mails to staff (alerts, ideas wanted), in the reader's own language.
staffmail-switch-off = You get these by email in service hours; switch them off on your account page: { $address }
staffmail-idea-subject = Your idea is wanted: { $title }
staffmail-idea-body =
    { $name },

    You handled { $count ->
        [one] a case
       *[other] { $count } cases
    } that came from the same root cause: "{ $title }".

    You know the work best: how would you stop it happening again? Write your idea on the problem's page; your colleagues vote, and a manager chooses the one that becomes our preventive action, with your name on it.

    { $address }
