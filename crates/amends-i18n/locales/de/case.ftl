# Die Fallseite: die Worte des Kunden, die Schritte des Leitfadens und ihre Formulare,
# der Verlauf; eine neue Beschwerde erfassen. Dazu die Wörter für Status, Dringlichkeit
# und Kanal eines Falls, auf allen Mitarbeiterseiten rund um Fälle.

case-status-open = offen
case-status-awaiting_customer = wartet auf Kunden
case-status-watching = unter Beobachtung
case-status-retained = gehalten
case-status-lost = verloren
case-status-merged = zusammengeführt
case-status-spam = Spam

case-severity-low = niedrig
case-severity-normal = normal
case-severity-high = hoch
case-severity-critical = kritisch

case-channel-email = E-Mail
case-channel-web = Web
case-channel-phone = Telefon
case-channel-in_person = persönlich
case-channel-api = Schnittstelle

case-optional = (optional)

case-new-title = Beschwerde erfassen
case-new-lead = Schreiben Sie die eigenen Worte des Kunden mit, während er spricht. Lassen Sie ihn sich Luft machen; halten Sie alles fest.
case-new-for = Für
case-new-customer = Kunde
case-new-customer-found = Ein bestehender Kunde wird über seine E-Mail-Adresse gefunden.
case-new-name = Name
case-new-email = E-Mail
case-new-phone = Telefon
case-new-what-happened = Was ist passiert
case-new-channel = Wie er sich gemeldet hat
case-new-channel-phone = Anruf
case-new-channel-in_person = Persönlich
case-new-channel-email = E-Mail
case-new-channel-web = Web
case-new-channel-api = Anderes System
case-new-severity = Dringlichkeit
case-new-severity-auto = Aus den Worten (erhöht, wenn ernst)
case-new-subject = Betreff
case-new-order-ref = Bestellnummer
case-new-body = Seine Worte
case-new-wish = Was würde es für ihn wiedergutmachen?
case-new-wish-hint = (fragen Sie nach)
case-new-submit = Beschwerde erfassen
case-new-choose-customer = Bitte wählen Sie den Kunden noch einmal.

step-hear = Zuhören
step-restate = Wiedergeben und bestätigen lassen
step-apologise = Entschuldigen und Verantwortung übernehmen
step-escalate = Eskalieren
step-offer = Zwei Möglichkeiten anbieten
step-gesture = Überraschende Geste
step-fix = Beheben
step-prevent = Die Ursache abstellen
step-follow_up = Nachfassen
step-watch = Sich beim nächsten Mal beweisen

case-problem-status-open = offen
case-problem-status-fixing = in Arbeit
case-problem-status-fixed = behoben
case-problem-status-verified = bestätigt

case-feeling-angry = wütend
case-feeling-upset = aufgebracht
case-feeling-anxious = besorgt
case-feeling-disappointed = enttäuscht
case-feeling-calm = ruhig

case-serious-safety = Sicherheit
case-serious-health = Gesundheit
case-serious-allergy = Allergie
case-serious-child = Kind
case-serious-legal_threat = rechtliche Drohung
case-serious-repeat_complaint = wiederholte Beschwerde
case-serious-high_value_customer = wertvoller Kunde
case-serious-strong_feeling = starke Gefühle
case-serious-repeat = Wiederholung
case-serious-strong_emotion = starke Gefühle

case-scheduled-pending = geplant
case-scheduled-sent = gesendet
case-scheduled-cancelled = abgebrochen
case-scheduled-unsent = nicht gesendet

