//! Errors point into the expression and say how to fix it (ECS-SEMANTICS §1.6).

use super::*;

#[test]
fn an_unknown_symbolic_operator_points_at_the_operator() {
    let err = parse_err("attribute:ecs.instance-type === t2.small");
    assert_eq!((err.offset, err.len), (28, 3));
    assert_eq!(err.message, "unknown operator `===`");
    assert_eq!(
        err.hint.as_deref(),
        Some("write `==` (or `equals`) to compare")
    );
}

#[test]
fn an_unknown_word_operator_points_at_the_word_and_suggests_the_right_case() {
    let err = parse_err("attribute:a EQUALS b");
    assert_eq!((err.offset, err.len), (12, 6));
    assert_eq!(err.message, "unknown operator `EQUALS`");
    assert_eq!(
        err.hint.as_deref(),
        Some("operators are case-sensitive: write `equals`")
    );
}

#[test]
fn an_unclosed_parenthesis_points_at_the_opening_parenthesis() {
    let err = parse_err("attribute:a == b and (attribute:c == d or attribute:e == f");
    assert_eq!((err.offset, err.len), (21, 1));
    assert_eq!(err.message, "unclosed `(`");
}

#[test]
fn an_unmatched_closing_parenthesis_points_at_itself() {
    let err = parse_err("attribute:a == b)");
    assert_eq!((err.offset, err.len), (16, 1));
    assert_eq!(err.message, "unmatched `)`");
}

#[test]
fn an_unterminated_list_points_at_its_opening_bracket() {
    let err = parse_err("attribute:z in [us-east-1a, us-east-1b");
    assert_eq!((err.offset, err.len), (15, 23));
    assert_eq!(err.message, "unterminated list");
    let err = parse_err("attribute:z in [us-east-1a,");
    assert_eq!(
        (err.offset, err.message.as_str()),
        (15, "unterminated list")
    );
    let err = parse_err("attribute:z in []");
    assert_eq!(
        (err.offset, err.len, err.message.as_str()),
        (15, 2, "empty list")
    );
    let err = parse_err("attribute:z in us-east-1a");
    assert_eq!((err.offset, err.len), (15, 10));
    assert_eq!(
        err.message,
        "expected a list after `in`, found `us-east-1a`"
    );
}

// ECS-SEMANTICS §1.6: each subject accepts only its operators.
#[test]
fn an_operator_invalid_for_its_subject_points_at_the_operator_and_lists_the_valid_ones() {
    let err = parse_err("task:group > 3");
    assert_eq!((err.offset, err.len), (11, 1));
    assert_eq!(err.message, "operator `>` is not valid for `task:group`");
    assert_eq!(
        err.hint.as_deref(),
        Some("valid operators for `task:group`: ==, !=, in, !in, =~, !~, exists, !exists")
    );
    let err = parse_err("runningTasksCount !in [1]");
    assert_eq!((err.offset, err.len), (18, 3));
    assert_eq!(
        err.hint.as_deref(),
        Some("valid operators for `runningTasksCount`: ==, !=, >, >=, <, <=")
    );
    let err = parse_err("agentConnected greater_than true");
    assert_eq!((err.offset, err.len), (15, 12));
    assert_eq!(
        err.hint.as_deref(),
        Some("valid operators for `agentConnected`: ==, !=, in, !in, =~, !~")
    );
    for src in [
        "ec2InstanceId exists",
        "agentVersion =~ 1.*",
        "registeredAt in [2018-06-18]",
        "task:group <= a",
    ] {
        assert!(parse_err(src).message.contains("is not valid for"), "{src}");
    }
}

#[test]
fn a_bad_regex_points_at_the_regex() {
    let err = parse_err("attribute:a =~ (t2 and attribute:b == c");
    assert_eq!((err.offset, err.len), (15, 3));
    assert_eq!(err.message, "invalid regular expression: unclosed group");
}

// ECS-SEMANTICS §1.6 DECIDED: Java-only constructs are a validation error.
#[test]
fn java_only_regex_constructs_are_rejected_with_a_specific_message() {
    for src in [
        r"attribute:a =~ (a)\1",
        "attribute:a =~ t2(?!.micro).*",
        "attribute:a =~ (?<=x)y",
        "attribute:a =~ 'a*+'",
    ] {
        let err = parse_err(src);
        assert_eq!(err.offset, 15, "{src}");
        assert!(
            err.message
                .starts_with("Java-only regular expression constructs"),
            "{src}"
        );
    }
}

