# Was ein Kunde im Web liest: das Beschwerdeformular, die Seiten hinter seinen Links,
# die Mitteilung zu einem Problem, der Code aus einem Brief, und die Absagen und der Dank darauf.

public-title = Ihr Anliegen
public-customer-care = Kundenservice
public-source = Quellcode
public-licence = Amends ist freie Software (GNU AGPL)
public-language = Sprache

public-wait-title = Bitte warten Sie einen Moment
public-wait = Zu viele Anfragen von hier. Versuchen Sie es in { $seconds } Sekunden erneut; wenn Sie zurückgehen, ist nichts von Ihrer Eingabe verloren.
public-error-not-found-title = Nicht gefunden
public-error-not-found = Wir konnten nicht finden, worum es auf dieser Seite geht. Bitte prüfen Sie den Link oder schreiben Sie uns.
public-error-form-title = Bitte prüfen Sie das Formular
public-error-refused-title = Das wurde nicht ausgeführt
public-error-unavailable-title = Bitte versuchen Sie es gleich noch einmal
public-error-unavailable = Wir sind gerade ausgelastet. Es wurde nichts geändert: Bitte versuchen Sie es in einer Minute erneut.
public-error-internal-title = Etwas ist schiefgelaufen
public-error-internal = Der Fehler wurde protokolliert. Ihre Eingaben sind nicht verloren: Gehen Sie zurück und versuchen Sie es erneut.

complain-title = Sagen Sie uns, was schiefgelaufen ist
complain-intro = Es tut uns leid, dass etwas schiefgelaufen ist. Schildern Sie es uns mit Ihren eigenen Worten, so ausführlich Sie möchten: Wir lesen jedes Wort und antworten Ihnen.
complain-name = Ihr Name
complain-email = Ihre E-Mail-Adresse
complain-order = Bestell- oder Buchungsnummer
complain-if-any = (falls vorhanden)
complain-body = Was ist passiert?
complain-wish = Womit könnten wir es für Sie wiedergutmachen?
complain-optional = (freiwillig)
complain-files = Fotos oder Dokumente
complain-files-hint = (bis zu 5 Dateien, je 5 MB: Fotos, PDF oder Text)
complain-leave-empty = Dieses Feld bitte leer lassen
complain-send = Absenden
complain-language-hint = Wir antworten Ihnen in der Sprache, die Sie wählen.

complain-unreadable = Das Formular konnte nicht vollständig gelesen werden ({ $why }). Bitte versuchen Sie es mit kleineren Dateien erneut.
complain-file-unreadable = Eine Datei konnte nicht gelesen werden. Bitte versuchen Sie es erneut.
complain-form-unreadable = Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut.
complain-too-many-files = Bitte hängen Sie höchstens { $count } Dateien an.
complain-file-too-large = { $file } ist größer als { $megabytes } MB.
complain-files-too-large = Die Dateien sind zusammen größer als { $megabytes } MB.
complain-file-type = { $file } ist weder ein Foto noch eine PDF- oder Textdatei.
complain-nul = Ihr Text enthält ein unsichtbares NUL-Zeichen; bitte prüfen Sie ihn und senden Sie ihn erneut.
complain-name-one-line = Bitte schreiben Sie Ihren Namen in eine Zeile.
complain-name-missing = Bitte nennen Sie uns Ihren Namen.
complain-email-invalid = Bitte geben Sie eine E-Mail-Adresse an, unter der wir Ihnen antworten können, etwa name@example.com.
complain-body-too-large = Ihre Nachricht ist länger, als wir auf einmal annehmen können (1 MB). Bitte kürzen Sie sie oder senden Sie sie in zwei Teilen.
complain-body-missing = Bitte schildern Sie uns mit Ihren eigenen Worten, was passiert ist.
complain-not-stored-wait = Wir konnten Ihre Nachricht gerade nicht speichern. Es ist nichts verloren: Bitte klicken Sie in einer Minute noch einmal auf „Absenden“.
complain-not-stored = Wir konnten Ihre Nachricht gerade nicht speichern. Es ist nichts verloren: Bitte klicken Sie noch einmal auf „Absenden“.

complain-done-title = Vielen Dank
complain-done-heading = Vielen Dank. Ihre Nachricht ist bei uns angekommen.
complain-done-reference = Ihre Vorgangsnummer lautet
complain-done-next = Wir haben Ihnen eine E-Mail zur Bestätigung geschickt. Bald schreibt Ihnen jemand zurück, was wir verstanden haben, damit wir sichergehen können, und macht es dann wieder gut.