case-title = { $reference } · { $name }
case-yes = Ja
case-no = Nein
case-complaint-from = Beschwerde von { $name }
case-triage = der Coach schlägt { $severity } vor:
case-triage-why = Aus den Worten des Kunden; setzen Sie die Dringlichkeit unten, wenn Sie zustimmen
case-escalate-tag = eskalieren
case-snoozed-until = zurückgestellt bis { $when }
case-snoozed-until-reply = zurückgestellt, bis der Kunde schreibt
case-linked = Verknüpft:
case-merged-here = In diesen Fall zusammengeführt:
case-owner = Zuständig
case-owner-nobody = Niemand
case-assign = Zuweisen
case-assign-me = Mir zuweisen
case-merged-into = Dieser Fall wurde zusammengeführt in
case-merged-into-after = . Er nimmt keine weiteren Schritte; machen Sie dort weiter.
case-customer-replied = Kunde hat geantwortet
case-customer-replied-lead = Der Kunde wartet auf Ihre Antwort; jeder Schritt, den Sie gehen, beantwortet sie.
case-cancelled-messages = { $count ->
    [one] Eine geplante Nachricht wurde
   *[other] { $count } geplante Nachrichten wurden
  } nicht gesendet: Der Kunde hat zuerst geschrieben (oder der Fall wurde zusammengeführt). Lesen Sie den Verlauf, bevor Sie antworten.
case-stale-kept = Ihre Eingaben stehen unten.
case-stale-open = Den Fall im aktuellen Stand öffnen
case-stale-after = (Ihr Text wird nicht übernommen: Kopieren Sie ihn vorher) oder senden Sie erneut, um ihn auf den aktuellen Fall anzuwenden.
case-saved-waiting = Gespeichert. { $why }: Das wartet auf die Freigabe durch die Leitung (Freigaben).
case-reply-sent = Ihre Antwort ist unterwegs an { $name }; sie steht unten im Verlauf.
case-saved = Gespeichert.

case-spam = Im Spam-Ordner
case-spam-confirmed = Im Spam-Ordner: als Spam bestätigt
case-spam-lead = An den Absender wurde nichts gesendet. Wenn es eine echte Beschwerde ist, geben Sie sie frei: Dann erhält der Kunde eine Eingangsbestätigung und der Leitfaden beginnt.
case-spam-release = Freigeben: Es ist eine echte Beschwerde
case-spam-block = Zusätzlich sperren
case-spam-block-nobody = niemanden
case-spam-block-address = diese Adresse
case-spam-block-domain = diese Domain
case-spam-confirm = Als Spam bestätigen

case-words = In den Worten von { $name }
case-wish = Was es für den Kunden wiedergutmachen würde:
case-wish-first = Was es für den Kunden wiedergutmachen würde, zuerst:
case-wish-later = Später sagte er:
case-attachments = Was er mitgeschickt hat:
case-order = Bestellung { $reference }
case-serious = Beim Eingang als ernst markiert:
case-they-felt = Gefühl: { $feeling }
case-mattered-most = Was am wichtigsten war:
case-feeling-now = Wie es dem Kunden jetzt geht
case-feeling-ask = Wie hat er sich gefühlt?
case-feeling-ask-why = Halten Sie es zuerst am Fall fest: Dann erinnert Sie der Coach daran, darauf einzugehen.
case-feeling-label = Gefühl
case-feeling-words = In seinen Worten
case-mattered-most-label = Was ihm am wichtigsten war
case-feeling-submit = Am Fall festhalten
case-felt-name = { $name } war
case-felt-say = : Sagen Sie, dass Sie es verstehen. Am wichtigsten war: { $mattered }.

case-skip = Diesen Schritt überspringen
case-skip-why = Warum wird er übersprungen?
case-skip-submit = Mit dieser Begründung überspringen
case-coach-found = Der Coach hat gefunden:
case-coach-try = Versuchen Sie: { $suggestion }
case-coach-override = Trotzdem senden, weil …
case-coach-override-placeholder = Die Begründung bleibt im Verlauf
case-goes-to = Das geht per E-Mail an { $name }{ $extra }:
case-not-mailed = { $name } hat keine E-Mail-Adresse, daher wird das nicht verschickt: Sagen Sie es selbst. Es bleibt am Fall{ $extra }.
case-not-mailed-phone = { $name } hat keine E-Mail-Adresse, daher wird das nicht verschickt: Sagen Sie es selbst unter { $phone }. Es bleibt am Fall{ $extra }.
case-goes-to-confirm-link = , mit einem Link zum Bestätigen oder Korrigieren
case-goes-to-date = , mit dem Datum
case-goes-to-case-page = {" "}und erscheint auf seiner Fallseite
case-goes-to-two-options = , mit Ihren zwei Möglichkeiten und einem Link zur Auswahl
case-goes-to-choose-link = , mit einem Link zur Auswahl
case-outgoing = Die E-Mail, wie { $name } sie bekommt
case-preview = Vorschau der E-Mail mit meinen Worten

