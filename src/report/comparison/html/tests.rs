//! Tests of the comparison's `report.html`: what the page says, in which order, and that it is self-contained
//! and reproducible.

use super::*;
use crate::report::comparison::plots::render_all;
use crate::report::comparison::plots::tests::comparison;
use crate::report::recorded::CheckRow;

fn page(c: &Comparison) -> String {
    let plots = render_all(c).expect("draw");
    String::from_utf8(render(c, &plots)).expect("utf-8")
}

/// `comparison()` with one check on availability (at least 0.972), which fails in base's and `same`'s
/// third replicate (0.97) and holds in every replicate of `more`.
fn with_check() -> Comparison {
    let mut c = comparison();
    for variant in &mut c.variants {
        for run in &mut variant.runs {
            let value = run.metric("service.web.availability").expect("present");
            let passed = value >= 0.972;
            run.checks = vec![CheckRow {
                metric: "service.web.availability".into(),
                min: Some(0.972),
                max: None,
                value: Some(value),
                passed,
                message: if passed {
                    "ok".into()
                } else {
                    format!("service.web.availability = {value}: expected at least 0.972")
                },
            }];
        }
    }
    c
}

#[test]
fn the_page_has_the_description_the_reproduce_commands_the_checks_tally_and_no_script() {
    let text = page(&with_check());
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("<p class=\"description\">Six tasks &amp; a &lt;load balancer&gt;.</p>"));
    // Replicate 0 of each variant alone, the scenario path quoted for the shell (and the quotes escaped
    // for HTML, which the browser shows as `'`).
    assert!(
        text.contains("# base\necsim run &#39;scenarios/web demo.toml&#39; --seed 7\n"),
        "{text}"
    );
    assert!(text.contains(
        "# more\necsim run &#39;scenarios/web demo.toml&#39; --seed 7 \\\n  --set services.web.desired_count=8\n"
    ));
    // The tally: base and same held in 2 of 3, more in 3 of 3; the first failure is named.
    assert!(text.contains(">2 / 3</span>"));
    assert!(text.contains(">3 / 3</span>"));
    assert!(text.contains(
        "<li><b>base</b>, <code>service.web.availability</code>: failed in 1 of 3; first, seed 9: \
         service.web.availability = 0.97: expected at least 0.972</li>"
    ));
    assert!(text.contains("1 of 1 check failed in some replicate, in base, same"));
    assert!(!text.to_ascii_lowercase().contains("<script"));
    assert!(!text.contains("src=\"http") && !text.contains("href=\"http"));
}

#[test]
fn sections_come_in_the_documented_order_with_every_plot_inline() {
    let c = comparison();
    let text = page(&c);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in the page"))
    };
    let order = [
        "<h1>ecsim compare: web</h1>",
        "<h2>What was run</h2>",
        "<h2>Checks</h2>",
        "<h2>Key metrics</h2>",
        "<h2>How sure: the intervals</h2>",
        "plots/interval_service.web.availability.svg",
        "<h2>Over time: replicate 0 of each variant</h2>",
        "<td>outage of us-east-1a for 2m</td>",
        "plots/overlay_service_web.svg",
        "plots/overlay_cluster.svg",
    ];
    for pair in order.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "{:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(text.matches("<svg ").count(), 3);
    assert!(text.contains("The scenario has no <code>[[checks]]</code>."));
}

#[test]
fn the_key_metrics_table_reads_availability_in_percent_with_a_starred_difference() {
    let text = page(&comparison());
    // base: 98 ± 2.5 points over 3 replicates; more: Δ +0.50 ± 0.25 points, significant.
    assert!(text.contains(">98.0 ± 2.5<"), "{text}");
    assert!(text.contains("requests served without a 5XX; in %"));
    assert!(text.contains("<span class=\"diff sig\""));
    assert!(text.contains(">Δ +0.50 ± 0.25 *</span>"));
    assert!(text.contains(">Δ same</span>"));
    // cost.total_usd is 2 in every run: folded away with its value.
    assert!(text.contains("1 key metric with the same value in every run of every variant"));
    assert!(text.contains("<li><code>cost.total_usd</code>: $2.00</li>"));
}

#[test]
fn the_page_leaves_out_the_wall_time_and_renders_identically_twice() {
    let mut c = comparison();
    let first = page(&c);
    assert!(!first.contains("987"), "the wall time varies between runs");
    c.wall_seconds = 1.5;
    assert_eq!(first, page(&c));
    assert_eq!(first, page(&comparison()));
}

#[test]
fn shell_quote_quotes_only_what_a_shell_would_split_or_expand() {
    assert_eq!(
        shell_quote("services.web.desired_count=8"),
        "services.web.desired_count=8"
    );
    assert_eq!(
        shell_quote("services.web.placement_strategy=[{ type = \"spread\" }]"),
        "'services.web.placement_strategy=[{ type = \"spread\" }]'"
    );
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote(""), "''");
}

#[test]
fn the_command_repeats_global_overrides_before_the_variants_own() {
    let mut c = comparison();
    c.overrides = vec!["simulation.duration=\"1h\"".into()];
    assert_eq!(
        reproduce_command(&c, 1, 2),
        "ecsim run 'scenarios/web demo.toml' --seed 9 \\\n  --set 'simulation.duration=\"1h\"' \\\n  --set services.web.desired_count=8"
    );
}
