# Die Statusseite des Kunden: was wir getan haben, worauf er wartet, was als Nächstes kommt
# (die Sätze, die amends_domain::progress wählt).

status-done-received = Wir haben Ihre Nachricht erhalten.
status-done-restated = Wir haben Ihnen geschrieben, was wir verstanden haben, damit Sie es prüfen können.
status-done-confirmed = Sie haben bestätigt, dass wir Sie richtig verstanden haben.
status-done-agreed = Wir haben mit Ihnen geklärt, was schiefgelaufen ist.
status-done-corrected = Sie haben richtiggestellt, was wir verstanden hatten.
status-done-suggested = Sie haben einen anderen Weg vorgeschlagen, es wiedergutzumachen.
status-done-apologised = Wir haben uns bei Ihnen entschuldigt.
status-done-offered = Wir haben Ihnen zwei Wege angeboten, es wiedergutzumachen.
status-done-chose = Ihre Wahl: { $option }
status-done-chose-unknown = Sie haben gewählt, wie wir es wiedergutmachen.
status-done-suggestion-accepted = Wir haben Ihrem Vorschlag zugestimmt.
status-done-suggestion-declined = Wir haben Ihnen zu Ihrem Vorschlag geschrieben; die beiden angebotenen Wege gelten weiterhin.
status-done-gesture = Wir haben Ihnen als Entschuldigung eine kleine Aufmerksamkeit zukommen lassen.
status-done-promised = Wir haben zugesagt: { $what }
status-done-fixed = Wir haben es wiedergutgemacht.
status-done-fixed-how = Wir haben es wiedergutgemacht: { $how }
status-done-followed-up = Sie haben uns gesagt, ob wir es wiedergutgemacht haben. Vielen Dank.
status-done-replied = Wir haben Ihnen geschrieben.
status-done-closed = Ihr Fall wurde abgeschlossen.
status-done-reopened = Wir haben Ihren Fall wieder aufgenommen.

status-waiting-restatement = Ihre Antwort: Bitte sagen Sie uns, ob wir Sie richtig verstanden haben (den Link finden Sie in unserer E-Mail).
status-waiting-choice = Ihre Wahl zwischen den beiden angebotenen Wegen (den Link finden Sie in unserer E-Mail).
status-waiting-promised = { $what }
status-waiting-our-message = Unsere nächste Nachricht an Sie.

status-next-hear = Wir lesen Ihre Nachricht vollständig.
status-next-restate = Wir schreiben Ihnen, was wir verstanden haben, damit Sie prüfen können, ob wir richtig liegen.
status-next-apologise = Wir schreiben Ihnen persönlich, was schiefgelaufen ist.
status-next-offer = Wir bieten Ihnen zwei Wege an, es wiedergutzumachen, und Sie wählen.
status-next-fix = Wir machen es wieder gut, wie mit Ihnen vereinbart.
status-next-follow-up = Wir fragen Sie, ob wir es wiedergutgemacht haben.