case-reply-title = Antwort an { $name }
case-reply-saved = Textbaustein
case-reply-saved-use = In das Feld übernehmen
case-reply-label = Ihre Antwort
case-reply-hint = (wird jetzt an { $email } geschickt, unterschrieben mit Ihrem Namen und dem des Unternehmens)
case-reply-now = Jetzt senden
case-reply-later = Später senden um …
case-reply-send-at = Senden am ({ $zone })
case-reply-later-lead = Wird nicht gesendet, wenn der Kunde zuerst schreibt; Sie sehen es dann hier.
case-reply-later-submit = Zu dieser Zeit senden
case-reply-unreachable = { $name } hat keine E-Mail-Adresse, eine Antwort erreicht ihn also nicht.
case-reply-call = Rufen Sie ihn unter { $phone } an und notieren Sie danach, was Sie gesagt haben.

case-playbook = Leitfaden
case-step-done = Erledigt
case-step-skipped = Übersprungen: { $reason }
case-step-not-needed = Nicht nötig
case-step-awaiting-customer = Wartet auf den Kunden
case-step-awaiting-decision = Wartet auf { $name }
case-step-awaiting-someone = Wartet auf die benannte Person
case-step-in-progress = In Arbeit, fällig { $when }
case-step-overdue = Überfällig seit { $when }
case-step-due = Fällig { $when }
case-step-waiting = Kommt nach den früheren Schritten

case-restate-read-back = Lesen Sie es dem Kunden vor. War er einverstanden?
case-restate-confirmed = Er hat es bestätigt
case-restate-correction = Er hat korrigiert – in seinen Worten:
case-restate-correction-submit = Korrektur festhalten
case-restate-corrected = Der Kunde hat Sie korrigiert:
case-restate-change = Ihre Wiedergabe steht im Feld: Passen Sie sie mit seiner Korrektur an
case-restate-label = Geben Sie es in Ihren eigenen Worten wieder, damit er weiß, dass Sie zugehört haben
case-restate-placeholder = Wenn ich Sie richtig verstanden habe: …
case-restate-submit = Wiedergabe speichern

case-apology-label = Entschuldigen Sie sich und übernehmen Sie Verantwortung: keine Schuldzuweisung, keine Vorschriften
case-apology-placeholder = Es tut mir leid. Ich übernehme die volle Verantwortung für …
case-apology-submit = Entschuldigung festhalten

case-escalated-to = Eskaliert an { $name }:
case-take-over = Den Fall übernehmen
case-decision = Oder mit Ihrer Entscheidung zurückgeben
case-decision-hint = (der Mitarbeiter liest sie im Verlauf)
case-decision-submit = Mit dieser Entscheidung zurückgeben
case-escalation-waits = Der Fall wartet darauf, dass { $name } ihn übernimmt oder mit einer Entscheidung zurückgibt.
case-escalate-to = An
case-escalate-why = Warum
case-escalate-submit = Eskalieren

case-offer-proposed = Sein Vorschlag:
case-offer-accept = Seine Lösung annehmen
case-offer-chose = Er hat gewählt
case-offer-option = Möglichkeit { $number }
case-offer-chose-submit = Seine Wahl festhalten
case-offer-alternative = Oder er hat etwas anderes vorgeschlagen
case-offer-alternative-submit = Seinen Vorschlag festhalten
case-offer-own-solution = Er hat eine eigene Lösung vorgeschlagen:
case-offer-you-offered = Wenn es machbar ist, nehmen Sie sie an. Sie haben angeboten:
case-offer-decline = Oder lehnen Sie ab: Sagen Sie ihm, warum, und was Sie tun können
case-offer-decline-submit = Ablehnen und Bescheid geben
case-offer-asked-for = Er wünscht sich:
case-offer-take-it = wenn es machbar ist, tun Sie es.
case-offer-best-two = Bieten Sie Ihre besten zwei an: nicht eine, nicht fünf.
case-offer-submit = Diese zwei anbieten

