//! Property tests (proptest): random clusters and services never over-commit an instance (the world checks
//! its accounting after every event in debug builds), task counts are conserved, and the scenario parser
//! never panics on arbitrary text.

use proptest::prelude::*;

use crate::support::*;

fn scenario(instances: u32, itype: &str, services: &[(u32, u32, u32, u32)], drain: bool) -> String {
    let mut s = cluster(itype, instances).replace("duration = \"30m\"", "duration = \"20m\"");
    for (i, (desired, cpu, mem, port)) in services.iter().enumerate() {
        let ports = if *port > 0 {
            format!(
                ", port_mappings = [{{ container_port = 80, host_port = {} }}]",
                8000 + port
            )
        } else {
            String::new()
        };
        s += &format!(
            "[[task_definitions]]\nfamily = \"f{i}\"\ncontainer_definitions = [{{ name = \"c\", image = \"img{i}:1\", cpu = {cpu}, memory = {mem}{ports} }}]\n[[services]]\nname = \"s{i}\"\ntask_definition = \"f{i}\"\ndesired_count = {desired}\n"
        );
    }
    if drain {
        s += "[[events]]\nat = \"5m\"\ndrain_instances = { count = 1 }\n[[events]]\nat = \"10m\"\nterminate_instances = { count = 1 }\n";
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_clusters_never_overcommit_and_conserve_tasks(
        instances in 1u32..6,
        itype in prop::sample::select(vec!["t3.small", "m5.large", "c5.xlarge"]),
        services in prop::collection::vec((0u32..8, 64u32..1500, 128u32..3000, 0u32..3), 1..4),
        drain in any::<bool>(),
    ) {
        let out = run_toml(&scenario(instances, itype, &services, drain));
        let rec = &out.recorded;
        for (i, (desired, ..)) in services.iter().enumerate() {
            let rows = tasks_of(rec, &format!("s{i}"));
            let live = rows.iter().filter(|t| t.stopped.is_none()).count() as u32;
            // Conservation: every task is live or stopped, and no service ever runs more than desired
            // (its maximumPercent is 200, so at most 2 × desired at once).
            prop_assert!(live <= 2 * desired);
            prop_assert_eq!(rows.len(), rows.iter().filter(|t| t.stopped.is_some()).count() + live as usize);
            for t in rows {
                // Only legal orders of instants.
                if let (Some(c), Some(r)) = (t.created, t.running) { prop_assert!(c <= r); }
                if let (Some(r), Some(s)) = (t.stop_requested, t.stopped) { prop_assert!(r <= s); }
            }
        }
    }

    #[test]
    fn scenario_parser_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        let _ = ecsim::scenario::load_str("fuzz.toml", &text, &root(), &[]);
        let _ = ecsim::scenario::load_str("fuzz.json", &text, &root(), &[]);
    }
}
