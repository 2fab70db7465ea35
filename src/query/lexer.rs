//! Tokens of the cluster query language.
//!
//! The lexer is pulled one token at a time by the parser, because one token depends on context: after
//! a regular-expression operator the parser asks for [`Lexer::next_regex`], which reads an unquoted
//! regular expression (`t2.*`, `(a|b)[0-9]+`) that ordinary tokens would split apart.

use super::QueryError;

/// What a token is. Borrowed text points into the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind<'a> {
    /// A bare word: subject, word operator, connective or unquoted value.
    Word(&'a str),
    /// A quoted value, without its quotes.
    Quoted(&'a str),
    /// An unquoted regular expression (only from [`Lexer::next_regex`]).
    Regex(&'a str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=~`
    Match,
    /// `!~`
    NotMatch,
    /// `!` (negation, or the start of `!exists` / `!in`)
    Bang,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// End of the expression.
    Eof,
}

/// A token and where it is in the expression (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind<'a>,
    pub offset: usize,
    pub len: usize,
}

impl Token<'_> {
    /// How the token reads in an error message.
    pub fn describe(&self, src: &str) -> String {
        match self.kind {
            TokenKind::Eof => "the end of the expression".to_string(),
            TokenKind::Quoted(_) => format!("the quoted value {}", &src[self.offset..self.end()]),
            _ => format!("`{}`", &src[self.offset..self.end()]),
        }
    }

    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// Whether `c` may appear in a bare word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/' | '\\' | ':' | '+')
}

/// Characters that make up symbolic operators; a run of them is read as one operator.
fn is_operator_char(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>' | '~' | '&' | '|')
}

/// Length in bytes of the unquoted regular expression at the start of `s`: it runs to the first white
/// space, or to a `)` that is not matched by a `(` inside it (outside a character class, and not
/// escaped by `\`). Also returns whether every `(` and `[` it opened was closed.
pub(crate) fn bare_regex_len(s: &str) -> (usize, bool) {
    let mut parens = 0_usize;
    let mut brackets = 0_usize;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => return (i, parens == 0 && brackets == 0),
            '\\' => {
                chars.next();
            }
            '[' => brackets += 1,
            ']' if brackets > 0 => brackets -= 1,
            '(' if brackets == 0 => parens += 1,
            ')' if brackets == 0 => {
                if parens == 0 {
                    return (i, brackets == 0);
                }
                parens -= 1;
            }
            _ => {}
        }
    }
    (s.len(), parens == 0 && brackets == 0)
}

/// Splits an expression into tokens on demand.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src, pos: 0 }
    }

    fn skip_whitespace(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn token(&mut self, kind: TokenKind<'a>, start: usize, len: usize) -> Token<'a> {
        self.pos = start + len;
        Token {
            kind,
            offset: start,
            len,
        }
    }

    /// The next ordinary token.
    pub fn next_token(&mut self) -> Result<Token<'a>, QueryError> {
        self.skip_whitespace();
        let start = self.pos;
        let rest = &self.src[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(self.token(TokenKind::Eof, start, 0));
        };
        let single = |kind| Ok::<_, QueryError>((kind, 1));
        let (kind, len) = match c {
            '(' => single(TokenKind::LParen)?,
            ')' => single(TokenKind::RParen)?,
            '[' => single(TokenKind::LBracket)?,
            ']' => single(TokenKind::RBracket)?,
            ',' => single(TokenKind::Comma)?,
            '\'' | '"' => return self.quoted(start, c),
            c if is_word_char(c) => {
                let len = rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
                (TokenKind::Word(&rest[..len]), len)
            }
            c if is_operator_char(c) => {
                let len = rest.find(|c| !is_operator_char(c)).unwrap_or(rest.len());
                let run = &rest[..len];
                let kind = match run {
                    "==" => TokenKind::EqEq,
                    "!=" => TokenKind::NotEq,
                    ">" => TokenKind::Gt,
                    ">=" => TokenKind::Ge,
                    "<" => TokenKind::Lt,
                    "<=" => TokenKind::Le,
                    "=~" => TokenKind::Match,
                    "!~" => TokenKind::NotMatch,
                    "&&" => TokenKind::AndAnd,
                    "||" => TokenKind::OrOr,
                    // `!!x` is two negations.
                    _ if run.bytes().all(|b| b == b'!') => {
                        return Ok(self.token(TokenKind::Bang, start, 1));
                    }
                    _ => return Err(unknown_operator(start, run)),
                };
                (kind, len)
            }
            other => {
                return Err(QueryError::new(
                    start,
                    other.len_utf8(),
                    format!("unexpected character `{other}`"),
                )
                .with_hint(
                    "unquoted values may contain only letters, digits and - _ . @ / \\ : +; \
                     put other values in quotes, e.g. 'my value'",
                ));
            }
        };
        Ok(self.token(kind, start, len))
    }

    /// The next token where a regular expression is expected: a quoted string, or an unquoted regular
    /// expression as [`bare_regex_len`] delimits it. Falls back to an ordinary token when there is none
    /// (end of input, or a `)`), so that the parser can report what it found instead.
    pub fn next_regex(&mut self) -> Result<Token<'a>, QueryError> {
        self.skip_whitespace();
        let start = self.pos;
        let rest = &self.src[start..];
        match rest.chars().next() {
            Some(q @ ('\'' | '"')) => self.quoted(start, q),
            Some(_) => {
                let (len, _) = bare_regex_len(rest);
                if len == 0 {
                    self.next_token()
                } else {
                    Ok(self.token(TokenKind::Regex(&rest[..len]), start, len))
                }
            }
            None => Ok(self.token(TokenKind::Eof, start, 0)),
        }
    }

    fn quoted(&mut self, start: usize, quote: char) -> Result<Token<'a>, QueryError> {
        let body = &self.src[start + 1..];
        match body.find(quote) {
            Some(end) => {
                let kind = TokenKind::Quoted(&body[..end]);
                Ok(self.token(kind, start, end + 2))
            }
            None => Err(QueryError::new(
                start,
                self.src.len() - start,
                "unterminated quoted value",
            )
            .with_hint(format!(
                "close it with {quote}; quoted values have no escapes, so a value containing {quote} \
                 goes in the other kind of quotes"
            ))),
        }
    }
}

