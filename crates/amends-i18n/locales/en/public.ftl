# What a customer reads on the web: the complaint form, the pages behind their links,
# a disclosure's notice, the code from a letter, and the refusals and thanks on them.

public-title = Your case
public-customer-care = Customer care
public-source = Source code
public-licence = Amends is free software (GNU AGPL)
public-language = Language

public-wait-title = Please wait a moment
public-wait = Too many requests from here. Try again in { $seconds } seconds; nothing you typed is lost if you go back.
public-error-not-found-title = Not found
public-error-not-found = We could not find what this page is about. Please check the link, or write to us.
public-error-form-title = Please check the form
public-error-refused-title = This was not done
public-error-unavailable-title = Try again in a moment
public-error-unavailable = We are busy just now. Nothing was changed: please try again in a minute.
public-error-internal-title = Something went wrong
public-error-internal = It has been logged. Nothing you typed was lost: go back and try again.

complain-title = Tell us what went wrong
complain-intro = We are sorry something went wrong. Tell us in your own words, as much as you like: we read every word, and we will answer you.
complain-name = Your name
complain-email = Your email
complain-order = Order or booking number
complain-if-any = (if you have one)
complain-body = What happened
complain-wish = What would put it right for you?
complain-optional = (optional)
complain-files = Photos or documents
complain-files-hint = (up to 5 files, 5 MB each: photos, PDF or text)
complain-leave-empty = Leave this empty
complain-send = Send
complain-language-hint = We answer you in the language you choose.

complain-unreadable = The form could not be read completely ({ $why }). Please try again with smaller files.
complain-file-unreadable = A file could not be read. Please try again.
complain-form-unreadable = The form could not be read. Please try again.
complain-too-many-files = Please attach at most { $count } files.
complain-file-too-large = { $file } is larger than { $megabytes } MB.
complain-files-too-large = The files together are larger than { $megabytes } MB.
complain-file-type = { $file } is not a photo, PDF or text file.
complain-nul = Your text holds an invisible NUL character; please check it and send again.
complain-name-one-line = Please write your name on one line.
complain-name-missing = Please tell us your name.
complain-email-invalid = Please give an email address we can answer you at, like name@example.com.
complain-body-too-large = Your message is longer than we can take in one go (1 MB). Please shorten it or send it in two parts.
complain-body-missing = Please tell us what happened, in your own words.
complain-not-stored-wait = We could not store your message just now. Nothing is lost: please press Send again in a minute.
complain-not-stored = We could not store your message just now. Nothing is lost: please press Send again.

complain-done-title = Thank you
complain-done-heading = Thank you. We have your message.
complain-done-reference = Your reference is
complain-done-next = We have sent you an email to confirm it. Someone will read your words back to you soon, to be sure we understood, and then put it right.

link-title = Your case { $reference }
link-case = Case { $reference }
link-thanks = Thank you, { $name }
link-answer-received = We have your answer. You will hear from us soon.
link-answer-already = We already have your answer. If something changed, reply to our message and we will read it.
link-restatement-heading = Did we understand you?
link-restatement-intro = Before we do anything, we want to be sure we understood what went wrong. In our words:
link-wish = What would put it right for you?
link-optional = (optional)
link-confirm = Yes, that is right
link-correction = No — this is what happened, in my words:
link-send-correction = Send my correction
link-offer-heading = How shall we put it right?
link-offer-intro = Here are the two best ways we can. Choose the one you prefer:
link-offer-choice = Your choice
link-offer-choose = I choose this one
link-offer-propose = Or tell us what you would rather have:
link-offer-send-proposal = Send my suggestion
link-follow-up-heading = Did we put it right?
link-follow-up-satisfied = Are you satisfied with how we put it right?
link-yes = Yes
link-no = No
link-follow-up-scale = How satisfied are you now? (1 = not at all, 5 = completely)
link-follow-up-words = Anything you want to tell us
link-send = Send
link-status-heading = Where your case stands
link-finished = Your case is finished.
link-finished-thanks = Thank you for telling us, { $name }.
link-finished-thanks-closed = Thank you for telling us, { $name }; we have closed it.
link-finished-again = If anything is still not right, write to us below and we will take it up again.
link-told-us = What you told us
link-told-wish = What would put it right for you: “{ $wish }”
link-done = What we have done
link-waiting = What you are waiting for
link-waiting-by = By { $when }.
link-next = What comes next
link-write = Anything to add, or a question? Write to us here:
link-send-to-us = Send to us
link-testimonial-question = One question, if you have a moment: would you recommend us to a friend?
link-testimonial-words = A few words about it