#[test]
fn unknown_subjects_get_a_hint_naming_the_right_spelling() {
    let err = parse_err("ecs.instance-type == t2.small");
    assert_eq!((err.offset, err.len), (0, 17));
    assert_eq!(err.message, "unknown subject `ecs.instance-type`");
    assert_eq!(
        err.hint.as_deref(),
        Some("attributes need the `attribute:` prefix: write `attribute:ecs.instance-type`")
    );
    let err = parse_err("AgentConnected == true");
    assert_eq!(
        err.hint.as_deref(),
        Some("subjects are case-sensitive: write `agentConnected`")
    );
    let err = parse_err("attribute:a == b AND attribute:c == d");
    assert_eq!((err.offset, err.len), (17, 3));
    assert_eq!(
        err.hint.as_deref(),
        Some("connectives are case-sensitive: write `and`")
    );
}

// ECS-SEMANTICS §1.6: attribute names are 1–128 characters from [A-Za-z0-9-_/.].
#[test]
fn attribute_names_are_validated_at_parse_time() {
    let err = parse_err("attribute:my@attr == x");
    assert_eq!((err.offset, err.len), (12, 1));
    assert_eq!(err.message, "attribute names may not contain `@`");
    let err = parse_err("attribute: == x");
    assert_eq!((err.offset, err.len), (10, 0));
    let long = format!("attribute:{} exists", "a".repeat(129));
    let err = parse_err(&long);
    assert_eq!((err.offset, err.len), (10, 129));
    assert!(parse(&format!("attribute:{} exists", "a".repeat(128))).is_ok());
    assert!(parse("attribute:A-z_0/9.x exists").is_ok());
}

#[test]
fn expressions_longer_than_2000_characters_are_rejected() {
    let pad = |n: usize| format!("attribute:a == {}", "x".repeat(n - 15));
    assert_eq!(pad(2000).chars().count(), 2000);
    assert!(parse(&pad(2000)).is_ok());
    let err = parse_err(&pad(2001));
    assert_eq!((err.offset, err.len), (2000, 1));
    assert_eq!(
        err.message,
        "expression is 2001 characters long; memberOf expressions may have at most 2000"
    );
}

#[test]
fn other_syntax_errors_say_what_was_expected() {
    let cases = [
        ("", 0, "empty expression"),
        (
            "attribute:a",
            11,
            "expected an operator after `attribute:a`, found the end of the expression",
        ),
        (
            "attribute:a ==",
            14,
            "expected a value after `==`, found the end of the expression",
        ),
        (
            "attribute:a == b c",
            17,
            "expected `and`, `or` or the end of the expression, found `c`",
        ),
        (
            "attribute:a == b and",
            20,
            "expected a condition, found the end of the expression",
        ),
        (
            "attribute:a !foo",
            12,
            "`!` after a subject must be followed by `exists` or `in`",
        ),
        ("attribute:a == x*", 16, "unexpected character `*`"),
        ("attribute:a == 'x", 15, "unterminated quoted value"),
        (
            "(attribute:a == b c)",
            18,
            "expected `and`, `or` or `)`, found `c`",
        ),
        (
            "attribute:a =~",
            14,
            "expected a regular expression after `=~`, found the end of the expression",
        ),
    ];
    for (src, offset, message) in cases {
        let err = parse_err(src);
        assert_eq!(
            (err.offset, err.message.as_str()),
            (offset, message),
            "{src}"
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    let ok = format!("{}attribute:a exists{}", "(".repeat(64), ")".repeat(64));
    assert!(parse(&ok).is_ok());
    let too_deep = format!("{}attribute:a exists", "not ".repeat(65));
    let err = parse_err(&too_deep);
    assert_eq!(err.offset, 256);
}

#[test]
fn render_underlines_the_offending_text_and_shows_the_hint() {
    let src = "attribute:ecs.instance-type = t2.small";
    assert_eq!(
        parse_err(src).render(src),
        "attribute:ecs.instance-type = t2.small\n\
         \x20                           ^ unknown operator `=`\n\
         hint: write `==` (or `equals`) to compare"
    );
    assert_eq!(
        parse_err(src).to_string(),
        "unknown operator `=` (at byte 28)"
    );
}
