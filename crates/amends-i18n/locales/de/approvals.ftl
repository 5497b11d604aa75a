# Die Freigaben: Gesten über dem Limit einer Mitarbeiterin oder eines Mitarbeiters.

approvals-title = Freigaben
approvals-heading = Gesten zur Freigabe
approvals-limits = Mitarbeitende dürfen Gesten bis { $limit } geben; darüber gibt eine Führungskraft frei. Budget dieses Monats: { $budget }.
approvals-spent = Diesen Monat ausgegeben:
approvals-left = , übrig { $left }.
approvals-col-case = Fall
approvals-col-gesture = Geste
approvals-col-cost = Kosten
approvals-col-decision = Entscheidung
approvals-approve = Freigeben
approvals-why-not = Warum nicht (zum Ablehnen)
approvals-reason = Grund für die Ablehnung
approvals-decline = Ablehnen
approvals-none = Nichts wartet auf Freigabe.
approvals-error-reason = Sagen Sie, warum die Geste abgelehnt wird.
approvals-gesture-discount = Rabatt
approvals-gesture-voucher = Gutschein
approvals-gesture-gift = Geschenk
approvals-gesture-free_service = kostenlose Leistung
approvals-gesture-replacement = Ersatz
approvals-gesture-refund = Erstattung
