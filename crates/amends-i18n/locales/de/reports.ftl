# Der Bericht für die Inhaberin („Haben wir sie gehalten?“) und die Fälle hinter einer Zahl.

report-title = Haben wir sie gehalten?
report-opened-from = Beschwerden eröffnet vom { $from } bis { $to } ({ $zone }).
report-first-day = Erster Tag
report-last-day = Letzter Tag
report-show = Anzeigen
report-glance = Auf einen Blick

report-testimonials = Lebende Empfehlungen
report-recommend-count = { $count } von { $total }
report-recommend-rest = zufriedenen Kunden, die wir gehalten haben, würden uns weiterempfehlen.
report-would-recommend = würde uns weiterempfehlen
report-would-not-recommend = würde uns nicht weiterempfehlen
report-testimonials-empty = In diesem Zeitraum hat noch kein zufriedener Kunde, den wir gehalten haben, die Frage „Würden Sie uns weiterempfehlen?“ beantwortet.

report-by-month = Monat für Monat
report-recovery-caption = Rückgewinnungsquote: von den im Monat eröffneten Fällen mit Ergebnis der Anteil, dessen Kunde geblieben ist.
report-returns-caption = Wiedergekommen: Kunden, die sich im Monat beschwert und vor dessen Ende wieder bestellt oder uns besucht haben, gegenüber Kunden, die sich nie beschwert und in diesem Monat bestellt oder uns besucht haben.
report-months-caption = Die Zahlen der Diagramme
report-col-month = Monat
report-col-complaints = Beschwerden
report-col-kept = Gehalten
report-col-lost = Verloren
report-col-recovery = Rückgewinnungsquote
report-col-came-back-complained = Wiedergekommen nach Beschwerde
report-col-came-back-never = Wiedergekommen, nie beschwert
report-rate-of = { $rate } ({ $count } von { $total })
report-returns-before = Über den ganzen Zeitraum kamen
report-returns-middle = der Kunden, die sich beschwert hatten, wieder ({ $count } von { $total }), gegenüber
report-returns-after = derer, die sich nie beschwert haben ({ $count } von { $total }).

report-money = Was Gesten kosten und was wir gehalten haben
report-money-before = Gesten kosteten
report-money-middle = ; die gehaltenen Kunden haben über die ganze Kundenbeziehung
report-money-after = eingebracht.
report-money-after-per-unit = eingebracht ({ $kept } gehalten für je { $given } an Gesten).
report-money-empty = In diesem Zeitraum wurde keine Geste gegeben und kein Kunde gehalten.

report-causes = Was die meisten Beschwerden bringt
report-causes-caption = Mit jedem Problem verknüpfte Beschwerden, die häufigsten zuerst.
report-col-problem = Problem
report-col-share = Anteil
report-col-running-share = Kumulierter Anteil
report-causes-empty = Noch keine Beschwerde dieses Zeitraums ist mit einem Problem verknüpft.
report-ideas-adopted = Ideen der Menschen, die die Arbeit machen, als Vorbeugemaßnahme übernommen:

report-promises = Gebrochene Zusagen
report-promise = „{ $what }“, fällig { $due }
report-promises-empty = In diesem Zeitraum wurde keine Zusage fällig und nicht eingehalten.

report-download = Die Zahlen für eine Tabellenkalkulation herunterladen:
report-download-summary = Übersicht
report-download-months = Monat für Monat
report-download-money = Geld
report-download-returns = Wiederkehr
report-download-causes = Grundursachen
report-download-why = (CSV, englische Spaltennamen, Beträge in kleinsten Einheiten wie Cent).

