# Der Rahmen des Schalters: die Seite um jede Mitarbeiterseite, die Sprachauswahl.

language-name = Deutsch
app-name = Amends
skip-to-content = Zum Inhalt springen

nav-menu = Menü
nav-main = Hauptmenü
nav-inbox = Posteingang
nav-new = Neue Beschwerde
nav-customers = Kunden
nav-templates = Vorlagen
nav-replies = Textbausteine
nav-letters = Briefe
nav-approvals = Freigaben
nav-reports = Berichte
nav-problems = Probleme
nav-disclosures = Bekanntmachungen
nav-imports = Importe
nav-spam = Spam
nav-staff = Team
nav-hours = Geschäftszeiten
nav-search = Suche
nav-search-everything = Alles durchsuchen
nav-search-placeholder = Fälle und Kunden suchen
nav-signed-in-as = Angemeldet als { $name }
nav-account = Ihr Konto und Benachrichtigungen
nav-password = Passwort ändern
nav-sign-out = Abmelden

role-agent = Mitarbeiter
role-manager = Leitung
role-admin = Administration

footer-source = Quellcode
footer-licence = Amends ist freie Software (GNU AGPL)

shortcuts-title = Tastenkürzel
shortcuts-next = Nächster / vorheriger Fall im Posteingang
shortcuts-open = Den gewählten Fall öffnen
shortcuts-reply = Den nächsten Schritt schreiben (Antwort)
shortcuts-tick = Den gewählten Fall im Posteingang markieren (für Sammelaktionen)
shortcuts-assign = Den Fall mir zuweisen
shortcuts-snooze = Den Fall zurückstellen
shortcuts-new = Eine neue Beschwerde erfassen
shortcuts-search = Suchen
shortcuts-inbox = Zum Posteingang
shortcuts-help = Diese Hilfe zeigen oder ausblenden ({ $key } schließt)
shortcuts-never-typing = Tastenkürzel wirken nie, während Sie in einem Feld tippen.

language-label = Sprache
