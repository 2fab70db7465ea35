//! Canonical printing of the syntax tree, used by `explain` and by `Display for Expr`.
//!
//! Symbolic operators, the words `and`, `or`, `not(...)`, parentheses only where the tree needs them,
//! quotes only where a value needs them. Parsing the output gives back an equal tree.

use std::fmt;

use super::lexer::{bare_regex_len, is_word_char};
use super::parser::{Argument, Condition, FIXED_SUBJECTS, Node, Subject};

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn join(
            f: &mut fmt::Formatter<'_>,
            children: &[Node],
            sep: &str,
            needs_parens: fn(&Node) -> bool,
        ) -> fmt::Result {
            for (i, child) in children.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                if needs_parens(child) {
                    write!(f, "({child})")?;
                } else {
                    write!(f, "{child}")?;
                }
            }
            Ok(())
        }
        match self {
            // A nested Or/And came from explicit parentheses; keep them so the tree re-parses equal.
            Node::Or(children) => join(f, children, " or ", |c| matches!(c, Node::Or(_))),
            Node::And(children) => join(f, children, " and ", |c| {
                matches!(c, Node::Or(_) | Node::And(_))
            }),
            Node::Not(inner) => write!(f, "not({inner})"),
            Node::Cond(cond) => write!(f, "{cond}"),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Attribute(name) => write!(f, "attribute:{name}"),
            other => {
                let name = FIXED_SUBJECTS
                    .iter()
                    .find(|(_, s)| s == other)
                    .map(|(name, _)| *name)
                    .unwrap_or_default();
                f.write_str(name)
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.subject, self.op.symbol())?;
        match &self.arg {
            Argument::None => Ok(()),
            Argument::Value(v) => write!(f, " {}", Quoted(&v.text)),
            Argument::List(values) => {
                f.write_str(" [")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Quoted(&v.text))?;
                }
                f.write_str("]")
            }
            Argument::Regex(p) => {
                let bare = !p.source.starts_with(['\'', '"'])
                    && bare_regex_len(&p.source) == (p.source.len(), true)
                    && !p.source.is_empty();
                if bare {
                    write!(f, " {}", p.source)
                } else {
                    write!(f, " {}", Quoted(&p.source))
                }
            }
        }
    }
}

/// Prints a value bare when it lexes back as one word, quoted otherwise.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        if !text.is_empty() && text.chars().all(is_word_char) {
            f.write_str(text)
        } else if text.contains('\'') {
            write!(f, "\"{text}\"")
        } else {
            write!(f, "'{text}'")
        }
    }
}
