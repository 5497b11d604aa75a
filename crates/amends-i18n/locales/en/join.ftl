# Joining the desk through an invitation, before sign-in: in the browser's language.

join-title = Join the desk
join-welcome = Welcome, { $name }
join-intro = You were invited to work customers' complaints here as { $role }. Choose your own password to join; you sign in with
join-intro-end = and it.
join-password = Your password
join-password-hint = (at least 10 characters, not easy to guess)
join-repeat = The password again
join-submit = Join
join-not-ours-title = This link does not work
join-not-ours = Please check that you copied the whole link from your invitation.
join-used-title = This invitation was used already
join-used = You chose your password with it. Sign in at /login with your email and that password.
join-withdrawn-title = This invitation no longer works
join-withdrawn = It was withdrawn, or a newer invitation replaced it. Use the link in the newest one, or ask your admin.
join-expired-title = This invitation has expired
join-expired = Ask your admin to send you a new one; its link will work for another week.
join-foreign-form = This form was not sent from the invitation's page. Please choose your password again.
join-passwords-differ = The two passwords differ.
join-welcome-done = Welcome, { $name }. Your password is set: sign in with it.
join-gone = It was used, withdrawn or expired meanwhile. Ask your admin for a new one.
join-role-agent = agent
join-role-manager = manager
join-role-admin = admin
