//! The syntax tree of the cluster query language and the recursive-descent parser that builds it
//! (canonical printing is in `print.rs`, regular expressions in `pattern.rs`).
//!
//! Every value is prepared here for evaluation (numbers, versions, instants parsed; regular expressions
//! compiled, anchored), so that evaluation never parses or allocates.

use super::instant::parse_instant_unix_ms;
use super::lexer::{Lexer, Token, TokenKind};
use super::pattern::{Pattern, compile_pattern};
use super::{ATTRIBUTE_NAME_MAX_LEN, MEMBER_OF_EXPRESSION_MAX_LEN, QueryError};

/// Deepest nesting of parentheses and `not` accepted. It bounds the recursion of the parser, the
/// evaluator and the printer; real expressions nest two or three levels.
pub(crate) const MAX_NESTING_DEPTH: usize = 64;

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// True if any child is (two or more children).
    Or(Vec<Node>),
    /// True if every child is (two or more children).
    And(Vec<Node>),
    /// Negation.
    Not(Box<Node>),
    /// `subject operator [argument]`.
    Cond(Condition),
}

/// One `subject operator [argument]` test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    pub subject: Subject,
    pub op: Operator,
    pub arg: Argument,
}

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// `attribute:<name>`.
    Attribute(String),
    /// `task:group`.
    TaskGroup,
    /// `agentConnected`.
    AgentConnected,
    /// `ec2InstanceId`.
    Ec2InstanceId,
    /// `agentVersion`.
    AgentVersion,
    /// `runningTasksCount`.
    RunningTasksCount,
    /// `registeredAt`.
    RegisteredAt,
}

/// The operators, each in its canonical (symbolic) form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

/// The argument of a condition, prepared for evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Argument {
    /// `exists`, `!exists`.
    None,
    /// `== != > >= < <=`.
    Value(Value),
    /// `in`, `!in`.
    List(Vec<Value>),
    /// `=~`, `!~`.
    Regex(Pattern),
}

/// A value as written, with the interpretations the subject needs, parsed once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    /// The text, without quotes.
    pub text: String,
    /// The value as a number, for attributes (when it is a decimal number) and `runningTasksCount`.
    pub number: Option<f64>,
    /// The value as a version, for `agentVersion` (when it is dot-separated whole numbers).
    pub version: Option<Vec<u64>>,
    /// The value as an instant, for `registeredAt` (always present there).
    pub instant_unix_ms: Option<i64>,
}

use Operator as Op;

const ALL_OPERATORS: &[Operator] = &[
    Op::Eq,
    Op::Ne,
    Op::Gt,
    Op::Ge,
    Op::Lt,
    Op::Le,
    Op::Exists,
    Op::NotExists,
    Op::In,
    Op::NotIn,
    Op::Matches,
    Op::NotMatches,
];
const TASK_GROUP_OPERATORS: &[Operator] = &[
    Op::Eq,
    Op::Ne,
    Op::In,
    Op::NotIn,
    Op::Matches,
    Op::NotMatches,
    Op::Exists,
    Op::NotExists,
];
const IDENTITY_OPERATORS: &[Operator] = &[
    Op::Eq,
    Op::Ne,
    Op::In,
    Op::NotIn,
    Op::Matches,
    Op::NotMatches,
];
const ORDERED_OPERATORS: &[Operator] = &[Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le];

/// The subjects other than `attribute:<name>`, as written.
pub(crate) const FIXED_SUBJECTS: &[(&str, Subject)] = &[
    ("task:group", Subject::TaskGroup),
    ("agentConnected", Subject::AgentConnected),
    ("ec2InstanceId", Subject::Ec2InstanceId),
    ("agentVersion", Subject::AgentVersion),
    ("runningTasksCount", Subject::RunningTasksCount),
    ("registeredAt", Subject::RegisteredAt),
];

/// Word operators [DG:cluster-query-language].
const WORD_OPERATORS: &[(&str, Operator)] = &[
    ("equals", Op::Eq),
    ("not_equals", Op::Ne),
    ("greater_than", Op::Gt),
    ("greater_than_equal", Op::Ge),
    ("less_than", Op::Lt),
    ("less_than_equal", Op::Le),
    ("exists", Op::Exists),
    ("not_exists", Op::NotExists),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("matches", Op::Matches),
    ("not_matches", Op::NotMatches),
];

