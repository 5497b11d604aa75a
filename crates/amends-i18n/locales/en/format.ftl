# Where a currency stands beside an amount. $sign is "-" or nothing, $amount the
# number as the language writes it, $currency its sign (€) or its code (CHF).
format-money-symbol = { $sign }{ $currency }{ $amount }
format-money-code = { $sign }{ $currency } { $amount }
