//! Canonical printing round-trips, and properties of the parser.

use super::*;
use proptest::prelude::*;

#[test]
fn display_prints_symbols_lower_case_connectives_and_quotes_only_where_needed() {
    let cases = [
        (
            "attribute:ecs.instance-type equals 't2.small' && attribute:x not_in ['a b', \"it's\"]",
            "attribute:ecs.instance-type == t2.small and attribute:x !in ['a b', \"it's\"]",
        ),
        (
            "!(task:group == service:web || runningTasksCount greater_than_equal 3)",
            "not(task:group == service:web or runningTasksCount >= 3)",
        ),
        ("not(attribute:t =~ t2.*)", "not(attribute:t =~ t2.*)"),
        ("attribute:t matches 'a b|c'", "attribute:t =~ 'a b|c'"),
        ("attribute:t not_exists", "attribute:t !exists"),
        ("attribute:a == ''", "attribute:a == ''"),
        (
            "attribute:a == 1 and (attribute:b == 2 and attribute:c == 3)",
            "attribute:a == 1 and (attribute:b == 2 and attribute:c == 3)",
        ),
    ];
    for (src, canonical) in cases {
        let expr = parse(src).unwrap();
        assert_eq!(expr.to_string(), canonical, "{src}");
        assert_eq!(parse(canonical).unwrap(), expr, "{src}");
    }
}

// A corpus of expressions in the styles of the developer guide.
const CORPUS: &[&str] = &[
    "attribute:ecs.instance-type == t2.small",
    "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    "task:group == service:production",
    "not(task:group == database)",
    "runningTasksCount == 1",
    "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
    "attribute:ecs.instance-type =~ g2.*",
    "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
    "registeredAt < 2018-06-18T22:28:28+00:00",
    "agentVersion >= 1.30.0 and agentConnected == true",
    "(attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == t2.medium) and \
     attribute:ecs.availability-zone != us-east-1d",
    "attribute:ecs.os-type == linux && !(attribute:stack exists) || task:group !in [a, b]",
    "attribute:x =~ \"it's\" or attribute:y !~ '[)]+' and attribute:z =~ (a|b)[0-9]+",
];

#[test]
fn every_corpus_expression_round_trips_through_display() {
    for src in CORPUS {
        let expr = parse(src).unwrap();
        let printed = expr.to_string();
        let reparsed = parse(&printed).unwrap();
        assert_eq!(reparsed, expr, "{src} -> {printed}");
        assert_eq!(reparsed.to_string(), printed);
    }
}

// ---------------------------------------------------------------------------------------------------
// Properties.

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9][a-z0-9.:@/+-]{0,8}",
        "'[a-z ,()\"]{0,6}'",
        "\"[a-z '*]{0,6}\"",
    ]
}

fn regex_source() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("t2.*".to_string()),
        Just("(a|b)[0-9]+".to_string()),
        Just("'x y|z'".to_string()),
        Just("[)]".to_string()),
        Just(r"a\)b".to_string()),
        Just("\"it's\"".to_string()),
        "[a-z]{1,5}\\.\\*",
    ]
}

fn condition() -> impl Strategy<Value = String> {
    let name = "[A-Za-z0-9_/.-]{1,12}";
    let cmp = prop_oneof![
        Just("=="),
        Just("!="),
        Just(">"),
        Just(">="),
        Just("<"),
        Just("<="),
        Just("equals"),
        Just("not_equals"),
        Just("greater_than"),
        Just("less_than_equal"),
    ];
    let list = || prop::collection::vec(value(), 1..4).prop_map(|v| format!("[{}]", v.join(", ")));
    prop_oneof![
        (name, cmp, value()).prop_map(|(n, op, v)| format!("attribute:{n} {op} {v}")),
        (
            name,
            prop_oneof![Just("exists"), Just("!exists"), Just("not_exists")]
        )
            .prop_map(|(n, op)| format!("attribute:{n} {op}")),
        (
            name,
            prop_oneof![Just("in"), Just("!in"), Just("not_in")],
            list()
        )
            .prop_map(|(n, op, l)| format!("attribute:{n} {op} {l}")),
        (
            name,
            prop_oneof![Just("=~"), Just("!~"), Just("matches")],
            regex_source()
        )
            .prop_map(|(n, op, r)| format!("attribute:{n} {op} {r}")),
        (prop_oneof![Just("=="), Just("!in")], value(), list()).prop_map(|(op, v, l)| {
            if op == "==" {
                format!("task:group {op} {v}")
            } else {
                format!("task:group {op} {l}")
            }
        }),
        prop_oneof![Just("true"), Just("false")].prop_map(|b| format!("agentConnected == {b}")),
        (0_u32..100).prop_map(|n| format!("runningTasksCount > {n}")),
        prop_oneof![
            Just("2018-06-18"),
            Just("2018-06-18T22:28:28Z"),
            Just("2020-01-01T00:00:00+05:30")
        ]
        .prop_map(|t| format!("registeredAt <= {t}")),
        "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}".prop_map(|v| format!("agentVersion >= {v}")),
    ]
}

fn expression() -> impl Strategy<Value = String> {
    condition().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop_oneof![Just(" and "), Just(" && "), Just(" or "), Just(" || ")],
                inner.clone()
            )
                .prop_map(|(a, c, b)| format!("{a}{c}{b}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("not({e})")),
            inner.prop_map(|e| format!("!({e})")),
        ]
    })
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(src in "\\PC{0,60}") {
        let _ = parse(&src);
    }

    #[test]
    fn parse_never_panics_on_near_miss_expressions(
        src in "[a-zA-Z:. =!<>~&|()\\[\\],'\"*0-9-]{0,40}"
    ) {
        if let Err(err) = parse(&src) {
            // Errors always point inside (or just past the end of) the expression.
            prop_assert!(err.offset + err.len <= src.len());
            let _ = err.render(&src);
        }
    }

    #[test]
    fn generated_expressions_parse_and_round_trip_through_display(src in expression()) {
        let expr = match parse(&src) {
            Ok(expr) => expr,
            Err(err) => return Err(TestCaseError::fail(err.render(&src))),
        };
        let printed = expr.to_string();
        let reparsed = parse(&printed).map_err(|e| TestCaseError::fail(e.render(&printed)))?;
        prop_assert_eq!(&reparsed, &expr);
        prop_assert_eq!(reparsed.to_string(), printed);
        // Printing preserves meaning.
        let instance = Instance::new();
        prop_assert_eq!(reparsed.matches(&instance), expr.matches(&instance));
    }
}
