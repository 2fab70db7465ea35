//! Property tests: loading never panics, whatever the text, the `--set` arguments or a trace CSV.

use proptest::prelude::*;

use super::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn load_str_never_panics_on_arbitrary_toml_text(text in "\\PC{0,300}") {
        let _ = load_str("s.toml", &text, &fixtures(), &[]);
    }

    #[test]
    fn load_str_never_panics_on_arbitrary_json_text(text in "\\PC{0,300}") {
        let _ = load_str("s.json", &text, &fixtures(), &[]);
    }

    #[test]
    fn load_str_never_panics_on_toml_like_text(text in "([a-z_\\[\\]\\.\" =0-9{},\n]|services|name|duration|simulation){0,60}") {
        let _ = load_str("s.toml", &format!("{BASE}{text}"), &fixtures(), &[]);
    }

    #[test]
    fn load_str_never_panics_on_arbitrary_set_arguments(arg in "\\PC{0,60}", path in "[a-z_.0-9\"]{0,30}", value in "\\PC{0,20}") {
        let text = load_fixture_text();
        let _ = load_str("full.toml", &text, &fixtures(), &[arg, format!("{path}={value}")]);
    }

    #[test]
    fn a_trace_csv_parses_to_increasing_valid_points_or_problems_inside_the_text(text in "(time_s,rps\n)?([0-9.eE+-]{0,6}(,[0-9a-z.-]{0,5}){0,2}\r?\n){0,8}|\\PC{0,80}") {
        check_trace(&text)?;
    }
}

/// A trace either parses to points with strictly increasing times and finite non-negative rates, or yields
/// problems whose spans lie within the text.
fn check_trace(text: &str) -> Result<(), TestCaseError> {
    match crate::scenario::trace_csv::parse(text) {
        Ok(points) => {
            prop_assert!(!points.is_empty());
            prop_assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
            prop_assert!(points.iter().all(|p| p.1.is_finite() && p.1 >= 0.0));
        }
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(
                    text.get(p.span.clone()).is_some(),
                    "{:?} outside {:?}",
                    p.span,
                    text
                );
            }
        }
    }
    Ok(())
}

fn load_fixture_text() -> String {
    std::fs::read_to_string(fixtures().join("full.toml")).unwrap()
}
