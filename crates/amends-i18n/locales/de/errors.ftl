# Die Fehlerseiten für Mitarbeiter: warum eine Seite nicht gezeigt werden konnte.

error-sign-in-title = Bitte melden Sie sich an
error-sign-in = Bitte melden Sie sich zuerst an.
error-forbidden-title = Nicht erlaubt
error-not-found-title = Nicht gefunden
error-bad-form-title = Bitte prüfen Sie das Formular
error-refused-title = Das wurde nicht ausgeführt
error-unavailable-title = Bitte versuchen Sie es gleich noch einmal
error-unavailable = Die Datenbank ist ausgelastet oder nicht erreichbar. Es wurde nichts geändert.
error-internal-title = Etwas ist schiefgelaufen
error-internal = Der Fehler wurde protokolliert. Ihre Eingaben sind nicht verloren: Gehen Sie zurück und versuchen Sie es noch einmal.
error-back-to-inbox = Zurück zum Posteingang

error-missing = Das Gesuchte ({ $what }) gibt es nicht.
error-missing-case = Diesen Fall gibt es nicht.
error-missing-customer = Diesen Kunden gibt es nicht.
error-missing-problem = Dieses Problem gibt es nicht.
error-missing-user = Diesen Benutzer gibt es nicht.
error-missing-view = Diese Ansicht gibt es nicht.
error-missing-saved-reply = Diesen Textbaustein gibt es nicht.
error-missing-disclosure = Diese Bekanntmachung gibt es nicht.
error-missing-template = Diese Vorlage gibt es nicht.
error-missing-approval = Diese Freigabe gibt es nicht.
error-missing-attachment = Diesen Anhang gibt es nicht.
error-missing-transaction = Diesen Umsatz gibt es nicht.
error-missing-letter = Diesen Brief gibt es nicht.

error-bad-cursor = dieser Seitenlink gilt nicht mehr
error-approval-needed = { $reason }: Das wartet jetzt auf die Freigabe durch die Leitung (Freigaben).
error-role-needed = Diese Seite ist für die Rolle { $role }; Ihre Rolle ist { $yours }.
error-form-too-large = Das Formular ist größer als 2 MiB.
error-form-unreadable = Das Formular konnte nicht gelesen werden.
error-form-nul = Das Formular enthält ein NUL-Zeichen, das man nie tippt; bitte geben Sie den Text noch einmal ein.
error-form-csrf = Dieses Formular ist veraltet oder kam nicht von Amends (CSRF-Prüfung). Laden Sie die Seite neu und versuchen Sie es noch einmal.
error-form-incomplete = Das Formular ist unvollständig: { $why }.
error-approval-case-limit = Mit dem, was dieser Fall schon bekommen hat, liegt die Geste über Ihrer Grenze
error-approval-monthly-limit = Mit dem, was Sie diesen Monat schon vergeben haben, liegt die Geste über Ihrer Monatsgrenze
error-approval-past-budget = Die Geste würde die Gesten dieses Monats über das Budget bringen