link-title = Ihr Anliegen { $reference }
link-case = Vorgang { $reference }
link-thanks = Vielen Dank, { $name }
link-answer-received = Ihre Antwort ist bei uns angekommen. Sie hören bald von uns.
link-answer-already = Ihre Antwort liegt uns bereits vor. Falls sich etwas geändert hat, antworten Sie einfach auf unsere Nachricht; wir lesen sie.
link-restatement-heading = Haben wir Sie richtig verstanden?
link-restatement-intro = Bevor wir etwas unternehmen, möchten wir sicher sein, dass wir verstanden haben, was schiefgelaufen ist. In unseren Worten:
link-wish = Womit könnten wir es für Sie wiedergutmachen?
link-optional = (freiwillig)
link-confirm = Ja, das stimmt
link-correction = Nein – so ist es gewesen, in meinen Worten:
link-send-correction = Meine Richtigstellung senden
link-offer-heading = Wie sollen wir es wiedergutmachen?
link-offer-intro = Hier sind die zwei besten Möglichkeiten, die wir Ihnen anbieten können. Wählen Sie die, die Ihnen lieber ist:
link-offer-choice = Ihre Wahl
link-offer-choose = Diese Möglichkeit wähle ich
link-offer-propose = Oder sagen Sie uns, was Ihnen lieber wäre:
link-offer-send-proposal = Meinen Vorschlag senden
link-follow-up-heading = Haben wir es wiedergutgemacht?
link-follow-up-satisfied = Sind Sie damit zufrieden, wie wir es wiedergutgemacht haben?
link-yes = Ja
link-no = Nein
link-follow-up-scale = Wie zufrieden sind Sie jetzt? (1 = überhaupt nicht, 5 = voll und ganz)
link-follow-up-words = Möchten Sie uns noch etwas sagen?
link-send = Absenden
link-status-heading = So steht es um Ihr Anliegen
link-finished = Ihr Anliegen ist erledigt.
link-finished-thanks = Vielen Dank, dass Sie es uns gesagt haben, { $name }.
link-finished-thanks-closed = Vielen Dank, dass Sie es uns gesagt haben, { $name }; wir haben den Vorgang abgeschlossen.
link-finished-again = Falls noch etwas nicht stimmt, schreiben Sie uns unten, und wir nehmen es wieder auf.
link-told-us = Was Sie uns geschrieben haben
link-told-wish = Womit wir es für Sie wiedergutmachen könnten: „{ $wish }“
link-done = Was wir getan haben
link-waiting = Worauf Sie warten
link-waiting-by = Bis { $when }.
link-next = Wie es weitergeht
link-write = Möchten Sie etwas ergänzen oder haben Sie eine Frage? Schreiben Sie uns hier:
link-send-to-us = An uns senden
link-testimonial-question = Eine Frage noch, wenn Sie einen Moment Zeit haben: Würden Sie uns einem Freund empfehlen?
link-testimonial-words = Ein paar Worte dazu

link-not-ours-title = Dieser Link funktioniert nicht
link-not-ours = Bitte prüfen Sie, ob Sie den ganzen Link aus unserer Nachricht kopiert haben.
link-replaced-title = Dieser Link wurde ersetzt
link-replaced = Wir haben Ihnen dazu eine neuere Nachricht geschickt; bitte verwenden Sie den Link darin.
link-expired-title = Dieser Link ist abgelaufen
link-expired = Bitte antworten Sie auf unsere Nachricht oder wenden Sie sich an uns; wir schicken Ihnen dann einen neuen.
link-thank-you = Vielen Dank
link-no-question = Hier gibt es für Sie keine Frage zu beantworten.
link-recommend-missing = Bitte sagen Sie uns, ob Sie uns empfehlen würden: ja oder nein.
link-testimonial-too-long = Das sind mehr als ein paar Worte (höchstens 500 Zeichen); bitte kürzen Sie den Text.
link-testimonial-thanks = Vielen Dank für Ihre Worte; sie bedeuten uns viel.
link-already-title = Ihre Antwort liegt uns bereits vor
link-already = Vielen Dank. Falls sich etwas geändert hat, antworten Sie einfach auf unsere Nachricht; wir lesen sie.
link-choose-option = Bitte wählen Sie eine der beiden Möglichkeiten.
link-choose-satisfaction = Bitte wählen Sie, wie zufrieden Sie sind, von 1 bis 5.
link-write-missing = Bitte schreiben Sie, was Sie uns mitteilen möchten.
link-write-too-long = Das ist länger, als wir hier annehmen können (20.000 Zeichen); bitte kürzen Sie den Text.
link-cannot = Mit diesem Link ist das nicht möglich.
link-message-received = Ihre Nachricht ist bei uns angekommen. Sie hören bald von uns.
link-refused = Wir konnten diese Antwort gerade nicht annehmen. Bitte antworten Sie stattdessen auf unsere Nachricht; wir lesen sie.