link-not-ours-title = This link does not work
link-not-ours = Please check that you copied the whole link from our message.
link-replaced-title = This link was replaced
link-replaced = We sent you a newer message about this; please use the link in that one.
link-expired-title = This link has expired
link-expired = Please reply to our message or contact us, and we will send you a new one.
link-thank-you = Thank you
link-no-question = There is no question for you to answer here.
link-recommend-missing = Please say whether you would recommend us: yes or no.
link-testimonial-too-long = That is more than a few words (500 characters at most); please shorten it.
link-testimonial-thanks = Thank you for your words; they mean a lot to us.
link-already-title = We already have your answer
link-already = Thank you. If something changed, reply to our message and we will read it.
link-choose-option = Please choose one of the two options.
link-choose-satisfaction = Please choose how satisfied you are, from 1 to 5.
link-write-missing = Write what you want to tell us.
link-write-too-long = That is longer than we can take here (20,000 characters); please shorten it.
link-cannot = This link cannot do that.
link-message-received = We have your message. You will hear from us soon.
link-refused = We could not take this answer just now. Please reply to our message instead, and we will read it.

code-title = The code from our letter
code-label = Your code
code-hint = (8 letters and digits, like 7KQM-3XPA)
code-open = Open our notice
code-invalid = That does not look like our code: it has 8 letters and digits, like 7KQM-3XPA. Please check it on the letter.
code-unknown-title = We do not know this code
code-unknown = Please check the code on our letter (8 letters and digits, like 7KQM-3XPA). If it still does not work, call or write to us.

notice-dear = Dear { $name },
notice-doing = What we are doing about it
notice-replied = Thank you: we have your answer, and someone will contact you personally.
notice-affected-words = This affected me. What happened, in your words
notice-affected = This affected me
notice-not-affected = Thank you for telling me; it did not affect me
notice-expired = Please reply to our message or contact us if the problem affected you.
notice-read-thanks = Thank you for reading our notice.
notice-affected-body = This affected me (answer to the notice "{ $title }").
notice-opened-title = Thank you for telling us
notice-opened = We opened case { $reference } for you; someone will contact you personally.
notice-already = Thank you. Someone will contact you personally; you may also reply to our message.

link-prevention-changed = Because of what happened, we have changed how we work: { $action }.
link-prevention-changing = Because of what happened, we are changing how we work: { $action }.

# Why an answer on a link was not taken (the playbook's rule, by its name).
link-refusal-case-closed = Your case is closed. If anything is still not right, reply to our message and we will take it up again.
link-refusal-no-restatement-to-confirm = There is nothing to confirm here any more: we already have your answer.
link-refusal-correction-text = Please tell us what happened, in your own words (at most 20,000 characters).
link-refusal-alternative-text = Please tell us what you would rather have (at most 20,000 characters).
link-refusal-no-offer-to-choose = There is no offer to choose from any more: we already have your answer.
link-refusal-no-offer-to-answer = There is no offer to answer any more: we already have your answer.
link-refusal-offer-already-settled = You already chose; thank you.
link-refusal-option-out-of-range = Please choose one of the two options.
link-refusal-satisfaction-out-of-range = Please choose how satisfied you are, from 1 to 5.
link-refusal-follow-up-words = That is longer than we can take here; please shorten it.

# On the staff's customer page: the language mails, pages and letters to them are in.
speaks-label = Writes to them in
speaks-business = Not known: the business's language ({ $language })
speaks-save = Save language