case-gesture-about = Über ihn:
case-gesture-suggested = Vorschlag: { $amount }
case-gesture-why = für einen Fall mit Dringlichkeit { $severity } und einen Kundenwert von { $value }.
case-gesture-why-repeat = für einen Fall mit Dringlichkeit { $severity } und einen Kundenwert von { $value }, bei { $count } Beschwerden in 90 Tagen.
case-gesture-month = Diesen Monat:
case-gesture-spent-of = { $spent } von { $budget }
case-gesture-nothing-yet = noch nichts vergeben von { $budget }
case-gesture-limit = Über { $limit } je Fall oder über dem Monatsbudget gibt die Leitung es zuerst frei.
case-gesture-limit-yours = Über { $limit } je Fall (Ihre Grenze) oder über dem Monatsbudget gibt die Leitung es zuerst frei.
case-gesture-label = Geste
case-gesture-kind-voucher = Gutschein
case-gesture-kind-discount = Rabatt
case-gesture-kind-gift = Geschenk
case-gesture-kind-free-service = kostenlose Leistung
case-gesture-kind-replacement = Ersatz
case-gesture-kind-refund = Erstattung
case-gesture-cost = Kosten
case-gesture-currency = Währung
case-gesture-what = Was, ausgesucht für diese Person
case-gesture-what-hint = (mit „for your next visit“ wird es beim nächsten Besuch eingelöst)
case-gesture-submit = Geste festhalten

case-low-answer = Der Kunde hat beim Nachfassen { $satisfaction } von 5 gegeben.
case-low-answer-not-right = Der Kunde hat beim Nachfassen { $satisfaction } von 5 gegeben und gesagt, dass es nicht wiedergutgemacht ist.
case-low-answer-words = In seinen Worten:
case-low-answer-reopened = Der Schritt „Beheben“ ist wieder offen; der Zuständige und die Leitung wurden benachrichtigt.
case-fix-note = Was { $name } liest: wie es für ihn wiedergutgemacht wurde
case-fix-note-placeholder = Ein neuer Kuchen hat Sie um 15:00 Uhr erreicht, mit einer Karte von uns.
case-fix-internal = Nur für das Team: wie es intern behoben wurde
case-fix-internal-hint = (im Verlauf; wird nie an { $name } geschickt)
case-fix-internal-placeholder = Jens hat ihn im zweiten Ofen gebacken; der Lieferwagen ist repariert.
case-fix-done = Es ist behoben
case-fix-what = Was Sie tun werden
case-fix-due = Versprochen bis ({ $zone })
case-fix-promise = Die Behebung versprechen

case-prevent-likely = Wahrscheinliche Ursachen, nach den Worten des Kunden:
case-prevent-suggestion = { $status }, { $count ->
    [one] { $count } Fall
   *[other] { $count } Fälle
  }; Punktzahl { $score }; gemeinsam: { $words }
case-prevent-reads-like = Das klingt nach
case-prevent-nothing-written = ; noch steht nichts darüber, was geändert wird.
case-prevent-known = Eine bekannte Ursache
case-prevent-choose = Auswählen …
case-prevent-new = Oder eine neue
case-prevent-new-placeholder = z. B. Wochenendlieferungen verspäten sich
case-prevent-action = Was geändert wird, damit es nicht wieder passiert
case-prevent-action-hint = (wird beim Problem eingetragen, wenn dort noch nichts steht; der Schritt braucht es)
case-prevent-action-placeholder = z. B. Die Ofentemperatur wird stündlich geprüft
case-prevent-submit = Ursache verknüpfen

