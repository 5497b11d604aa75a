//! Merging duplicates and linking related cases: which pairs of cases may be joined.
//!
//! A merge folds a duplicate (the absorbed case) into the case that carries on (the
//! survivor); both keep their events, so nothing of either timeline is lost. Only cases
//! of one customer are merged or linked: a customer's words, and staff notes about them,
//! must never end up on another customer's case.

use crate::CaseReference;
use crate::playbook::Refusal;

/// What the rules need to know of one side of a merge or link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSide {
    pub id: i64,
    pub customer_id: i64,
    /// The case it was merged into, if it was.
    pub merged_into: Option<i64>,
}

/// Whether `absorbed` may be merged into `survivor`. The caller has already followed
/// `survivor` to the case that carries on (a merged case is never a survivor).
pub fn check_merge(survivor: CaseSide, absorbed: CaseSide) -> Result<(), Refusal> {
    if survivor.id == absorbed.id {
        return Err(Refusal::invalid(
            "merge_into_itself",
            format!("{} cannot be merged into itself", CaseReference(absorbed.id)),
        ));
    }
    if let Some(into) = absorbed.merged_into {
        return Err(Refusal::order(
            "already_merged",
            format!("{} was already merged into {}", CaseReference(absorbed.id), CaseReference(into)),
            vec![],
        ));
    }
    if let Some(into) = survivor.merged_into {
        return Err(Refusal::order(
            "survivor_merged",
            format!(
                "{} was itself merged into {}; merge into that case",
                CaseReference(survivor.id),
                CaseReference(into)
            ),
            vec![],
        ));
    }
    same_customer("merge", survivor, absorbed)
}

/// Whether two cases may be linked ("same customer, same trouble").
pub fn check_link(case: CaseSide, other: CaseSide) -> Result<(), Refusal> {
    if case.id == other.id {
        return Err(Refusal::invalid("link_to_itself", "a case cannot be linked to itself"));
    }
    same_customer("link", case, other)
}

fn same_customer(verb: &str, a: CaseSide, b: CaseSide) -> Result<(), Refusal> {
    if a.customer_id != b.customer_id {
        return Err(Refusal::invalid(
            "different_customers",
            format!(
                "{} and {} belong to different customers; only one customer's cases may be {verb}ed",
                CaseReference(a.id),
                CaseReference(b.id)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(id: i64, customer_id: i64) -> CaseSide {
        CaseSide { id, customer_id, merged_into: None }
    }

    #[test]
    fn only_one_customers_distinct_live_cases_merge() {
        assert!(check_merge(side(1, 7), side(2, 7)).is_ok());
        assert_eq!(check_merge(side(1, 7), side(1, 7)).unwrap_err().rule, "merge_into_itself");
        let other = check_merge(side(1, 7), side(2, 8)).unwrap_err();
        assert_eq!(other.rule, "different_customers");
        assert!(!other.out_of_order, "a request that can never succeed, not a matter of timing");
        let gone = CaseSide { merged_into: Some(3), ..side(2, 7) };
        let refused = check_merge(side(1, 7), gone).unwrap_err();
        assert_eq!(refused.rule, "already_merged");
        assert!(refused.message.contains("AM-1003"), "names the survivor: {}", refused.message);
    }

    #[test]
    fn links_need_two_cases_of_one_customer() {
        assert!(check_link(side(1, 7), side(2, 7)).is_ok());
        assert_eq!(check_link(side(1, 7), side(1, 7)).unwrap_err().rule, "link_to_itself");
        assert_eq!(check_link(side(1, 7), side(2, 9)).unwrap_err().rule, "different_customers");
    }
}
