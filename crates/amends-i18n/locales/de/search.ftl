# Die Suchseite: Kunden und Fälle, gefunden über Wörter, Namen oder ein Aktenzeichen.

search-title = Suche
search-again = Erneut suchen
search-placeholder = Wörter, ein Name, eine E-Mail-Adresse oder ein Aktenzeichen wie { $example }
search-submit = Suchen
search-customers = Kunden
search-no-customer = Kein Kunde mit diesem Namen oder dieser E-Mail-Adresse.
search-cases = Fälle
search-no-case = Kein Fall enthält diese Wörter.
