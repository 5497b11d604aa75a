# Wo die Währung beim Betrag steht. $sign ist "-" oder leer, $amount die Zahl, wie die
# Sprache sie schreibt, $currency das Zeichen (€) oder der Code (CHF).
format-money-symbol = { $sign }{ $amount } { $currency }
format-money-code = { $sign }{ $amount } { $currency }