fn unknown_operator(offset: usize, run: &str) -> QueryError {
    let hint = match run {
        "=" | "===" => "write `==` (or `equals`) to compare".to_string(),
        "=>" => "write `>=` (or `greater_than_equal`)".to_string(),
        "=<" => "write `<=` (or `less_than_equal`)".to_string(),
        "<>" | "!==" => "write `!=` (or `not_equals`)".to_string(),
        "~" | "~=" => "write `=~` (or `matches`) for a regular expression".to_string(),
        "&" => "write `&&` (or `and`)".to_string(),
        "|" => "write `||` (or `or`)".to_string(),
        _ => "operators are == != > >= < <= =~ !~ exists !exists in !in; connectives are \
              && || ! (or and, or, not)"
            .to_string(),
    };
    QueryError::new(offset, run.len(), format!("unknown operator `{run}`")).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind<'_>> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token().expect("lexes");
            if token.kind == TokenKind::Eof {
                return out;
            }
            out.push(token.kind);
        }
    }

    // ECS-SEMANTICS §1.6: values such as us-east-1a, service:production and ISO instants are bare words.
    #[test]
    fn bare_words_keep_colons_dots_dashes_and_plus_signs() {
        assert_eq!(
            kinds("registeredAt<2018-06-18T22:28:28+00:00"),
            vec![
                TokenKind::Word("registeredAt"),
                TokenKind::Lt,
                TokenKind::Word("2018-06-18T22:28:28+00:00"),
            ]
        );
        assert_eq!(
            kinds("task:group==service:production"),
            vec![
                TokenKind::Word("task:group"),
                TokenKind::EqEq,
                TokenKind::Word("service:production"),
            ]
        );
    }

    #[test]
    fn every_symbol_is_one_token() {
        assert_eq!(
            kinds("== != > >= < <= =~ !~ ! && || ( ) [ ] ,"),
            vec![
                TokenKind::EqEq,
                TokenKind::NotEq,
                TokenKind::Gt,
                TokenKind::Ge,
                TokenKind::Lt,
                TokenKind::Le,
                TokenKind::Match,
                TokenKind::NotMatch,
                TokenKind::Bang,
                TokenKind::AndAnd,
                TokenKind::OrOr,
                TokenKind::LParen,
                TokenKind::RParen,
                TokenKind::LBracket,
                TokenKind::RBracket,
                TokenKind::Comma,
            ]
        );
    }

    #[test]
    fn a_run_of_bangs_is_several_negations() {
        assert_eq!(
            kinds("!!(x"),
            vec![
                TokenKind::Bang,
                TokenKind::Bang,
                TokenKind::LParen,
                TokenKind::Word("x")
            ]
        );
    }

    #[test]
    fn quoted_values_keep_spaces_and_have_no_escapes() {
        assert_eq!(
            kinds(r#"'a b' "it's" '\'"#),
            vec![
                TokenKind::Quoted("a b"),
                TokenKind::Quoted("it's"),
                TokenKind::Quoted("\\"),
            ]
        );
    }

    #[test]
    fn a_lone_equals_sign_is_an_unknown_operator_with_a_hint() {
        let mut l = Lexer::new("a = b");
        l.next_token().unwrap();
        let err = l.next_token().unwrap_err();
        assert_eq!((err.offset, err.len), (2, 1));
        assert_eq!(err.message, "unknown operator `=`");
        assert_eq!(
            err.hint.as_deref(),
            Some("write `==` (or `equals`) to compare")
        );
    }

    #[test]
    fn an_unterminated_quote_points_at_the_opening_quote() {
        let mut l = Lexer::new("x == 'abc");
        l.next_token().unwrap();
        l.next_token().unwrap();
        let err = l.next_token().unwrap_err();
        assert_eq!((err.offset, err.len), (5, 4));
        assert_eq!(err.message, "unterminated quoted value");
    }

    #[test]
    fn an_unquoted_regex_stops_at_whitespace_or_an_unmatched_closing_paren() {
        assert_eq!(bare_regex_len("t2.* and x"), (4, true));
        assert_eq!(bare_regex_len("t2.*)"), (4, true));
        assert_eq!(bare_regex_len("(a|b).*)"), (7, true));
        assert_eq!(bare_regex_len("[)]x)"), (4, true));
        assert_eq!(bare_regex_len(r"a\)b)"), (4, true));
        assert_eq!(bare_regex_len("(ab"), (3, false));
    }
}