code-title = Der Code aus unserem Brief
code-label = Ihr Code
code-hint = (8 Buchstaben und Ziffern, etwa 7KQM-3XPA)
code-open = Unsere Mitteilung öffnen
code-invalid = Das sieht nicht nach unserem Code aus: Er hat 8 Buchstaben und Ziffern, etwa 7KQM-3XPA. Bitte prüfen Sie ihn im Brief.
code-unknown-title = Diesen Code kennen wir nicht
code-unknown = Bitte prüfen Sie den Code in unserem Brief (8 Buchstaben und Ziffern, etwa 7KQM-3XPA). Falls er dann immer noch nicht funktioniert, rufen Sie uns an oder schreiben Sie uns.

notice-dear = Guten Tag { $name },
notice-doing = Was wir dagegen tun
notice-replied = Vielen Dank: Ihre Antwort ist bei uns angekommen, und jemand wird sich persönlich bei Ihnen melden.
notice-affected-words = Das hat mich betroffen. Was ist passiert, in Ihren Worten
notice-affected = Das hat mich betroffen
notice-not-affected = Danke für den Hinweis; mich hat es nicht betroffen
notice-expired = Bitte antworten Sie auf unsere Nachricht oder wenden Sie sich an uns, falls das Problem Sie betroffen hat.
notice-read-thanks = Vielen Dank, dass Sie unsere Mitteilung gelesen haben.
notice-affected-body = Das hat mich betroffen (Antwort auf die Mitteilung „{ $title }“).
notice-opened-title = Vielen Dank für Ihre Rückmeldung
notice-opened = Wir haben den Vorgang { $reference } für Sie angelegt; jemand wird sich persönlich bei Ihnen melden.
notice-already = Vielen Dank. Jemand wird sich persönlich bei Ihnen melden; Sie können auch auf unsere Nachricht antworten.

link-prevention-changed = Aufgrund dessen, was passiert ist, haben wir unsere Arbeitsweise geändert: { $action }.
link-prevention-changing = Aufgrund dessen, was passiert ist, ändern wir gerade unsere Arbeitsweise: { $action }.

# Warum eine Antwort über einen Link nicht angenommen wurde (die Regel des Ablaufs, nach ihrem Namen).
link-refusal-case-closed = Ihr Vorgang ist abgeschlossen. Falls noch etwas nicht stimmt, antworten Sie auf unsere Nachricht, und wir nehmen ihn wieder auf.
link-refusal-no-restatement-to-confirm = Hier gibt es nichts mehr zu bestätigen: Ihre Antwort liegt uns bereits vor.
link-refusal-correction-text = Bitte schildern Sie uns mit Ihren eigenen Worten, was passiert ist (höchstens 20.000 Zeichen).
link-refusal-alternative-text = Bitte sagen Sie uns, was Ihnen lieber wäre (höchstens 20.000 Zeichen).
link-refusal-no-offer-to-choose = Es gibt kein Angebot mehr zur Auswahl: Ihre Antwort liegt uns bereits vor.
link-refusal-no-offer-to-answer = Es gibt kein Angebot mehr zu beantworten: Ihre Antwort liegt uns bereits vor.
link-refusal-offer-already-settled = Sie haben bereits gewählt; vielen Dank.
link-refusal-option-out-of-range = Bitte wählen Sie eine der beiden Möglichkeiten.
link-refusal-satisfaction-out-of-range = Bitte wählen Sie, wie zufrieden Sie sind, von 1 bis 5.
link-refusal-follow-up-words = Das ist länger, als wir hier annehmen können; bitte kürzen Sie den Text.

# Auf der Kundenseite des Teams: die Sprache der Mails, Seiten und Briefe an den Kunden.
speaks-label = Korrespondenzsprache
speaks-business = Unbekannt: die Sprache des Unternehmens ({ $language })
speaks-save = Sprache speichern
