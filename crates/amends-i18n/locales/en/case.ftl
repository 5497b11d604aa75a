# The case page: the customer's words, the playbook's steps and their forms, the
# timeline; logging a new complaint. Also the words for a case's status, severity and
# channel, used on every staff page of the case area.

case-status-open = open
case-status-awaiting_customer = awaiting customer
case-status-watching = watching
case-status-retained = retained
case-status-lost = lost
case-status-merged = merged
case-status-spam = spam

case-severity-low = low
case-severity-normal = normal
case-severity-high = high
case-severity-critical = critical

case-channel-email = email
case-channel-web = web
case-channel-phone = phone
case-channel-in_person = in person
case-channel-api = api

case-optional = (optional)

case-new-title = Log a complaint
case-new-lead = Write down the customer's own words while they talk. Let them vent; keep everything.
case-new-for = For
case-new-customer = Customer
case-new-customer-found = An existing customer is found by their email.
case-new-name = Name
case-new-email = Email
case-new-phone = Phone
case-new-what-happened = What happened
case-new-channel = How they told us
case-new-channel-phone = Phone call
case-new-channel-in_person = In person
case-new-channel-email = Email
case-new-channel-web = Web
case-new-channel-api = Other system
case-new-severity = Severity
case-new-severity-auto = From the words (raised when serious)
case-new-subject = Subject
case-new-order-ref = Order reference
case-new-body = Their words
case-new-wish = What would put it right for them?
case-new-wish-hint = (ask them)
case-new-submit = Log the complaint
case-new-choose-customer = Choose the customer again.

step-hear = Hear the customer
step-restate = Restate and confirm
step-apologise = Apologise and own it
step-escalate = Escalate
step-offer = Offer two options
step-gesture = Surprise gesture
step-fix = Fix
step-prevent = Prevent the root cause
step-follow_up = Follow up
step-watch = Prove yourself next time
