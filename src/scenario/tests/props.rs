//! Property tests: loading never panics, whatever the text or the `--set` arguments.

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
}

fn load_fixture_text() -> String {
    std::fs::read_to_string(fixtures().join("full.toml")).unwrap()
}
