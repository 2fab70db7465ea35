//! The ECS cluster query language: the expressions of `memberOf` placement constraints
//! (ECS-SEMANTICS §1.6, DG:cluster-query-language).
//!
//! Owns: turning an expression string into an [`Expr`] (lexer → parser → AST, every value and regular
//! expression checked and precompiled once), evaluating it against one container instance through the
//! [`InstanceView`] trait, and printing it back in a canonical form for `explain`. Errors are values
//! ([`QueryError`]) that point into the expression by byte offset and carry a hint.
//!
//! Ignores: which instances exist, how tasks are placed, and where the expression came from (a scenario
//! file span is the caller's business: add the caller's offset to [`QueryError::offset`]). The module
//! knows nothing about the world; the caller adapts a container instance to [`InstanceView`].
//!
//! # Syntax
//!
//! ```text
//! expression := or
//! or         := and { ("or" | "||") and }
//! and        := not { ("and" | "&&") not }
//! not        := ("not" | "!") not | "(" expression ")" | condition
//! condition  := subject operator [argument]
//! argument   := value | "[" value { "," value } "]" | regex
//! value      := bare-word | 'single quoted' | "double quoted"
//! ```
//!
//! **Precedence:** `not` binds tightest, then `and`, then `or`; parentheses override it. So
//! `not a == x and b == y or c == z` reads as `((not a == x) and b == y) or c == z`.
//!
//! **Keywords are case-sensitive**, written as AWS writes them: subjects `attribute:<name>`,
//! `task:group`, `agentConnected`, `ec2InstanceId`, `agentVersion`, `runningTasksCount`,
//! `registeredAt`; word operators `equals`, `not_equals`, `greater_than`, `greater_than_equal`,
//! `less_than`, `less_than_equal`, `exists`, `not_exists`, `in`, `not_in`, `matches`, `not_matches`;
//! connectives `and`, `or`, `not`. `AND` or `AgentConnected` is an error whose hint names the right
//! spelling.
//!
//! **Values.** A bare word is a run of ASCII letters, digits and `- _ . @ / \ : +`, which covers
//! `us-east-1a`, `g2.2xlarge`, `service:production` and `2018-06-18T22:28:28+00:00`. Anything else
//! (spaces, `*`, `,`) must be quoted with `'…'` or `"…"`. There are no escapes inside quotes: a value
//! that contains `'` is written in `"…"` and the other way round.
//!
//! **Regular expressions** (`=~`, `!~`, `matches`, `not_matches`) follow Java's `String.matches()`: the
//! whole value must match (DECIDED), so `t2.*` matches `t2.small` but `t2` does not. An unquoted
//! regular expression runs to the next white space or to a `)` that closes an outer parenthesis, so
//! `not(attribute:ecs.instance-type =~ t2.*)` works; quote one that contains spaces. They are compiled
//! once, by the linear-time `regex` crate; Java-only constructs (backreferences, lookaround, atomic
//! groups, possessive quantifiers) are a parse error. Character classes such as `\d` are Unicode-aware
//! where Java's are ASCII-only; ECS attribute values are ASCII, so this never changes a result.
//!
//! # Semantics (ECS-SEMANTICS §1.6, with its DECIDED rules)
//!
//! | Subject | Valid operators | Compared value |
//! |---|---|---|
//! | `attribute:<name>` | all | the attribute's value; absent if the instance lacks it |
//! | `task:group` | `== != in !in =~ !~ exists !exists` | the group of every task whose desiredStatus is RUNNING; a positive operator holds if **any** group satisfies it |
//! | `agentConnected` | `== != in !in =~ !~` | `true` or `false` |
//! | `ec2InstanceId` | `== != in !in =~ !~` | the EC2 instance id |
//! | `agentVersion` | `== != > >= < <=` | the agent version |
//! | `runningTasksCount` | `== != > >= < <=` | a whole number |
//! | `registeredAt` | `== != > >= < <=` | an instant (formats in [`instant`]) |
//!
//! * Each negative operator (`!=`, `!in`, `!~`, `!exists`) is the negation of its positive form. A
//!   missing attribute makes every positive operator false, so every negative one is true (DECIDED).
//!   For `task:group`, `!=` therefore means "no task has this group".
//! * `>`, `>=`, `<`, `<=` compare numerically when both sides are decimal numbers, as versions
//!   (dot-separated whole numbers, missing components are 0) for `agentVersion`, as instants for
//!   `registeredAt`, and lexically (byte order) otherwise (DECIDED).
//! * `==` is string equality, except for `runningTasksCount` (numbers) and `registeredAt` (instants:
//!   `2018-06-18` equals `2018-06-18T00:00:00Z`).
//! * Attribute names must be 1–128 characters from `[A-Za-z0-9-_/.]`; an expression may be at most
//!   [`MEMBER_OF_EXPRESSION_MAX_LEN`] characters. Both are checked by [`parse`], which also rejects
//!   nesting of `not` and parentheses deeper than 64 levels (a simulator limit that bounds recursion;
//!   AWS publishes none).
//!
//! [`Expr::matches`] allocates nothing: values, numbers, versions, instants and regular expressions
//! are all prepared by [`parse`].