impl Subject {
    /// The operators ECS-SEMANTICS §1.6 allows with this subject.
    pub fn valid_operators(&self) -> &'static [Operator] {
        match self {
            Subject::Attribute(_) => ALL_OPERATORS,
            Subject::TaskGroup => TASK_GROUP_OPERATORS,
            Subject::AgentConnected | Subject::Ec2InstanceId => IDENTITY_OPERATORS,
            Subject::AgentVersion | Subject::RunningTasksCount | Subject::RegisteredAt => {
                ORDERED_OPERATORS
            }
        }
    }
}

impl Operator {
    /// Canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Exists => "exists",
            Op::NotExists => "!exists",
            Op::In => "in",
            Op::NotIn => "!in",
            Op::Matches => "=~",
            Op::NotMatches => "!~",
        }
    }

    /// True for the forms defined as the negation of a positive operator.
    pub fn is_negated(self) -> bool {
        matches!(self, Op::Ne | Op::NotExists | Op::NotIn | Op::NotMatches)
    }
}

fn operator_list(ops: &[Operator]) -> String {
    ops.iter()
        .map(|op| op.symbol())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a whole expression (see the module docs of `query` for the grammar).
pub(crate) fn parse(src: &str) -> Result<Node, QueryError> {
    if let Some((offset, _)) = src.char_indices().nth(MEMBER_OF_EXPRESSION_MAX_LEN) {
        let chars = src.chars().count();
        return Err(QueryError::new(
            offset,
            src.len() - offset,
            format!(
                "expression is {chars} characters long; memberOf expressions may have at most \
                 {MEMBER_OF_EXPRESSION_MAX_LEN}"
            ),
        )
        .with_hint("shorten it, e.g. replace a chain of `or ==` by one `in [...]` list"));
    }
    if src.trim().is_empty() {
        return Err(QueryError::new(0, src.len(), "empty expression")
            .with_hint("write a condition, e.g. attribute:ecs.instance-type == t2.small"));
    }
    let mut parser = Parser {
        src,
        lexer: Lexer::new(src),
        tok: Token {
            kind: TokenKind::Eof,
            offset: 0,
            len: 0,
        },
        depth: 0,
    };
    parser.advance()?;
    let node = parser.or()?;
    match parser.tok.kind {
        TokenKind::Eof => Ok(node),
        TokenKind::RParen => Err(parser
            .error_at_token("unmatched `)`")
            .with_hint("remove it, or add the `(` it should close")),
        _ => Err(parser
            .error_at_token(format!(
                "expected `and`, `or` or the end of the expression, found {}",
                parser.tok.describe(src)
            ))
            .with_hint(parser.connective_hint())),
    }
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The current (not yet consumed) token.
    tok: Token<'a>,
    /// Current nesting of `not` and parentheses.
    depth: usize,
}

impl<'a> Parser<'a> {
    /// Moves to the next ordinary token; returns the one consumed.
    fn advance(&mut self) -> Result<Token<'a>, QueryError> {
        let next = self.lexer.next_token()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn error_at_token(&self, message: impl Into<String>) -> QueryError {
        QueryError::new(self.tok.offset, self.tok.len, message)
    }

    /// Hint for a token found where a connective was expected.
    fn connective_hint(&self) -> String {
        if let TokenKind::Word(word) = self.tok.kind {
            let lower = word.to_ascii_lowercase();
            if matches!(lower.as_str(), "and" | "or") {
                return format!("connectives are case-sensitive: write `{lower}`");
            }
        }
        "join conditions with `and`/`&&` or `or`/`||`; quote values that contain spaces".to_string()
    }

    fn is_word(&self, word: &str) -> bool {
        self.tok.kind == TokenKind::Word(word)
    }

    fn or(&mut self) -> Result<Node, QueryError> {
        let mut children = vec![self.and()?];
        while self.tok.kind == TokenKind::OrOr || self.is_word("or") {
            self.advance()?;
            children.push(self.and()?);
        }
        Ok(collapse(children, Node::Or))
    }

    fn and(&mut self) -> Result<Node, QueryError> {
        let mut children = vec![self.not()?];
        while self.tok.kind == TokenKind::AndAnd || self.is_word("and") {
            self.advance()?;
            children.push(self.not()?);
        }
        Ok(collapse(children, Node::And))
    }

    fn not(&mut self) -> Result<Node, QueryError> {
        let negation = self.tok.kind == TokenKind::Bang || self.is_word("not");
        let paren = self.tok.kind == TokenKind::LParen;
        if !negation && !paren {
            return self.condition().map(Node::Cond);
        }
        if self.depth == MAX_NESTING_DEPTH {
            return Err(self
                .error_at_token(format!(
                    "expression nests `not` and parentheses more than {MAX_NESTING_DEPTH} deep"
                ))
                .with_hint("simplify it"));
        }
        self.depth += 1;
        let open = self.advance()?;
        let node = if negation {
            Node::Not(Box::new(self.not()?))
        } else {
            let inner = self.or()?;
            match self.tok.kind {
                TokenKind::RParen => {
                    self.advance()?;
                }
                TokenKind::Eof => {
                    return Err(QueryError::new(open.offset, open.len, "unclosed `(`")
                        .with_hint("add the `)` that closes it"));
                }
                _ => {
                    return Err(self
                        .error_at_token(format!(
                            "expected `and`, `or` or `)`, found {}",
                            self.tok.describe(self.src)
                        ))
                        .with_hint(self.connective_hint()));
                }
            }
            inner
        };
        self.depth -= 1;
        Ok(node)
    }

    fn condition(&mut self) -> Result<Condition, QueryError> {
        let subject_token = self.tok;
        let TokenKind::Word(word) = subject_token.kind else {
            return Err(self
                .error_at_token(format!(
                    "expected a condition, found {}",
                    self.tok.describe(self.src)
                ))
                .with_hint("a condition reads `subject operator [argument]`, e.g. attribute:ecs.instance-type == t2.small"));
        };
        let subject = parse_subject(word, subject_token.offset)?;
        self.advance()?;
        let (op, op_offset, op_len) = self.operator(word)?;
        if !subject.valid_operators().contains(&op) {
            return Err(QueryError::new(
                op_offset,
                op_len,
                format!("operator `{}` is not valid for `{word}`", op.symbol()),
            )
            .with_hint(format!(
                "valid operators for `{word}`: {}",
                operator_list(subject.valid_operators())
            )));
        }
        let arg = match op {
            Op::Exists | Op::NotExists => {
                self.advance()?;
                Argument::None
            }
            Op::In | Op::NotIn => {
                self.advance()?;
                Argument::List(self.list(&subject, op)?)
            }
            Op::Matches | Op::NotMatches => {
                self.tok = self.lexer.next_regex()?;
                let pattern = self.regex(op)?;
                self.advance()?;
                Argument::Regex(pattern)
            }
            _ => {
                self.advance()?;
                let value = self.value(&subject, op)?;
                self.advance()?;
                Argument::Value(value)
            }
        };
        Ok(Condition { subject, op, arg })
    }

    /// Reads the operator at the current token (which stays current). Returns it with its span.
    fn operator(&mut self, subject: &str) -> Result<(Operator, usize, usize), QueryError> {
        let tok = self.tok;
        let op = match tok.kind {
            TokenKind::EqEq => Op::Eq,
            TokenKind::NotEq => Op::Ne,
            TokenKind::Gt => Op::Gt,
            TokenKind::Ge => Op::Ge,
            TokenKind::Lt => Op::Lt,
            TokenKind::Le => Op::Le,
            TokenKind::Match => Op::Matches,
            TokenKind::NotMatch => Op::NotMatches,
            TokenKind::Bang => {
                self.advance()?;
                let op = match self.tok.kind {
                    TokenKind::Word("exists") => Op::NotExists,
                    TokenKind::Word("in") => Op::NotIn,
                    _ => {
                        return Err(QueryError::new(
                            tok.offset,
                            self.tok.end() - tok.offset,
                            "`!` after a subject must be followed by `exists` or `in`",
                        )
                        .with_hint("write `!exists`, `!in`, `!=` or `!~`"));
                    }
                };
                return Ok((op, tok.offset, self.tok.end() - tok.offset));
            }
            TokenKind::Word(word) => match WORD_OPERATORS.iter().find(|(name, _)| *name == word) {
                Some(&(_, op)) => op,
                None => {
                    let hint = match WORD_OPERATORS
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(word))
                    {
                        Some((name, _)) => format!("operators are case-sensitive: write `{name}`"),
                        None => "operators are == != > >= < <= exists !exists in !in =~ !~ \
                                 (or equals, not_equals, greater_than, greater_than_equal, \
                                 less_than, less_than_equal, not_exists, not_in, matches, \
                                 not_matches); quote values that contain spaces"
                            .to_string(),
                    };
                    return Err(self
                        .error_at_token(format!("unknown operator `{word}`"))
                        .with_hint(hint));
                }
            },
            _ => {
                return Err(self
                    .error_at_token(format!(
                        "expected an operator after `{subject}`, found {}",
                        tok.describe(self.src)
                    ))
                    .with_hint("a condition reads `subject operator [argument]`, e.g. attribute:ecs.instance-type == t2.small"));
            }
        };
        Ok((op, tok.offset, tok.len))
    }

    /// Reads the value at the current token (which stays current).
    fn value(&self, subject: &Subject, op: Operator) -> Result<Value, QueryError> {
        let text = match self.tok.kind {
            TokenKind::Word(text) | TokenKind::Quoted(text) => text,
            _ => {
                return Err(self
                    .error_at_token(format!(
                        "expected a value after `{}`, found {}",
                        op.symbol(),
                        self.tok.describe(self.src)
                    ))
                    .with_hint("write a bare word such as us-east-1a, or a quoted value such as 'my value'"));
            }
        };
        prepare_value(subject, text)
            .map_err(|(message, hint)| self.error_at_token(message).with_hint(hint))
    }

    /// Reads `[v, v, ...]` starting at the current `[`; leaves the token after `]` current.
    fn list(&mut self, subject: &Subject, op: Operator) -> Result<Vec<Value>, QueryError> {
        let open = self.tok;
        if open.kind != TokenKind::LBracket {
            return Err(self
                .error_at_token(format!(
                    "expected a list after `{}`, found {}",
                    op.symbol(),
                    open.describe(self.src)
                ))
                .with_hint("write the values in brackets, e.g. in [us-east-1a, us-east-1b]"));
        }
        self.advance()?;
        let mut values = Vec::new();
        loop {
            if self.tok.kind == TokenKind::Eof {
                return Err(QueryError::new(
                    open.offset,
                    self.src.len() - open.offset,
                    "unterminated list",
                )
                .with_hint("close the list with `]`"));
            }
            if self.tok.kind == TokenKind::RBracket && values.is_empty() {
                return Err(QueryError::new(
                    open.offset,
                    self.tok.end() - open.offset,
                    "empty list",
                )
                .with_hint("an empty list matches nothing; list at least one value"));
            }
            values.push(self.value(subject, op)?);
            self.advance()?;
            match self.tok.kind {
                TokenKind::Comma => {
                    self.advance()?;
                }
                TokenKind::RBracket => {
                    self.advance()?;
                    return Ok(values);
                }
                TokenKind::Eof => {
                    return Err(QueryError::new(
                        open.offset,
                        self.src.len() - open.offset,
                        "unterminated list",
                    )
                    .with_hint("close the list with `]`"));
                }
                _ => {
                    return Err(self
                        .error_at_token(format!(
                            "expected `,` or `]` in the list, found {}",
                            self.tok.describe(self.src)
                        ))
                        .with_hint(
                            "separate values with commas; quote values that contain spaces",
                        ));
                }
            }
        }
    }

    /// Compiles the regular expression at the current token (which stays current).
    fn regex(&self, op: Operator) -> Result<Pattern, QueryError> {
        let source = match self.tok.kind {
            TokenKind::Regex(text) | TokenKind::Quoted(text) => text,
            _ => {
                return Err(self
                    .error_at_token(format!(
                        "expected a regular expression after `{}`, found {}",
                        op.symbol(),
                        self.tok.describe(self.src)
                    ))
                    .with_hint("e.g. attribute:ecs.instance-type =~ t2.*"));
            }
        };
        compile_pattern(source)
            .map_err(|(message, hint)| self.error_at_token(message).with_hint(hint))
    }
}

