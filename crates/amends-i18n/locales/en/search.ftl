# The search page: customers and cases found by words, names or a reference.

search-title = Search
search-again = Search again
search-placeholder = Words, a name, an email, or a reference like { $example }
search-submit = Search
search-customers = Customers
search-no-customer = No customer by that name or email.
search-cases = Cases
search-no-case = No case has those words.
