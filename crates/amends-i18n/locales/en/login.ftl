# Signing in, and changing one's password.

login-title = Sign in
login-lead = Sign in to work your cases.
login-email = Email
login-password = Password
login-submit = Sign in
login-too-many = Too many failed sign-ins. Please try again in { $seconds } seconds.
login-wrong = Wrong email or password.

password-title = Change password
password-heading = Change your password
password-changed = Your password was changed.
password-current = Current password
password-new = New password
password-new-hint = (at least 10 characters)
password-repeat = New password again
password-submit = Change password
password-too-many = Too many wrong passwords. Please try again in { $seconds } seconds.
password-wrong = The current password is wrong.
password-differ = The two new passwords differ.
password-same = The new password is the one you have; choose another.
password-too-short = A password needs at least { $count } characters.
password-too-long = A password may have at most { $count } characters.
password-too-weak = This password is easy to guess: { $hint }.
