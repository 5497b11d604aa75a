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