case-follow-up-due = Nachfassen am ({ $zone })
case-follow-up-by = Per
case-follow-up-by-call = Anruf
case-follow-up-by-email = E-Mail
case-follow-up-by-letter = Brief
case-follow-up-letter = Den Nachfassbrief lesen, bearbeiten und einreihen
case-follow-up-letter-when = (wenn er per Post geht).
case-follow-up-schedule = Nachfassen planen
case-follow-up-satisfaction = Wie zufrieden ist er jetzt?
case-follow-up-put-right = Haben wir es für ihn wiedergutgemacht?
case-follow-up-not-asked = Nicht gefragt
case-follow-up-low = Eine 1 oder 2 oder ein Nein öffnet den Schritt „Beheben“ wieder und benachrichtigt den Zuständigen und die Leitung.
case-follow-up-words = Was er gesagt hat
case-follow-up-submit = Nachfassen festhalten
case-watch-lead = Das Team wird bei seiner nächsten Bestellung oder seinem nächsten Besuch benachrichtigt, um herausragenden Service zu bieten.
case-watch-submit = Auf die Beobachtungsliste setzen

case-reopen-because = Wieder öffnen, weil
case-reopen = Wieder öffnen
case-promised = Für seinen nächsten Besuch versprochen, bitte einhalten:
case-promised-closes = Wenn Sie festhalten, wie es lief, ist das Versprechen erledigt.
case-next-time = Seine nächste Bestellung oder sein nächster Besuch: Wie lief es?
case-next-time-submit = Festhalten
case-outcome = Ergebnis
case-outcome-retained = Gehalten: Er ist geblieben
case-outcome-lost = Verloren
case-outcome-why = Warum
case-outcome-why-hint = (nötig, wenn er verloren ist, und für eine Entscheidung der Leitung, dass er ohne zufriedenes Nachfassen geblieben ist)
case-outcome-submit = Ergebnis festhalten
case-gone = Der Kunde ist endgültig weg
case-gone-why = Warum ist der Kunde verloren?
case-gone-submit = Als verloren festhalten
case-mark-spam = Das ist Spam
case-mark-spam-why = Warum ist es Spam?
case-mark-spam-submit = In den Spam-Ordner verschieben

case-desk = Schreibtisch
case-snooze = Zurückstellen
case-snooze-snoozed = Zurückstellen (zurückgestellt)
case-wake = Jetzt wecken
case-snooze-until = Aus dem Posteingang bis ({ $zone })
case-snooze-until-reply = Bis der Kunde schreibt
case-snooze-lead = Seine Antwort weckt den Fall früher. Versprochene Termine bleiben, wie sie sind.
case-tag = Schlagwort
case-tag-add = Schlagwort hinzufügen
case-severity = Dringlichkeit
case-severity-set = Setzen
case-merge-label = Ein Duplikat von { $name } in diesen Fall zusammenführen
case-merge-submit = In diesen Fall zusammenführen
case-link-label = Mit einem früheren Fall verknüpfen (dasselbe Problem wieder)
case-link-submit = Verknüpfen

case-timeline = Verlauf
case-letter-pdf = Persönlicher Brief (PDF)
case-note = Interne Notiz
case-note-hint = (wird dem Kunden nie gezeigt)
case-note-submit = Notiz hinzufügen
case-timeline-internal = intern
case-timeline-from = aus { $reference }
case-timeline-folded = Die ganze Nachricht, mit zitiertem Verlauf und Signatur

case-card-email = E-Mail
case-card-phone = Telefon
case-card-lifetime-value = Kundenwert
case-card-watch = Beobachtet
case-card-watched = Ja: Die nächste Bestellung bekommt herausragenden Service
case-card-notes = Notizen
case-card-orders = Letzte Bestellungen
case-card-no-orders = Keine erfasst.

