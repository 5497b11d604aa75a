# The desk's frame: the page around every staff page, the language picker.

language-name = English
app-name = Amends
skip-to-content = Skip to content

nav-menu = Menu
nav-main = Main
nav-inbox = Inbox
nav-new = New complaint
nav-customers = Customers
nav-templates = Templates
nav-replies = Saved replies
nav-letters = Letters
nav-approvals = Approvals
nav-reports = Reports
nav-problems = Problems
nav-disclosures = Disclosures
nav-imports = Imports
nav-spam = Spam
nav-staff = Staff
nav-hours = Hours
nav-search = Search
nav-search-everything = Search everything
nav-search-placeholder = Search cases and customers
nav-signed-in-as = Signed in as { $name }
nav-account = Your account and alerts
nav-password = Change password
nav-sign-out = Sign out

role-agent = agent
role-manager = manager
role-admin = admin

footer-source = Source code
footer-licence = Amends is free software (GNU AGPL)

shortcuts-title = Keyboard shortcuts
shortcuts-next = Next / previous case in the inbox
shortcuts-open = Open the selected case
shortcuts-reply = Write the next step (reply)
shortcuts-tick = Tick the selected case in the inbox (for the bulk bar)
shortcuts-assign = Assign the case to me
shortcuts-snooze = Snooze the case
shortcuts-new = Log a new complaint
shortcuts-search = Search
shortcuts-inbox = Go to the inbox
shortcuts-help = Show or hide this help ({ $key } closes)
shortcuts-never-typing = Shortcuts never fire while you are typing in a field.

language-label = Language