mod eval;
pub mod instant;
mod lexer;
mod parser;
mod pattern;
mod print;

use std::fmt;

pub use instant::{format_rfc3339_utc, parse_instant_unix_ms};

/// Maximum length, in characters, of a `memberOf` expression [BC-ECS PlacementConstraint.expression:
/// "The expression can have a maximum length of 2000 characters"].
pub const MEMBER_OF_EXPRESSION_MAX_LEN: usize = 2000;

/// Maximum length of an attribute name [DG:task-placement-constraints, custom attributes].
pub const ATTRIBUTE_NAME_MAX_LEN: usize = 128;

/// Parses a cluster query language expression.
///
/// Everything that can be checked without an instance is checked here: syntax, operators valid for
/// their subject, attribute names, numbers, instants and regular expressions. The first problem found
/// is returned, with its position in `src`.
pub fn parse(src: &str) -> Result<Expr, QueryError> {
    let root = parser::parse(src)?;
    let depends_on_tasks = root.depends_on_tasks();
    Ok(Expr {
        root,
        depends_on_tasks,
    })
}

/// A parsed, validated expression, ready to be evaluated against many instances.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: parser::Node,
    depends_on_tasks: bool,
}

impl Expr {
    /// Whether `instance` belongs to the group the expression describes.
    pub fn matches(&self, instance: &dyn InstanceView) -> bool {
        self.root.eval(instance)
    }

    /// True if the result can change when tasks start or stop on an instance (the expression uses
    /// `task:group` or `runningTasksCount`). When false, the result depends only on the instance's
    /// attributes, agent and registration, so a caller may cache it per instance.
    pub fn depends_on_tasks(&self) -> bool {
        self.depends_on_tasks
    }
}

impl fmt::Display for Expr {
    /// Prints the canonical form: symbolic operators (`==`, `!in`, `=~`, ...), the words `and`, `or`,
    /// `not(...)`, parentheses only where the tree needs them, and quotes only where a value needs
    /// them. Parsing the output gives back an equal [`Expr`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.root, f)
    }
}

/// What an expression can see of one container instance.
///
/// Implemented by the caller over its own instance and task records; every method must be cheap and
/// must not allocate, since placement evaluates expressions for every candidate instance.
pub trait InstanceView {
    /// Built-in (`ecs.availability-zone`, `ecs.instance-type`, `ecs.os-type`, `ecs.cpu-architecture`,
    /// `ecs.ami-id`, ...) and custom attributes, by name without the `attribute:` prefix.
    fn attribute(&self, name: &str) -> Option<&str>;
    /// Calls `f` on the group of every task on the instance whose desiredStatus is RUNNING; returns
    /// true as soon as `f` does.
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool;
    /// Whether the container agent is connected.
    fn agent_connected(&self) -> bool;
    /// The EC2 instance id (`i-0123456789abcdef0`).
    fn ec2_instance_id(&self) -> &str;
    /// The container agent version (`1.82.0`).
    fn agent_version(&self) -> &str;
    /// Number of tasks in the RUNNING state on the instance.
    fn running_tasks_count(&self) -> u32;
    /// Registration instant, milliseconds since the Unix epoch (UTC).
    fn registered_at_unix_ms(&self) -> i64;
}

/// Why an expression could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Byte offset of the offending text in the expression.
    pub offset: usize,
    /// Length in bytes of the offending text (0 for "something is missing here").
    pub len: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to write instead, when there is a likely fix.
    pub hint: Option<String>,
}

impl QueryError {
    pub(crate) fn new(offset: usize, len: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            offset,
            len,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> QueryError {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the error under the expression it came from, with a caret line marking the offending
    /// text and the hint, if any, on its own line:
    ///
    /// ```text
    /// attribute:ecs.instance-type = t2.small
    ///                             ^ unknown operator `=`
    /// hint: write `==` (or `equals`) to compare
    /// ```
    ///
    /// `src` must be the string that was parsed.
    pub fn render(&self, src: &str) -> String {
        let offset = floor_char_boundary(src, self.offset);
        let end = floor_char_boundary(src, self.offset.saturating_add(self.len));
        let pad = src[..offset].chars().count();
        let width = src[offset..end].chars().count().max(1);
        let mut out = format!(
            "{src}\n{}{} {}",
            " ".repeat(pad),
            "^".repeat(width),
            self.message
        );
        if let Some(hint) = &self.hint {
            out.push_str("\nhint: ");
            out.push_str(hint);
        }
        out
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for QueryError {}

#[cfg(test)]
mod tests;