case-saved-reply-gone = Diesen Textbaustein gibt es nicht mehr.
case-not-a-time-in = { $time } ist keine Uhrzeit in { $zone }.
case-not-a-time = { $value } ist kein Datum mit Uhrzeit.
case-give-snooze-until = Geben Sie an, bis wann.
case-give-fix-due = Geben Sie an, bis wann die Behebung versprochen ist.
case-give-follow-up-due = Geben Sie an, wann nachgefasst wird.
case-give-send-at = Geben Sie an, wann gesendet wird.
case-not-an-amount = { $value } ist kein Betrag wie 12.50.
case-choose-feeling = Wählen Sie, wie er sich gefühlt hat.
case-choose-manager = Wählen Sie die Leitung, an die es geht.
case-choose-option = Wählen Sie Möglichkeit 1 oder 2.
case-choose-satisfaction = Geben Sie die Zufriedenheit des Kunden von 1 bis 5 an.
case-choose-skip = Wählen Sie den Schritt, der übersprungen wird.
case-choose-someone = Wählen Sie jemanden aus der Liste.
case-choose-outcome = Wählen Sie „gehalten“ oder „verloren“.
case-choose-severity = Wählen Sie niedrig, normal, hoch oder kritisch.
case-no-such-step = Das ist kein Schritt des Leitfadens.
case-choose-other-case = Wählen Sie zuerst den anderen Fall.
case-problem-unsaved = Das Problem konnte nicht gespeichert werden; bitte versuchen Sie es noch einmal.
case-choose-problem = Wählen Sie ein Problem oder benennen Sie ein neues.
case-stale = Jemand anderes hat diesen Fall geändert, während Sie geschrieben haben. Lesen Sie unten im Verlauf, was sich geändert hat.
case-coach-held = Der Sprach-Coach hat das zurückgehalten: Es klingt nach dem Unternehmen statt nach dem Kunden. Schreiben Sie es um oder senden Sie es trotzdem mit einer Begründung.

# Der Verlauf: Titel und Text jedes Ereignisses.
event-user-number = Benutzer #{ $id }
event-problem-number = Problem #{ $id }
event-mail-sent = Gesendet an { $email }: „{ $subject }“
event-mail-failed = Konnte nicht zugestellt werden an { $email }: „{ $subject }“
event-mail-queued = Wartet auf Versand an { $email }: „{ $subject }“
event-opened = Beschwerde angehört
event-opened-text = Per { $channel }, Dringlichkeit { $severity }.
event-opened-escalate = Zu eskalieren: { $reasons }.
event-restatement-written = Wiedergabe geschrieben
event-restatement-missed = Gesendet, ohne wiederzugeben: { $concerns }
event-restatement-confirmed = Wiedergabe bestätigt
event-restatement-confirmed-link = Der Kunde hat sie über seinen Link bestätigt.
event-restatement-confirmed-talk = Der Kunde hat sie im Gespräch bestätigt.
event-restatement-corrected = Der Kunde hat die Wiedergabe korrigiert
event-apologised = Entschuldigung
event-customer-wrote = Der Kunde hat geschrieben
event-customer-wrote-subject = Der Kunde hat geschrieben: { $subject }
event-coach-overridden = Trotz des Coachs gesendet ({ $kinds })
event-wish = Was es wiedergutmachen würde, in seinen Worten
event-feeling = Gefühl: { $feeling }
event-feeling-mattered = Am wichtigsten war: { $mattered }
event-escalated = Eskaliert an { $name }
event-taken-over = Fall übernommen
event-taken-over-text = Die Eskalation ist beantwortet: Der Fall gehört jetzt der Leitung.
event-decided = Mit einer Entscheidung zurückgegeben
event-overdue = Überfällig: Eskalationsstufe { $level }
event-overdue-text = „{ $step }“ ist überfällig. Benachrichtigt: { $told }.
event-options-offered = Zwei Möglichkeiten angeboten
event-option-chosen = Der Kunde hat Möglichkeit { $option } gewählt
event-alternative-proposed = Der Kunde hat eine eigene Lösung vorgeschlagen
event-alternative-accepted = Seine Lösung wurde angenommen
event-alternative-declined = Seine Lösung wurde abgelehnt; er hat erfahren, warum
event-gesture = Geste: { $gesture }
event-gesture-text = { $description } (Kosten { $cost })
event-fix-promised = Behebung versprochen bis { $when }
event-fixed = Behoben
event-fixed-both = Dem Kunden gesagt: { $note }
    Für das Team: { $internal }
