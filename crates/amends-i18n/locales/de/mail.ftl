# Die Nachrichten an Kundinnen und Kunden (crates/amends-jobs/templates/email). Jede
# Vorlage ist ein Gerüst aus diesen Texten; ihre Variablen stehen hier als { $name }.

mail-dear = Guten Tag { $name },
mail-closing = Mit freundlichen Grüßen und herzlichem Dank

mail-acknowledgement-subject = Ihre Nachricht ist bei uns angekommen [{ $reference }]
mail-acknowledgement-sorry = vielen Dank, dass Sie uns Bescheid gegeben haben. Es tut mir leid, dass das passiert ist, und ich möchte es wiedergutmachen.
mail-acknowledgement-next = Wir haben Ihre Nachricht Wort für Wort unter dem Zeichen { $reference } aufgenommen. Jemand aus unserem Team gibt sie Ihnen { $soon } in eigenen Worten wieder, damit wir sicher sind, dass wir Sie richtig verstanden haben.
mail-acknowledgement-status = Wie es um Ihr Anliegen steht, sehen Sie jederzeit hier:
mail-soon-by = bis { $when }
mail-soon-shortly = in Kürze

mail-restatement-subject = Haben wir Sie richtig verstanden? [{ $reference }]
mail-restatement-intro = bevor wir etwas unternehmen, möchte ich sicher sein, dass ich verstanden habe, was schiefgelaufen ist. In meinen eigenen Worten:
mail-restatement-confirm = Stimmt das so? Bitte bestätigen Sie es oder korrigieren Sie mich in Ihren eigenen Worten, hier:
mail-restatement-wish = Und wenn Sie schon wissen, womit wir es für Sie wiedergutmachen können, schreiben Sie es uns gern dort dazu.

mail-apology-subject = Es tut mir leid [{ $reference }]

mail-offer-subject = Zwei Wege, es wiedergutzumachen [{ $reference }]
mail-offer-intro = hier sind die zwei besten Wege, wie wir es wiedergutmachen können:
mail-offer-choose = Bitte wählen Sie den Weg, der Ihnen lieber ist, oder sagen Sie uns, was Ihnen lieber wäre, hier:

mail-alternative-declined-subject = Ihr Vorschlag und was wir tun können [{ $reference }]
mail-alternative-declined-thanks = vielen Dank, dass Sie uns gesagt haben, was Sie sich wünschen: „{ $proposal }“.
mail-alternative-declined-still = Die beiden Wege, die wir Ihnen angeboten haben, gelten weiterhin:
mail-alternative-declined-choose = Bitte wählen Sie den Weg, der Ihnen lieber ist, oder sagen Sie uns, was Ihnen sonst helfen würde, hier:

mail-fix-promised-subject = Was wir tun, und bis wann [{ $reference }]
mail-fix-promised-what = das werden wir tun: { $what }
mail-fix-promised-due = Es wird bis { $due } erledigt sein. Sollte sich etwas ändern, erfahren Sie es zuerst von mir.

mail-fix-done-subject = Es ist erledigt [{ $reference }]
mail-fix-done-done = was wir Ihnen zugesagt haben, ist erledigt.
mail-fix-done-thanks = Vielen Dank für Ihre Geduld mit uns.

mail-follow-up-subject = Haben wir es wiedergutgemacht? [{ $reference }]
mail-follow-up-ask = einige Tage sind vergangen, seit wir behoben haben, was schiefgelaufen war. Ich möchte ehrlich wissen: Haben wir es für Sie wiedergutgemacht? Sind Sie zufrieden?
mail-follow-up-answer = Die Antwort dauert nur eine Minute, hier:
mail-prevention-changed = Wegen dieses Vorfalls haben wir unsere Arbeitsweise geändert: { $action }.
mail-prevention-changing = Wegen dieses Vorfalls ändern wir unsere Arbeitsweise: { $action }.

mail-disclosure-doing = Was wir dagegen tun:
mail-notice-opening = wir haben ein Problem gefunden, das auch Sie betroffen haben könnte, und möchten es Ihnen lieber jetzt sagen, als dass Sie es selbst entdecken.
mail-notice-invitation = Falls Sie betroffen waren, sagen Sie es uns, und wir machen es für Sie persönlich wieder gut:
mail-notice-opening-told = Sie haben uns am { $day } darauf hingewiesen. Vielen Dank: Hier lesen Sie, was wir gefunden und was wir getan haben.
mail-notice-invitation-told = Falls für Sie noch etwas nicht in Ordnung ist, sagen Sie es uns, und wir machen es für Sie persönlich wieder gut:

mail-proof-subject = Was wir geändert haben, nachdem Sie es uns gesagt haben [{ $reference }]
mail-proof-you-said = als Sie uns geschrieben haben ({ $reference }), sagten Sie: „{ $words }“
mail-proof-changed = Vielen Dank, dass Sie es uns gesagt haben. Wegen dem, was Ihnen passiert ist, haben wir unsere Arbeitsweise geändert:
mail-proof-welcome-back = Zum Wiedersehen: { $gesture }.
mail-proof-reply = Wenn Sie uns etwas sagen möchten, antworten Sie einfach auf diese Nachricht; sie erreicht Ihr Anliegen.
mail-proof-invitation-lost = Wir wissen, dass wir Ihr Vertrauen verloren haben. Wir würden uns über die Gelegenheit freuen, Ihnen den Unterschied selbst zu zeigen: Besuchen Sie uns wieder.
mail-proof-invitation-retained = Vielen Dank, dass Sie uns treu geblieben sind. Überzeugen Sie sich beim nächsten Mal vom Unterschied; wir freuen uns auf Ihre Meinung.
mail-proof-invitation-open = Ihr Anliegen ist bei uns noch offen, und wir bringen es zu Ende. Wir hoffen, Sie merken bei Ihrem nächsten Besuch den Unterschied.

mail-reply-subject = Zu Ihrem Anliegen [{ $reference }]

mail-template-language = Für Kundinnen und Kunden auf:
