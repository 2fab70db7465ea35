//! `--set PATH=VALUE` (SPEC §1, §3.12) and `[[variants]]`.

use super::*;
use crate::engine::SimDuration;

fn set(text: &str, overrides: &[&str]) -> Result<Loaded, crate::scenario::Diagnostics> {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    load_str("s.toml", text, &fixtures(), &o)
}

fn set_error(text: &str, overrides: &[&str]) -> Diagnostic {
    let mut e = set(text, overrides).unwrap_err().0;
    assert_eq!(e.len(), 1, "{e:#?}");
    e.remove(0)
}

fn scenario() -> String {
    format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"app\", image = \"i\", memory = 64 }}]\n\
         [[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"app\", image = \"i\", memory = 128 }}]\n\
         [[services]]\nname = \"web\"\ntask_definition = \"web\"\ndesired_count = 2\n\
         [[services]]\nname = \"api\"\ntask_definition = \"web:1\"\ndesired_count = 1\n\
         [[events]]\nat = \"10m\"\nterminate_instances = {{ count = 1 }}\n"
    )
}

#[test]
fn set_indexes_a_list_by_element_name() {
    let s = set(&scenario(), &["services.api.desired_count=5"])
        .unwrap()
        .scenario;
    assert_eq!(
        (s.services[0].desired_count, s.services[1].desired_count),
        (2, 5)
    );
}

#[test]
fn set_indexes_a_list_without_key_by_position() {
    let s = set(&scenario(), &["events.0.at=\"20m\""]).unwrap().scenario;
    assert_eq!(s.events[0].at.as_ms(), 1_200_000);
}

#[test]
fn set_indexes_task_definitions_by_family_rev_and_family_means_the_latest() {
    let s = set(
        &scenario(),
        &[
            "task_definitions.web:1.container_definitions.app.memory=256",
            "task_definitions.web.cpu=512",
        ],
    )
    .unwrap()
    .scenario;
    assert_eq!(
        s.task_definitions[0].container_definitions[0].memory,
        Some(256)
    );
    assert_eq!(
        (s.task_definitions[0].cpu, s.task_definitions[1].cpu),
        (None, Some(512))
    );
}

#[test]
fn set_creates_a_missing_table() {
    let s = set(BASE, &["fargate.vcpu_quota=12", "cluster.name=\"blue\""])
        .unwrap()
        .scenario;
    assert_eq!(
        (s.fargate.vcpu_quota, s.cluster.name.as_str()),
        (Some(12), "blue")
    );
}

#[test]
fn set_simulation_seed_works_like_the_seed_flag() {
    assert_eq!(
        set(BASE, &["simulation.seed=3"])
            .unwrap()
            .scenario
            .simulation
            .seed,
        3
    );
}

#[test]
fn set_values_are_validated_like_the_file_and_reported_at_the_argument() {
    let d = set_error(BASE, &["simulation.duration=\"5 min\""]);
    assert_eq!(d.file, "--set");
    assert_eq!((d.line, d.column, d.snippet.as_str()), (1, 21, "\"5 min\""));
    assert_eq!(
        d.message,
        "invalid duration: `5 min` has an unknown unit ` min`"
    );
}

#[test]
fn a_bad_path_gets_a_did_you_mean_at_its_column_in_the_argument() {
    let d = set_error(&scenario(), &["services.wbe.desired_count=3"]);
    assert_eq!(
        (d.file.as_str(), d.line, d.column, d.snippet.as_str()),
        ("--set", 1, 10, "wbe")
    );
    assert_eq!(d.message, "no entry `wbe` in `services`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `web`?"));
    let d = set_error(&scenario(), &["services.web.desird_count=3"]);
    assert_eq!(d.message, "unknown field `desird_count` in service `web`");
    assert_eq!((d.file.as_str(), d.column), ("--set", 14));
    assert_eq!(d.hint.as_deref(), Some("did you mean `desired_count`?"));
    let d = set_error(BASE, &["simulaton.seed=3"]);
    assert_eq!(
        (d.message.as_str(), d.hint.as_deref()),
        (
            "unknown field `simulaton` in the scenario",
            Some("did you mean `simulation`?")
        )
    );
}

#[test]
fn a_path_through_a_scalar_or_past_the_end_of_a_list_is_an_error() {
    let d = set_error(&scenario(), &["simulation.duration.x=1"]);
    assert_eq!(
        d.message,
        "`simulation.duration` is a string; it has no field `x`"
    );
    let d = set_error(&scenario(), &["events.3.at=\"1m\""]);
    assert_eq!(d.message, "index 3 is out of range: `events` has 1 entries");
    let d = set_error(BASE, &["services.web.desired_count=3"]);
    assert_eq!(d.message, "the scenario has no [[services]] entries");
}