# Die Zahlen auf einen Blick.
report-fig-recovery = Rückgewinnungsquote
report-fig-recovery-note = { $kept ->
    [one] 1 Kunde
   *[other] { $kept } Kunden
} von { $ended } mit Ergebnis { $kept ->
    [one] ist
   *[other] sind
} geblieben.
report-fig-recovery-waiting = Noch kein Fall hat ein Ergebnis: { $count ->
    [one] bei 1 Fall sind alle Schritte erledigt; er wartet
   *[other] bei { $count } Fällen sind alle Schritte erledigt; sie warten
} darauf, dass jemand festhält, ob der Kunde geblieben ist.
report-fig-recovery-none = Noch kein Fall hat ein Ergebnis.
report-fig-win-back = Rückgewinnung Verlorener
report-fig-win-back-none = Noch keinem verlorenen Kunden wurde gesagt, was sich geändert hat.
report-fig-win-back-note = { $won } von { $told ->
    [one] 1 verlorenen Kunden
   *[other] { $told } verlorenen Kunden
}, denen wir sagten, was sich geändert hat, { $won ->
    [one] kam
   *[other] kamen
} wieder
report-fig-complaints = Beschwerden
report-fig-kept = Gehaltene Kunden
report-fig-kept-note = { $follow_up } nach einer zufriedenen Nachfrage, { $manager } durch Entscheidung einer Führungskraft
report-fig-lost = Verlorene Kunden
report-fig-waiting = Warten auf ein Ergebnis
report-fig-waiting-note = Alle Schritte erledigt: Halten Sie fest, ob sie geblieben sind.
report-fig-open = In Bearbeitung
report-fig-satisfaction = Zufriedenheit nach der Nachfrage
report-fig-satisfaction-value = { $average } von 5
report-fig-satisfaction-none = noch keine Antwort
report-fig-answers = { $count ->
    [one] 1 Antwort
   *[other] { $count } Antworten
}
report-fig-acknowledge = Zeit bis zur Bestätigung
report-fig-acknowledge-note = Von der Beschwerde bis zur ersten Zusammenfassung oder Entschuldigung.
report-fig-fix = Zeit bis zur Lösung
report-fig-follow-up = Zeit bis zur Nachfrage
report-fig-steps = Erledigte Schritte je Fall
report-fig-steps-value = { $steps } von 10
report-fig-repeat = Kunden, die sich mehr als einmal beschwert haben
report-fig-promises = Gebrochene Zusagen
report-hours-none = kein Fall hat es erreicht
report-minutes = { $count } Minuten
report-hours = { $count } Stunden
report-days = { $count } Tage

# Die Diagramme.
report-chart-recovery = Rückgewinnungsquote nach Monat: der Anteil der Fälle mit Ergebnis, deren Kunde geblieben ist
report-chart-recovery-series = Rückgewinnungsquote
report-chart-returns = Wiedergekommene Kunden nach Monat: wer sich beschwert hat, gegenüber denen, die es nie taten
report-chart-complained = Beschwert
report-chart-never = Nie beschwert
report-chart-causes = Grundursachen nach der Zahl ihrer Beschwerden
report-chart-case = Fall
report-chart-cases = Fälle
report-chart-no-data = kein Fall zu zählen

# Die Fälle hinter einer Zahl.
report-cases-opened = Eröffnete Beschwerden
report-cases-kept = Gehaltene Kunden
report-cases-lost = Verlorene Kunden
report-cases-won-back = Zurückgewonnene verlorene Kunden
report-cases-waiting = Alle Schritte erledigt, wartet auf ein Ergebnis
report-cases-open = In Bearbeitung
report-cases-problem = Beschwerden über „{ $title }“
report-cases-problem-unknown = Problem { $id }
report-cases-period = Beschwerden eröffnet vom { $from } bis { $to }.
report-cases-back = Zurück zum Bericht
report-cases-count = { $total ->
    [one] 1 Fall
   *[other] { $total } Fälle
}
report-cases-newest = , die neuesten { $shown } angezeigt
report-cases-opened-at = eröffnet { $when }
report-cases-none = Kein Fall.
report-case-status-open = offen
report-case-status-awaiting_customer = wartet auf Kunden
report-case-status-watching = in Beobachtung
report-case-status-retained = gehalten
report-case-status-lost = verloren
report-case-status-merged = zusammengeführt
report-case-status-spam = Spam

report-error-date = { $text } ist kein Datum wie 2026-11-30.
report-error-not-date = { $text } ist kein Datum.
report-error-order = Der erste Tag liegt nach dem letzten: Tauschen Sie sie.
report-error-too-long = Ein Bericht umfasst höchstens zehn Jahre.
