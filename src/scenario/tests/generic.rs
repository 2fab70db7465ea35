//! The generic layer seen through whole loads: syntax errors, unknown fields, types, durations, several
//! problems at once, rendering.

use super::*;

#[test]
fn a_toml_syntax_error_is_one_diagnostic_with_line_and_column() {
    let d = one_error("name = \"t\"\n[simulation]\nduration = \n");
    assert!(
        d.message.starts_with("TOML syntax error: "),
        "{}",
        d.message
    );
    assert_eq!((d.file.as_str(), d.line), ("s.toml", 3));
}

#[test]
fn a_json_syntax_error_is_one_diagnostic_with_line_and_column() {
    let text = "{\n  \"name\": \"t\",\n  \"simulation\": { \"duration\": \"1h\" }\n  \"x\": 1\n}\n";
    let d = load_str("s.json", text, &fixtures(), &[])
        .unwrap_err()
        .0
        .remove(0);
    assert_eq!(d.message, "JSON syntax error: expected `,` or `}`");
    assert_eq!((d.line, d.column), (4, 3));
}

#[test]
fn a_json_scenario_uses_the_same_schema_and_reports_unknown_fields_with_did_you_mean() {
    let text = "{\"name\": \"t\", \"simulation\": {\"duration\": \"1h\", \"sed\": 3}}";
    let d = load_str("s.json", text, &fixtures(), &[])
        .unwrap_err()
        .0
        .remove(0);
    assert_eq!(d.message, "unknown field `sed` in [simulation]");
    assert_eq!(d.hint.as_deref(), Some("did you mean `seed`?"));
    assert_eq!((d.line, d.column, d.snippet.as_str()), (1, 48, "\"sed\""));
}

// SPEC §2: an unknown field is an error with a "did you mean" hint.
#[test]
fn unknown_field_desird_count_suggests_desired_count_at_its_exact_position() {
    let text = format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"a\", image = \"i\", memory = 64 }}]\n\
         [[services]]\nname = \"web\"\ntask_definition = \"web\"\ndesired_count = 1\n  desird_count = 2\n"
    );
    let d = one_error(&text);
    assert_eq!(d.message, "unknown field `desird_count` in service `web`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `desired_count`?"));
    assert_eq!(
        (d.line, d.column, d.snippet.as_str()),
        (11, 3, "desird_count")
    );
}

#[test]
fn an_unknown_top_level_section_suggests_the_closest_section() {
    let d = one_error(&format!("{BASE}[[service]]\nname = \"x\"\n"));
    assert_eq!(d.message, "unknown field `service` in the scenario");
    assert_eq!(d.hint.as_deref(), Some("did you mean `services`?"));
    assert_eq!((d.line, d.column), (4, 3));
}

#[test]
fn name_is_required_at_the_top_level() {
    let d = one_error("[simulation]\nduration = \"1h\"\n");
    assert_eq!(d.message, "missing required field `name` in the scenario");
    assert_eq!(d.hint.as_deref(), Some("add `name = …`"));
    assert_eq!((d.line, d.column), (1, 1));
}

#[test]
fn the_simulation_section_and_its_duration_are_required() {
    assert_eq!(
        one_error("name = \"t\"\n").message,
        "missing required section [simulation]"
    );
    let d = one_error("name = \"t\"\n[simulation]\nseed = 1\n");
    assert_eq!(
        d.message,
        "missing required field `duration` in [simulation]"
    );
    assert_eq!((d.line, d.column), (2, 1));
}

#[test]
fn a_wrong_type_names_both_types_and_the_value() {
    let d = one_error("name = \"t\"\n[simulation]\nduration = \"1h\"\nseed = \"3\"\n");
    assert_eq!(d.message, "expected an integer, found string `3`");
    assert_eq!(d.hint.as_deref(), Some("drop the quotes: 3"));
    assert_eq!((d.line, d.column), (4, 8));
}

// SPEC §2: simulator-only fields take human durations.
#[test]
fn a_bad_duration_lists_the_accepted_forms() {
    let d = one_error("name = \"t\"\n[simulation]\nduration = \"5 min\"\n");
    assert_eq!(
        d.message,
        "invalid duration: `5 min` has an unknown unit ` min`"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("write a duration such as \"250ms\", \"90s\", \"5m\", \"1h30m\" or \"7d\"")
    );
    assert_eq!((d.line, d.column), (3, 12));
}

#[test]
fn several_problems_in_one_file_are_all_reported_in_file_order() {
    let text = "name = \"t\"\n[simulation]\nduration = \"1h\"\nseed = -1\nwarmup = \"2h\"\nregion = \"mars\"\n[cluster]\nnmae = \"x\"\n";
    let e = errors(text);
    let got: Vec<(usize, &str)> = e.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (4, "-1 is out of range"),
            (5, "warmup (2h) must be shorter than the duration (1h)"),
            (6, "`mars` is not an AWS region name"),
            (8, "unknown field `nmae` in [cluster]"),
        ]
    );
}

#[test]
fn plain_rendering_of_a_load_error_shows_the_source_line_and_help() {
    let e = load_toml("name = \"t\"\n[simulation]\nduration = \"1h\"\nmetric_period = \"90s\"\n")
        .unwrap_err();
    insta::assert_snapshot!(e.render(false), @r#"
    s.toml:4:17: error: metric_period 1m30s is not a multiple of 60s
      | metric_period = "90s"
      |                 ^^^^^
      = help: write a whole number of minutes, e.g. "1m"
    1 problem found
    "#);
}

#[test]
fn start_time_takes_rfc3339_a_toml_datetime_or_a_bare_clock_time() {
    let at = |v: &str| {
        load_toml(&format!("{BASE}start_time = {v}\n"))
            .map(|l| l.scenario.simulation.start_time_unix_ms)
    };
    assert_eq!(at("\"2024-06-01T00:00:00Z\""), Ok(1_717_200_000_000));
    assert_eq!(at("2024-06-01T02:00:00+02:00"), Ok(1_717_200_000_000));
    assert_eq!(at("\"08:30\""), Ok(1_704_067_200_000 + 30_600_000));
    let d = one_error(&format!("{BASE}start_time = \"2024-06-01T00:00:00\"\n"));
    assert!(d.message.contains("no time zone"), "{}", d.message);
    assert_eq!((d.line, d.column), (4, 14));
}

#[test]
fn metric_period_must_be_a_multiple_of_60_seconds() {
    let d = one_error(&format!("{BASE}metric_period = \"30s\"\n"));
    assert_eq!(d.message, "metric_period 30s is not a multiple of 60s");
}

#[test]
fn an_ignored_aws_field_is_a_note_not_an_error() {
    let text = format!(
        "{BASE}[[task_definitions]]\nfamily = \"w\"\nexecution_role_arn = \"arn\"\ncontainer_definitions = [{{ name = \"a\", image = \"i\", memory = 64, environment = [] }}]\n"
    );
    let l = load_toml(&text).unwrap();
    let msgs: Vec<&str> = l.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "`execution_role_arn` is an AWS field that ecsim does not model; it is ignored",
            "`environment` is an AWS field that ecsim does not model; it is ignored",
        ]
    );
    assert_eq!(l.notes[0].location, "s.toml:6:1");
}