#[test]
fn a_bad_value_is_a_diagnostic_and_a_bare_word_hints_at_quotes() {
    let d = set_error(&scenario(), &["services.web.launch_type=FARGATE"]);
    assert!(d.message.starts_with("invalid value: "), "{}", d.message);
    assert_eq!(d.column, 26);
    assert_eq!(
        d.hint.as_deref(),
        Some(
            "VALUE is a TOML value, so a string needs quotes: services.web.launch_type=\"FARGATE\" (in a shell: 'services.web.launch_type=\"FARGATE\"')"
        )
    );
    let d = set_error(BASE, &["no-equals-sign"]);
    assert_eq!((d.message.as_str(), d.column), ("expected PATH=VALUE", 1));
}

#[test]
fn set_quoted_segments_reach_image_names_with_dots() {
    let s = set(BASE, &["images.\"nginx:1.25\".pull_time=\"1m\""])
        .unwrap()
        .scenario;
    assert_eq!(s.images["nginx:1.25"].pull_time, SimDuration::from_secs(60));
}

#[test]
fn set_cannot_reach_inside_a_task_definition_imported_from_a_file() {
    let text = format!("{BASE}[[task_definitions]]\nfile = \"taskdef-describe.json\"\n");
    let d = set_error(&text, &["task_definitions.batch.cpu=256"]);
    assert_eq!(
        d.message,
        "task definition `task_definitions.batch` is imported from a JSON file"
    );
}

// SPEC §3.12: every variant is applied to a copy and validated.
#[test]
fn a_variant_with_a_bad_path_is_reported_at_its_key() {
    let text = format!(
        "{}[[variants]]\nname = \"v\"\nset = {{ \"services.wbe.desired_count\" = 3 }}\n",
        scenario()
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].message, "no entry `wbe` in `services`");
    assert_eq!(
        (e[0].line, e[0].column, e[0].snippet.as_str()),
        (23, 19, "wbe")
    );
}

#[test]
fn a_variant_value_that_fails_validation_is_reported_at_the_value() {
    let text = format!(
        "{}[[variants]]\nname = \"v\"\nset = {{ \"services.web.desired_count\" = -1 }}\n",
        scenario()
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].message, "in variant `v`: -1 is out of range");
    assert_eq!((e[0].line, e[0].column), (23, 40));
}

#[test]
fn a_variant_that_breaks_another_rule_is_reported_at_the_variant() {
    let text = format!(
        "{BASE}[[auto_scaling_groups]]\nname = \"g\"\ninstance_types = [\"m5.large\"]\nmin_size = 1\nmax_size = 3\n[[variants]]\nname = \"v\"\nset = {{ \"auto_scaling_groups.g.max_size\" = 0 }}\n"
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].message,
        "in variant `v`: max_size 0 is less than min_size 1"
    );
    assert_eq!(e[0].line, 11);
}

#[test]
fn valid_variants_keep_their_overrides_as_toml_values() {
    let text = format!(
        "{}[[variants]]\nname = \"spread\"\nset = {{ \"services.web.placement_strategy\" = [{{ type = \"spread\", field = \"instanceId\" }}] }}\n",
        scenario()
    );
    let v = &load_toml(&text).unwrap().scenario.variants[0];
    assert_eq!(
        v.set,
        [(
            "services.web.placement_strategy".to_string(),
            "[{ type = \"spread\", field = \"instanceId\" }]".to_string()
        )]
    );
}

#[test]
fn a_variant_cannot_be_named_base() {
    let text = format!(
        "{}[[variants]]\nname = \"base\"\nset = {{ \"simulation.seed\" = 2 }}\n",
        scenario()
    );
    assert_eq!(
        one_error(&text).message,
        "`base` is the name of the unmodified scenario in comparisons"
    );
}

#[test]
fn a_variant_name_must_be_one_non_empty_line() {
    for (name, message) in [
        ("\"\"", "a variant's name is empty"),
        (
            "\"x\\necho hi\"",
            "a variant's name has a control character (a line break or a tab)",
        ),
    ] {
        let text = format!(
            "{}[[variants]]\nname = {name}\nset = {{ \"simulation.seed\" = 2 }}\n",
            scenario()
        );
        assert_eq!(one_error(&text).message, message, "{name}");
    }
}
