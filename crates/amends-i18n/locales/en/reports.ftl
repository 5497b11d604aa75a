# The owner's report ("Did we keep them?") and the cases behind a figure.

report-title = Did we keep them?
report-opened-from = Complaints opened from { $from } to { $to } ({ $zone }).
report-first-day = First day
report-last-day = Last day
report-show = Show
report-glance = At a glance

report-testimonials = Walking testimonials
report-recommend-count = { $count } of { $total }
report-recommend-rest = satisfied customers we kept would recommend us.
report-would-recommend = would recommend us
report-would-not-recommend = would not recommend us
report-testimonials-empty = No satisfied customer we kept has answered “would you recommend us?” in this range yet.

report-by-month = Month by month
report-recovery-caption = Recovery rate: of the cases opened in the month that have an outcome, the share whose customer stayed.
report-returns-caption = Came back: customers who complained in the month and ordered or visited again before its end, against customers who never complained and ordered or visited in it.
report-months-caption = The charts' numbers
report-col-month = Month
report-col-complaints = Complaints
report-col-kept = Kept
report-col-lost = Lost
report-col-recovery = Recovery rate
report-col-came-back-complained = Came back after complaining
report-col-came-back-never = Came back, never complained
report-rate-of = { $rate } ({ $count } of { $total })
report-returns-before = Over the whole range,
report-returns-middle = of the customers who complained came back ({ $count } of { $total }), against
report-returns-after = of those who never complained ({ $count } of { $total }).

report-money = What gestures cost, and what we kept
report-money-before = Gestures cost
report-money-middle = ; the customers we kept have brought
report-money-after = over their lifetime.
report-money-after-per-unit = over their lifetime ({ $kept } kept for every { $given } given).
report-money-empty = No gesture was given and no customer kept in this range.

report-causes = What brings the most complaints
report-causes-caption = Complaints linked to each problem, most first.
report-col-problem = Problem
report-col-share = Share
report-col-running-share = Running share
report-causes-empty = No complaint of this range is linked to a problem yet.
report-ideas-adopted = Ideas from the people who do the work, adopted as a preventive action:

report-promises = Promises broken
report-promise = “{ $what }”, due { $due }
report-promises-empty = No promise came due unkept in this range.

report-download = Download the figures for a spreadsheet:
report-download-summary = summary
report-download-months = month by month
report-download-money = money
report-download-returns = returns
report-download-causes = root causes
report-download-why = (CSV, amounts in minor units).

# The figures at a glance.
report-fig-recovery = Recovery rate
report-fig-recovery-note = { $kept ->
    [one] 1 customer
   *[other] { $kept } customers
} of the { $ended } with an outcome stayed.
report-fig-recovery-waiting = No case has an outcome yet: { $count ->
    [one] 1 case has every step done and waits
   *[other] { $count } cases have every step done and wait
} for someone to record whether the customer stayed.
report-fig-recovery-none = No case has an outcome yet.
report-fig-win-back = Win-back rate
report-fig-win-back-none = No lost customer was told what changed yet.
report-fig-win-back-note = { $won } of { $told ->
    [one] 1 lost customer
   *[other] { $told } lost customers
} told what changed came back
report-fig-complaints = Complaints
report-fig-kept = Customers kept
report-fig-kept-note = { $follow_up } after a satisfied follow-up, { $manager } by a manager's decision
report-fig-lost = Customers lost
report-fig-waiting = Waiting for an outcome
report-fig-waiting-note = Every step done: record whether they stayed.
report-fig-open = Still being worked
report-fig-satisfaction = Satisfaction after the follow-up
report-fig-satisfaction-value = { $average } out of 5
report-fig-satisfaction-none = no answer yet
report-fig-answers = { $count ->
    [one] 1 answer
   *[other] { $count } answers
}
report-fig-acknowledge = Time to acknowledge
report-fig-acknowledge-note = From the complaint to the first restatement or apology.
report-fig-fix = Time to fix
report-fig-follow-up = Time to follow up
report-fig-steps = Steps done per case
report-fig-steps-value = { $steps } of 10
report-fig-repeat = Customers who complained more than once
report-fig-promises = Promises broken
report-hours-none = no case reached it
report-minutes = { $count } minutes
report-hours = { $count } hours
report-days = { $count } days

# The charts.
report-chart-recovery = Recovery rate by month: the share of cases with an outcome whose customer stayed
report-chart-recovery-series = Recovery rate
report-chart-returns = Customers who came back, by month: those who complained against those who never did
report-chart-complained = Complained
report-chart-never = Never complained
report-chart-causes = Root causes by the complaints they brought
report-chart-case = case
report-chart-cases = cases
report-chart-no-data = no case to count

# The cases behind a figure.
report-cases-opened = Complaints opened
report-cases-kept = Customers kept
report-cases-lost = Customers lost
report-cases-won-back = Lost customers won back
report-cases-waiting = Every step done, waiting for an outcome
report-cases-open = Still being worked
report-cases-problem = Complaints about “{ $title }”
report-cases-problem-unknown = problem { $id }
report-cases-period = Complaints opened from { $from } to { $to }.
report-cases-back = Back to the report
report-cases-count = { $total ->
    [one] 1 case
   *[other] { $total } cases
}
report-cases-newest = , the newest { $shown } shown
report-cases-opened-at = opened { $when }
report-cases-none = No case.
report-case-status-open = open
report-case-status-awaiting_customer = awaiting customer
report-case-status-watching = watching
report-case-status-retained = retained
report-case-status-lost = lost
report-case-status-merged = merged
report-case-status-spam = spam

report-error-date = { $text } is not a date such as 2026-11-30.
report-error-not-date = { $text } is not a date.
report-error-order = The first day comes after the last: swap them.
report-error-too-long = A report covers at most ten years.
