//! Regular expressions of `=~` / `!~`, with Java `String.matches()` semantics (ECS-SEMANTICS §1.6,
//! DECIDED): the whole value must match, and Java-only constructs are rejected rather than silently
//! read differently by the linear-time `regex` crate.

use regex::Regex;

/// A regular expression: the source as written and its compiled, anchored form.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub source: String,
    /// `^(?:source)$`: Java `matches()` semantics.
    pub anchored: Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

/// Compiles `source` with Java `matches()` semantics. Errors are `(message, hint)`.
pub(crate) fn compile_pattern(source: &str) -> Result<Pattern, (String, String)> {
    let java_only = || {
        (
            "Java-only regular expression constructs (backreferences, lookaround, atomic groups, \
             possessive quantifiers) are not supported"
                .to_string(),
            "rewrite it without them, e.g. combine two conditions with `and not(...)`".to_string(),
        )
    };
    // The `regex` crate reads `a*+` as `(a*)+`, which Java reads as possessive: reject it up front
    // rather than silently change its meaning.
    if has_possessive_quantifier(source) {
        return Err(java_only());
    }
    // Compile the source alone first: this validates it, and guarantees its groups are balanced so
    // that wrapping it cannot change its meaning (`a)|(b` would otherwise escape the anchors).
    if let Err(err) = Regex::new(source) {
        if uses_java_only_constructs(source) {
            return Err(java_only());
        }
        return Err((
            format!("invalid regular expression: {}", regex_error_summary(&err)),
            "the whole value must match (Java matches()); quote a regular expression that \
             contains spaces"
                .to_string(),
        ));
    }
    let anchored = Regex::new(&format!("^(?:{source})$")).map_err(|err| {
        (
            format!("invalid regular expression: {}", regex_error_summary(&err)),
            "simplify the regular expression".to_string(),
        )
    })?;
    Ok(Pattern {
        source: source.to_string(),
        anchored,
    })
}

/// Whether a quantifier (`*`, `+`, `?`, `{n,m}`) is directly followed by `+`, outside character
/// classes and escapes: Java's possessive form.
fn has_possessive_quantifier(source: &str) -> bool {
    let mut chars = source.chars();
    let mut class_depth = 0_usize;
    let mut after_quantifier = false;
    let mut after_open_paren = false;
    let mut brace_open = false;
    while let Some(c) = chars.next() {
        let (quantifier, open_paren) = match c {
            '\\' => {
                chars.next();
                (false, false)
            }
            '[' => {
                class_depth += 1;
                (false, false)
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                (false, false)
            }
            _ if class_depth > 0 => (false, false),
            '+' if after_quantifier => return true,
            '{' => {
                brace_open = true;
                (false, false)
            }
            // A `}` closes a counted repetition only if a `{` opened one; otherwise it is literal.
            '}' => (std::mem::take(&mut brace_open), false),
            '*' | '+' => (true, false),
            // `(?` opens a group with flags, not a quantifier.
            '?' => (!after_open_paren, false),
            '(' => (false, true),
            _ => (false, false),
        };
        after_quantifier = quantifier;
        after_open_paren = open_paren;
    }
    false
}

/// Constructs that only Java supports, looked for once the `regex` crate has rejected a source, to
/// say why.
fn uses_java_only_constructs(source: &str) -> bool {
    const JAVA_ONLY: &[&str] = &["(?=", "(?!", "(?<=", "(?<!", "(?>", "\\k<"];
    let backreference = source
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'1'..=b'9'));
    backreference || JAVA_ONLY.iter().any(|c| source.contains(c))
}

/// The one-line reason from a `regex` error (which is otherwise a multi-line diagram).
fn regex_error_summary(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().last().unwrap_or("unknown error"))
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // ECS-SEMANTICS §1.6 DECIDED: Java-only constructs are a validation error.
    #[test]
    fn possessive_quantifiers_are_found_outside_classes_and_escapes_only() {
        for possessive in ["a*+", "a++", "a?+", "a{2}+", "(ab)*+c"] {
            assert!(has_possessive_quantifier(possessive), "{possessive}");
        }
        for ordinary in [r"\*+", "[*+]", "a+", "(?+x)", "a}+", "a*?", r"\++", "[a*]+"] {
            assert!(!has_possessive_quantifier(ordinary), "{ordinary}");
        }
    }

    #[test]
    fn a_compiled_pattern_is_anchored_at_both_ends() {
        let p = compile_pattern("t2.*|m4").unwrap();
        assert!(p.anchored.is_match("t2.small"));
        assert!(p.anchored.is_match("m4"));
        assert!(!p.anchored.is_match("m4.large"));
        assert!(!p.anchored.is_match("xt2.small"));
        assert_eq!(p.source, "t2.*|m4");
    }

    #[test]
    fn a_source_that_would_escape_the_anchors_is_rejected() {
        let (message, _) = compile_pattern("a)|(b").unwrap_err();
        assert_eq!(message, "invalid regular expression: unopened group");
    }
}
