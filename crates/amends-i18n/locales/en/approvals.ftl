# The approvals queue: gestures above an agent's limit.

approvals-title = Approvals
approvals-heading = Gestures to approve
approvals-limits = Agents may give gestures up to { $limit }; above it, a manager approves. This month's budget: { $budget }.
approvals-spent = Spent this month:
approvals-left = , left { $left }.
approvals-col-case = Case
approvals-col-gesture = Gesture
approvals-col-cost = Cost
approvals-col-decision = Decision
approvals-approve = Approve
approvals-why-not = Why not (to decline)
approvals-reason = Reason to decline
approvals-decline = Decline
approvals-none = Nothing waits for approval.
approvals-error-reason = Say why the gesture is declined.
approvals-gesture-discount = discount
approvals-gesture-voucher = voucher
approvals-gesture-gift = gift
approvals-gesture-free_service = free service
approvals-gesture-replacement = replacement
approvals-gesture-refund = refund