/// One child stays itself; several are wrapped.
fn collapse(mut children: Vec<Node>, wrap: fn(Vec<Node>) -> Node) -> Node {
    if children.len() == 1 {
        children.pop().expect("one child")
    } else {
        wrap(children)
    }
}

fn parse_subject(word: &str, offset: usize) -> Result<Subject, QueryError> {
    if let Some(name) = word.strip_prefix("attribute:") {
        let name_offset = offset + "attribute:".len();
        validate_attribute_name(name, name_offset)?;
        return Ok(Subject::Attribute(name.to_string()));
    }
    if let Some((_, subject)) = FIXED_SUBJECTS.iter().find(|(name, _)| *name == word) {
        return Ok(subject.clone());
    }
    let err = QueryError::new(offset, word.len(), format!("unknown subject `{word}`"));
    let lower = word.to_ascii_lowercase();
    let hint = if let Some((name, _)) = FIXED_SUBJECTS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
    {
        format!("subjects are case-sensitive: write `{name}`")
    } else if let Some(rest) = lower.strip_prefix("attribute:") {
        format!(
            "subjects are case-sensitive: write `attribute:{}`",
            &word[word.len() - rest.len()..]
        )
    } else if matches!(lower.as_str(), "and" | "or" | "not") {
        format!("connectives are case-sensitive: write `{lower}`")
    } else if word.starts_with("ecs.") {
        format!("attributes need the `attribute:` prefix: write `attribute:{word}`")
    } else {
        "subjects are attribute:<name>, task:group, agentConnected, ec2InstanceId, agentVersion, \
         runningTasksCount, registeredAt"
            .to_string()
    };
    Err(err.with_hint(hint))
}

