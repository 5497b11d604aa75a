# Mails an das Team (Hinweise, Ideen gesucht), in der Sprache der Empfängerin oder des Empfängers.
staffmail-switch-off = Diese Mails erhalten Sie während der Servicezeiten; abschalten können Sie sie auf Ihrer Kontoseite: { $address }
staffmail-idea-subject = Ihre Idee ist gefragt: { $title }
staffmail-idea-body =
    { $name },

    Sie haben { $count ->
        [one] ein Anliegen
       *[other] { $count } Anliegen
    } bearbeitet, die dieselbe Ursache hatten: „{ $title }“.

    Sie kennen die Arbeit am besten: Wie würden Sie verhindern, dass es wieder passiert? Schreiben Sie Ihre Idee auf die Seite des Problems; Ihre Kolleginnen und Kollegen stimmen ab, und eine Führungskraft wählt die Idee aus, die unsere Vorbeugemaßnahme wird – mit Ihrem Namen.

    { $address }
