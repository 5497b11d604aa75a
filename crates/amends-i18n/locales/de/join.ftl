# Der Beitritt zum Team über eine Einladung, vor der Anmeldung: in der Sprache des Browsers.

join-title = Dem Team beitreten
join-welcome = Willkommen, { $name }
join-intro = Sie wurden eingeladen, hier als { $role } Kundenbeschwerden zu bearbeiten. Wählen Sie Ihr eigenes Passwort, um beizutreten; Sie melden sich damit und mit
join-intro-end = an.
join-password = Ihr Passwort
join-password-hint = (mindestens 10 Zeichen, nicht leicht zu erraten)
join-repeat = Das Passwort noch einmal
join-submit = Beitreten
join-not-ours-title = Dieser Link funktioniert nicht
join-not-ours = Bitte prüfen Sie, ob Sie den ganzen Link aus Ihrer Einladung kopiert haben.
join-used-title = Diese Einladung wurde bereits verwendet
join-used = Sie haben damit Ihr Passwort gewählt. Melden Sie sich unter /login mit Ihrer E-Mail-Adresse und diesem Passwort an.
join-withdrawn-title = Diese Einladung gilt nicht mehr
join-withdrawn = Sie wurde zurückgezogen oder durch eine neuere ersetzt. Verwenden Sie den Link in der neuesten Einladung oder fragen Sie Ihren Administrator.
join-expired-title = Diese Einladung ist abgelaufen
join-expired = Bitten Sie Ihren Administrator, Ihnen eine neue zu schicken; deren Link gilt wieder eine Woche.
join-foreign-form = Dieses Formular wurde nicht von der Seite der Einladung gesendet. Bitte wählen Sie Ihr Passwort erneut.
join-passwords-differ = Die beiden Passwörter stimmen nicht überein.
join-welcome-done = Willkommen, { $name }. Ihr Passwort ist gesetzt: Melden Sie sich damit an.
join-gone = Sie wurde inzwischen verwendet, zurückgezogen oder ist abgelaufen. Bitten Sie Ihren Administrator um eine neue.
join-role-agent = Sachbearbeiter
join-role-manager = Manager
join-role-admin = Administrator
