//! Saved replies: the business's snippets staff answer customers with. A snippet may
//! name a few variables, written `{{ customer.first_name }}`, `{{ case.reference }}`
//! and `{{ agent.name }}`, filled in for the case it answers. Any other variable is
//! refused when the snippet is saved, by its name, so that no customer ever reads a
//! placeholder.

use crate::playbook::MAX_STEP_TEXT_CHARS;

/// The variables a saved reply may use, as written between `{{` and `}}`.
pub const VARIABLES: &[&str] = &["customer.first_name", "case.reference", "agent.name"];

/// The longest name of a saved reply, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a saved reply cannot be kept as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnippetError {
    #[error("give the saved reply a name")]
    NameEmpty,
    #[error("a saved reply's name has at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the saved reply is empty")]
    BodyEmpty,
    #[error("the saved reply is longer than {MAX_STEP_TEXT_CHARS} characters")]
    BodyTooLong,
    /// A `{{ … }}` that is not one of [`VARIABLES`].
    #[error(
        "{{{{ {0} }}}} is not a variable a saved reply may use; use {{{{ customer.first_name }}}}, {{{{ case.reference }}}} or {{{{ agent.name }}}}"
    )]
    UnknownVariable(String),
    #[error("a {{{{ is not closed with }}}}")]
    Unclosed,
}

impl SnippetError {
    /// The field of the saved reply the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            SnippetError::NameEmpty | SnippetError::NameTooLong => "name",
            _ => "body",
        }
    }
}

/// What the variables stand for in one case.
#[derive(Debug, Clone, Copy)]
pub struct Filling<'a> {
    pub customer_first_name: &'a str,
    pub case_reference: &'a str,
    pub agent_name: &'a str,
}

impl Filling<'_> {
    fn value(&self, variable: &str) -> Option<&str> {
        match variable {
            "customer.first_name" => Some(self.customer_first_name),
            "case.reference" => Some(self.case_reference),
            "agent.name" => Some(self.agent_name),
            _ => None,
        }
    }
}

/// A customer's first name as a reply greets them: the first word of their name.
pub fn first_name(full_name: &str) -> &str {
    full_name.split_whitespace().next().unwrap_or("")
}

/// Checks a saved reply's name and body: the name trimmed, the body's variables known.
pub fn check(name: &str, body: &str) -> Result<(), SnippetError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(SnippetError::NameEmpty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(SnippetError::NameTooLong);
    }
    if body.trim().is_empty() {
        return Err(SnippetError::BodyEmpty);
    }
    if body.chars().count() > MAX_STEP_TEXT_CHARS {
        return Err(SnippetError::BodyTooLong);
    }
    match variables(body)?.into_iter().find(|v| !VARIABLES.contains(v)) {
        Some(unknown) => Err(SnippetError::UnknownVariable(unknown.to_owned())),
        None => Ok(()),
    }
}

/// The body with its variables filled in for one case. A variable it does not know
/// (a snippet saved before a rule changed) is left as written.
pub fn fill(body: &str, filling: &Filling<'_>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else { break };
        let inner = rest[open + 2..open + close].trim();
        out.push_str(&rest[..open]);
        match filling.value(inner) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// The variables a body names, in order: what stands between each `{{` and its `}}`.
fn variables(body: &str) -> Result<Vec<&str>, SnippetError> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..].find("}}").ok_or(SnippetError::Unclosed)?;
        found.push(rest[open + 2..open + close].trim());
        rest = &rest[open + close + 2..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILLING: Filling<'static> =
        Filling { customer_first_name: "Hannah", case_reference: "AM-1001", agent_name: "Mia Schmidt" };

    #[test]
    fn known_variables_are_filled_in_for_the_case() {
        let body = "Dear {{ customer.first_name }}, about {{case.reference}}: I am on it.\n{{  agent.name }}";
        assert_eq!(check("Thanks", body), Ok(()));
        assert_eq!(fill(body, &FILLING), "Dear Hannah, about AM-1001: I am on it.\nMia Schmidt");
        assert_eq!(fill("No variables at all.", &FILLING), "No variables at all.");
    }

    #[test]
    fn an_unknown_variable_is_refused_by_its_name() {
        let refused = check("Thanks", "Dear {{ customer.last_name }}, {{ agent.name }}").unwrap_err();
        assert_eq!(refused, SnippetError::UnknownVariable("customer.last_name".into()));
        assert!(refused.to_string().contains("{{ customer.last_name }} is not a variable"), "{refused}");
        assert_eq!(check("Thanks", "Dear {{ customer.first_name").unwrap_err(), SnippetError::Unclosed);
        assert_eq!(check("  ", "Hello").unwrap_err().field(), "name");
        assert_eq!(check("Thanks", " \n").unwrap_err(), SnippetError::BodyEmpty);
    }

    #[test]
    fn a_first_name_is_the_first_word() {
        assert_eq!(first_name("  Hannah  Weber"), "Hannah");
        assert_eq!(first_name("Zoë"), "Zoë");
        assert_eq!(first_name(""), "");
    }
}