event-problem-linked = Mit einer Ursache verknüpft
event-follow-up-scheduled = Nachfassen per { $channel } geplant für { $when }
event-follow-up-by-call = Anruf
event-follow-up-by-email = E-Mail
event-follow-up-by-letter = Brief
event-follow-up = Nachgefasst: Zufriedenheit { $satisfaction } von 5{ $said ->
    [yes] , wiedergutgemacht: ja
    [no] , wiedergutgemacht: nein
   *[other] {""}
  }
event-follow-up-low = Nachgefasst: Zufriedenheit { $satisfaction } von 5{ $said ->
    [yes] , wiedergutgemacht: ja
    [no] , wiedergutgemacht: nein
   *[other] {""}
  }. Nicht wiedergutgemacht: Der Schritt „Beheben“ ist wieder offen
event-problem-matched = Klingt nach einem bekannten Problem: { $problem }
event-problem-matched-text = Beim Eingang anhand der Worte des Kunden verknüpft ({ $words }); der Zuständige wurde benachrichtigt.
event-watch-set = Auf der Beobachtungsliste für die nächste Bestellung
event-next-time = Beim nächsten Mal
event-step-skipped = Übersprungen: { $step }
event-note = Interne Notiz
event-owner-changed = Zuständigkeit geändert
event-assigned = Zugewiesen an { $name }
event-unassigned = Niemandem zugewiesen
event-outcome-retained = Ergebnis: gehalten
event-outcome-lost = Ergebnis: verloren
event-reopened = Wieder geöffnet: { $reason }
event-merged = Zusammengeführt in { $reference }
event-merged-text = Seine Schritte gehen in jenem Fall weiter.
event-merged-in = { $reference } in diesen Fall zusammengeführt
event-merged-in-text = Sein Verlauf steht auch hier.
event-linked = Verknüpft mit { $reference }
event-tagged = Verschlagwortet: { $tag }
event-severity = Dringlichkeit gesetzt auf { $severity }
event-snoozed-until = Zurückgestellt bis { $when } oder bis zur Antwort des Kunden
event-snoozed-until-reply = Zurückgestellt, bis der Kunde schreibt
event-woken = Aus der Zurückstellung geweckt
event-replied = Dem Kunden geantwortet
event-message-scheduled = Nachricht geplant für { $when }
event-message-cancelled = Geplante Nachricht abgebrochen
event-message-cancelled-text = Sie wurde nicht gesendet: { $reason }. Lesen Sie, was er geschrieben hat, bevor Sie antworten.
event-held-as-spam = Als Spam zurückgehalten (Punktzahl { $score })
event-marked-spam = Als Spam markiert
event-spam-released = Aus dem Spam-Ordner freigegeben
event-spam-released-text = Eine echte Beschwerde: Der Leitfaden beginnt.
event-spam-confirmed = Als Spam bestätigt
event-spam-blocked = { $blocked } ist ab jetzt gesperrt.
event-improvement = Über die Änderung informiert und wieder eingeladen
event-improvement-text = Die Ursache „{ $problem }“ ist behoben; { $name } hat den Nachweis der Änderung geschickt.
event-improvement-gesture = Angebot zur Rückkehr: { $description } (Kosten { $cost }).
event-won-back = Zurückgewonnen
event-won-back-text = Ein verlorener Kunde hat nach der Nachricht über die Änderung wieder bestellt.
case-coach-save-anyway = Trotzdem speichern, weil …
case-coach-save-anyway-placeholder = Die Begründung wird beim Textbaustein gespeichert

# Die Lücken der E-Mail-Vorschau eines Schritts, für die Worte, die noch nicht getippt sind
# (in Klammern, in der Sprache der Person, die tippt).
preview-blank-restatement = was Sie verstanden haben
preview-blank-apology = Ihre Entschuldigung
preview-blank-option = Möglichkeit { $n }
preview-blank-decline-reason = warum nicht, und was Sie stattdessen tun können
preview-blank-their-suggestion = der Vorschlag der Kundschaft
preview-blank-fix-what = was Sie tun werden
preview-blank-fix-due = das Datum, das Sie zusagen
preview-blank-fix-note = wie es in Ordnung gebracht wurde
