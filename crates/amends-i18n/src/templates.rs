//! The `t` function of the minijinja templates: `{{ t("nav-inbox") }}`,
//! `{{ t("nav-signed-in-as", name=layout.user.name) }}`. The language is the template
//! context's `lang` (a tag such as `"de"`), else `layout.lang`; without either, English.

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};

use crate::{Arg, Language, text_with};

/// Adds `t` to an environment.
pub fn register(env: &mut Environment<'_>) {
    env.add_function("t", t);
}

/// The language a template renders in, read from its context.
pub fn language_of(state: &State) -> Language {
    let direct = state.lookup("lang");
    let from_layout = || state.lookup("layout").and_then(|l| l.get_attr("lang").ok());
    direct
        .filter(|v| !v.is_undefined() && !v.is_none())
        .or_else(from_layout)
        .and_then(|v| v.as_str().and_then(Language::from_tag))
        .unwrap_or(Language::English)
}

fn t(state: &State, id: &str, kwargs: Kwargs) -> Result<Value, Error> {
    let mut args: Vec<(String, Arg<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.kind() {
            ValueKind::Number => match i64::try_from(value.clone()) {
                Ok(n) => Arg::from(n),
                Err(_) => {
                    Arg::from(f64::try_from(value).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?)
                }
            },
            ValueKind::Undefined | ValueKind::None => Arg::from(""),
            _ => Arg::from(value.to_string()),
        };
        args.push((name.to_owned(), arg));
    }
    let borrowed: Vec<(&str, Arg<'_>)> = args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    // The message is plain text: the template's auto-escaping escapes it (and any
    // customer words passed in as arguments) like every other value.
    Ok(Value::from(text_with(language_of(state), id, &borrowed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, lang: &str) -> String {
        let mut env = Environment::new();
        register(&mut env);
        env.add_template("page.html", source).unwrap_or_default();
        env.get_template("page.html")
            .and_then(|t| t.render(minijinja::context! { lang => lang, name => "<b>Gina</b>" }))
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn a_template_speaks_the_context_language() {
        assert_eq!(render("{{ t('language-name') }}", "de"), "Deutsch");
        assert_eq!(render("{{ t('language-name') }}", "en"), "English");
    }

    #[test]
    fn arguments_are_escaped_in_html() {
        assert_eq!(render("{{ t('nav-signed-in-as', name=name) }}", "en"), "Signed in as &lt;b&gt;Gina&lt;&#x2f;b&gt;");
    }
}
