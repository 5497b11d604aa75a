# Anmelden und das eigene Passwort ändern.

login-title = Anmelden
login-lead = Melden Sie sich an, um Ihre Fälle zu bearbeiten.
login-email = E-Mail
login-password = Passwort
login-submit = Anmelden
login-too-many = Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in { $seconds } Sekunden erneut.
login-wrong = E-Mail-Adresse oder Passwort ist falsch.

password-title = Passwort ändern
password-heading = Ihr Passwort ändern
password-changed = Ihr Passwort wurde geändert.
password-current = Aktuelles Passwort
password-new = Neues Passwort
password-new-hint = (mindestens 10 Zeichen)
password-repeat = Neues Passwort wiederholen
password-submit = Passwort ändern
password-too-many = Zu viele falsche Passwörter. Bitte versuchen Sie es in { $seconds } Sekunden erneut.
password-wrong = Das aktuelle Passwort ist falsch.
password-differ = Die beiden neuen Passwörter stimmen nicht überein.
password-same = Das neue Passwort ist Ihr bisheriges; bitte wählen Sie ein anderes.
password-too-short = Ein Passwort braucht mindestens { $count } Zeichen.
password-too-long = Ein Passwort darf höchstens { $count } Zeichen haben.
password-too-weak = Dieses Passwort ist leicht zu erraten: { $hint }.