/// ECS-SEMANTICS §1.6: attribute names are 1–128 characters from `[A-Za-z0-9-_/.]`.
fn validate_attribute_name(name: &str, offset: usize) -> Result<(), QueryError> {
    const ALLOWED: &str = "letters, digits, `-`, `_`, `/` and `.`";
    if name.is_empty() {
        return Err(
            QueryError::new(offset, 0, "missing attribute name after `attribute:`")
                .with_hint("e.g. attribute:ecs.availability-zone"),
        );
    }
    if let Some((i, c)) = name
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
    {
        return Err(QueryError::new(
            offset + i,
            c.len_utf8(),
            format!("attribute names may not contain `{c}`"),
        )
        .with_hint(format!("attribute names use only {ALLOWED}")));
    }
    if name.len() > ATTRIBUTE_NAME_MAX_LEN {
        return Err(QueryError::new(
            offset,
            name.len(),
            format!(
                "attribute name is {} characters long; the maximum is {ATTRIBUTE_NAME_MAX_LEN}",
                name.len()
            ),
        )
        .with_hint("use a shorter custom attribute name"));
    }
    Ok(())
}

/// Checks a value against its subject and parses the forms evaluation needs. Errors are
/// `(message, hint)`; the caller adds the position.
fn prepare_value(subject: &Subject, text: &str) -> Result<Value, (String, String)> {
    let mut value = Value {
        text: text.to_string(),
        number: None,
        version: None,
        instant_unix_ms: None,
    };
    match subject {
        Subject::Attribute(_) => value.number = parse_number(text),
        Subject::TaskGroup | Subject::Ec2InstanceId => {}
        Subject::AgentConnected => {
            if text != "true" && text != "false" {
                return Err((
                    format!("agentConnected is `true` or `false`, not `{text}`"),
                    "write agentConnected == true or agentConnected == false".to_string(),
                ));
            }
        }
        Subject::AgentVersion => value.version = parse_version(text),
        Subject::RunningTasksCount => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err((
                    format!("runningTasksCount is compared with a whole number, not `{text}`"),
                    "e.g. runningTasksCount == 0".to_string(),
                ));
            }
            value.number = text.parse::<f64>().ok();
        }
        Subject::RegisteredAt => match parse_instant_unix_ms(text) {
            Some(ms) => value.instant_unix_ms = Some(ms),
            None => {
                return Err((
                    format!("`{text}` is not a valid registeredAt instant"),
                    "formats: 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, \
                     2018-06-18T22:28:28 (UTC), 2018-06-18"
                        .to_string(),
                ));
            }
        },
    }
    Ok(value)
}

/// A decimal number: optional sign, digits, optional fraction (`42`, `-1.5`, `.5`). Exponents, `inf`
/// and `NaN` are not numbers here, so they compare lexically.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    text.parse().ok()
}

/// A version: dot-separated whole numbers (`1.82.0`).
pub(crate) fn parse_version(text: &str) -> Option<Vec<u64>> {
    text.split('.').map(parse_version_component).collect()
}

pub(crate) fn parse_version_component(part: &str) -> Option<u64> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}
