# The staff's error pages: why a page could not be shown.

error-sign-in-title = Please sign in
error-sign-in = Please sign in first.
error-forbidden-title = Not allowed
error-not-found-title = Not found
error-bad-form-title = Please check the form
error-refused-title = This was not done
error-unavailable-title = Try again in a moment
error-unavailable = The database is busy or unreachable. Nothing was changed.
error-internal-title = Something went wrong
error-internal = It has been logged. Nothing you typed was lost: go back and try again.
error-back-to-inbox = Back to the inbox

error-missing = That { $what } does not exist.
error-missing-case = That case does not exist.
error-missing-customer = That customer does not exist.
error-missing-problem = That problem does not exist.
error-missing-user = That user does not exist.
error-missing-view = That view does not exist.
error-missing-saved-reply = That saved reply does not exist.
error-missing-disclosure = That disclosure does not exist.
error-missing-template = That template does not exist.
error-missing-approval = That approval does not exist.
error-missing-attachment = That attachment does not exist.
error-missing-transaction = That transaction does not exist.
error-missing-letter = That letter does not exist.

error-bad-cursor = that page link is not valid any more
error-approval-needed = { $reason }: it now waits for a manager's approval (Approvals).
error-role-needed = This page is for the { $role } role; you are { $yours }.
error-form-too-large = The form is larger than 2 MiB.
error-form-unreadable = The form could not be read.
error-form-nul = The form holds a NUL character, which is never typed; please type the text again.
error-form-csrf = This form is out of date or did not come from Amends (CSRF check). Reload the page and try again.
error-form-incomplete = The form is incomplete: { $why }.
error-approval-case-limit = With what this case was already given, the gesture is above your limit
error-approval-monthly-limit = With what you gave this month, the gesture is above your monthly limit
error-approval-past-budget = The gesture would take this month's gestures past the budget
