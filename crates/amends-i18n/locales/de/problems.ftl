# Die Liste der Probleme (Grundursachen) und die Seite eines Problems, mit Ideen und Nachweis.

problems-title = Probleme
problems-new-label = Neues Problem
problems-new-placeholder = Eine Grundursache, z. B. Wochenendlieferungen verspäten sich
problems-add = Problem anlegen
problems-col-problem = Problem
problems-col-category = Kategorie
problems-col-owner = Verantwortlich
problems-col-status = Status
problems-col-cases = Fälle
problems-col-alarms = Alarme
problems-alarms-why = Noch nicht gesehene Wiederholungsalarme
problems-alarms = { $count } Wiederholung
problems-empty = Noch keine Probleme.
problems-empty-why = Verknüpfen Sie einen Fall im Schritt „Vorbeugen“ mit einer Grundursache, oder legen Sie hier eine an.

problem-status-open = offen
problem-status-fixing = in Behebung
problem-status-fixed = behoben
problem-status-verified = bestätigt

problem-alarms = Wiederholungsalarme
problem-open-case = Fall öffnen
problem-seen = Gesehen
problem-linked-cases = { $count ->
    [one] { $count } verknüpfter Fall
   *[other] { $count } verknüpfte Fälle
}
problem-opened = angelegt { $when }
problem-fixing-since = in Behebung seit { $when }
problem-fixed-at = behoben { $when }
problem-verified-at = bestätigt { $when }
problem-move-to = Ändern in
problem-change-status = Status ändern

problem-proof-title = Alle Betroffenen informieren
problem-proof-why = Das Problem ist { $status }. Alle, deren Fall damit verknüpft ist, erfahren persönlich, was sich geändert hat: ihr Fall, ihre eigenen Worte und eine Einladung, wiederzukommen.
    Jede und jeder erhält es per E-Mail, oder per Brief im Druckstapel, wenn wir nur die Postanschrift haben. Niemand wird zweimal informiert.
problem-proof-caption = Die betroffenen Kundinnen und Kunden
problem-col-customer = Kunde
problem-col-case = Fall
problem-col-outcome = Ergebnis
problem-col-told = Informiert
problem-outcome-kept = gehalten
problem-outcome-lost = verloren
problem-outcome-open = noch offen
problem-won-back = zurückgewonnen
problem-told-not-yet = noch nicht
problem-told-sent = gesendet per { $channel ->
    [letter] Brief
   *[other] E-Mail
}
problem-told-letter-waiting = Brief wartet auf den Druckstapel
problem-told-sending = wird gesendet
problem-told-failed = konnte nicht gesendet werden
problem-told-failed-why = konnte nicht gesendet werden: { $error }
problem-told-offered = angeboten: { $gesture }
problem-proof-no-case = Mit diesem Problem ist noch kein Fall verknüpft.
problem-proof-last = Letzter Nachweis: „{ $text }“
problem-proof-label = Was wir geändert haben, so wie { $count ->
    [one] { $count } Kunde
   *[other] { $count } Kunden
} es lesen werden
problem-proof-mails = (geht per E-Mail an die Kunden)
problem-proof-override = Ihr Grund, es trotzdem zu senden
problem-gesture-legend = Für verlorene Kunden: eine Geste, damit sie wiederkommen
problem-optional = (optional)
problem-gesture-kind = Art
problem-gesture-cost = Kosten je Kunde
problem-gesture-description = Was ihnen angeboten wird, in ihren Worten
problem-gesture-placeholder = Beim nächsten Besuch ein Kaffee und ein Stück Kuchen auf unsere Kosten
problem-budget-month = Diesen Monat:
problem-budget-spent = { $spent } von { $budget }
problem-budget-nothing = noch nichts vergeben von { $budget }
problem-budget-why = Die Geste zählt einmal je verlorenem Kunden und bleibt im Budget.
problem-proof-send = Alle Betroffenen informieren
problem-proof-done = Alle Betroffenen sind informiert.

problem-gesture-kind-voucher = Gutschein
problem-gesture-kind-discount = Rabatt
problem-gesture-kind-gift = Geschenk
problem-gesture-kind-free_service = kostenlose Leistung

problem-about-title = Worum es geht und was wir dagegen tun
problem-field-title = Titel
problem-field-description = Beschreibung
problem-field-category = Kategorie
problem-field-owner = Verantwortlich
problem-owner-nobody = Noch niemand
problem-field-corrective = Korrekturmaßnahme (das Geschehene wiedergutmachen)
problem-field-preventive = Vorbeugemaßnahme (die Änderung am Ablauf)
problem-save = Speichern

problem-suggestions-title = Ideen aus dem Team
problem-suggestion-kind-cause = Ursache
problem-suggestion-kind-fix = Lösung
problem-suggestions-empty = Noch keine Ideen: Was war die Ursache, und wie würden Sie es beheben?
problem-suggestion-a = Art
problem-your-idea = Ihre Idee
problem-suggest = Vorschlagen

problem-ideas-title = Wie verhindern wir, dass es wieder passiert?
problem-ideas-why = Alle, die einen der Fälle bearbeitet haben, wurden gefragt. Stimmen Sie für die Ideen, die Sie unterstützen; eine Führungskraft wählt eine aus, und sie wird mit dem Namen ihrer Urheberin oder ihres Urhebers zur Vorbeugemaßnahme.
problem-idea-adopted = übernommen
problem-idea-of = — Idee von { $author }
problem-idea-of-adopted = — Idee von { $author }, übernommen von { $by } { $when }
problem-idea-votes = { $count ->
    [one] { $count } Stimme
   *[other] { $count } Stimmen
}
problem-idea-vote-label = Für die Idee von { $author } stimmen
problem-idea-vote = Dafür stimmen
problem-idea-voted = Sie haben abgestimmt
problem-idea-adopt-label = Die Idee von { $author } als Vorbeugemaßnahme übernehmen
problem-idea-adopt = Als Vorbeugemaßnahme übernehmen
problem-ideas-empty = Noch keine Ideen.
problem-idea-placeholder = z. B. Eine zweite Person prüft jede Tortenschachtel, bevor sie das Haus verlässt
problem-idea-give = Idee einreichen

problem-error-title-length = Der Titel eines Problems hat 1 bis 300 Zeichen.
problem-error-no-title = Ein Problem braucht einen Titel.
problem-error-status = Wählen Sie einen Status.
problem-error-idea-text = Schreiben Sie Ihre Idee, als Ursache oder als Lösung.
problem-error-which-suggestion = Welcher Vorschlag?
problem-error-which-alarm = Welcher Alarm?
problem-error-form = Dieses Formular kann das nicht.
problem-error-coach = Der Coach hat unternehmensbezogene Formulierungen gefunden. Schreiben Sie den Text um, oder geben Sie Ihren Grund an, ihn trotzdem zu senden.
problem-error-idea-length = Schreiben Sie Ihre Idee in 1 bis 5000 Zeichen.
problem-error-which-idea = Welche Idee?
