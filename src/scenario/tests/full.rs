//! The full fixture (`tests/fixtures/full.toml`, and the same scenario as `full.json`): every section parses
//! into the expected model values, and both formats give the same model.

use super::*;
use crate::catalog::CpuArchitecture;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::model::*;
use crate::scenario::schedule::Cron;

fn full() -> Loaded {
    load_fixture("full.toml").unwrap_or_else(|d| panic!("{}", d.render(false)))
}

fn secs(s: u64) -> SimDuration {
    SimDuration::from_secs(s)
}

#[test]
fn simulation_and_cluster_take_the_written_values() {
    let s = full().scenario;
    assert_eq!(s.name, "full");
    assert_eq!(s.description, "Exercises every section");
    let sim = &s.simulation;
    assert_eq!(sim.duration, secs(7200));
    assert_eq!(sim.seed, 7);
    assert_eq!(sim.region, "us-east-1");
    assert_eq!(sim.metric_period, secs(300));
    assert_eq!(sim.start_time_unix_ms, 1_704_067_200_000 + 8 * 3_600_000);
    assert!(!sim.warm_start);
    assert_eq!(sim.warmup, secs(600));
    assert_eq!(s.cluster.name, "prod");
    assert_eq!(s.cluster.availability_zones, ["us-east-1a", "us-east-1b"]);
    assert!(s.cluster.default_capacity_provider_strategy.is_empty());
}

#[test]
fn custom_instance_types_follow_the_catalog_and_groups_resolve_them_by_index() {
    let s = full().scenario;
    let builtin = crate::catalog::builtin_instance_types().len();
    assert_eq!(s.instance_types.len(), builtin + 1);
    let custom = &s.instance_types[builtin];
    assert_eq!(
        (custom.name.as_str(), custom.vcpu, custom.memory_mib),
        ("custom.big", 4, 16000)
    );
    assert_eq!(custom.registered_cpu_units, 4096);
    assert_eq!(custom.cpu_architecture, CpuArchitecture::Arm64);
    let od = &s.auto_scaling_groups[0];
    assert_eq!(s.instance_types[od.instance_types[0]].name, "m5.large");
    assert_eq!(od.instance_types[1], builtin);
    assert_eq!((od.min_size, od.max_size, od.desired_capacity), (2, 6, 3));
    assert_eq!(od.market, Market::OnDemand);
    assert_eq!(
        od.availability_zones,
        ["us-east-1a", "us-east-1b"],
        "defaults to the cluster's zones"
    );
    assert_eq!(
        od.launch_time,
        DurationDist::Uniform {
            min: secs(60),
            max: secs(120)
        }
    );
    assert_eq!(od.attributes.get("team").map(String::as_str), Some("web"));
    assert_eq!(od.termination_policies, ["OldestInstance", "Default"]);
    assert_eq!(od.spot_price_ratio, 0.35);
    let spot = &s.auto_scaling_groups[1];
    assert_eq!(spot.market, Market::Spot);
    assert_eq!(spot.desired_capacity, 0, "desired defaults to min_size");
    assert_eq!(spot.availability_zones, ["us-east-1b"]);
    assert!(spot.ecs_enable_spot_instance_draining);
    assert_eq!(
        spot.spot_interruptions,
        Some(SpotInterruptions::Frequency {
            monthly_probability: 0.075
        })
    );
    assert_eq!(spot.launch_time, DurationDist::Fixed(secs(90)));
}

#[test]
fn capacity_providers_and_fargate_settings_take_the_written_values() {
    let s = full().scenario;
    let cp = &s.capacity_providers[0];
    assert_eq!((cp.name.as_str(), cp.auto_scaling_group), ("od-cp", 0));
    assert!(cp.managed_scaling_enabled);
    assert_eq!(
        (
            cp.target_capacity,
            cp.minimum_scaling_step_size,
            cp.maximum_scaling_step_size
        ),
        (90, 1, 4)
    );
    assert_eq!(cp.instance_warmup_period, secs(120));
    assert!(cp.managed_termination_protection);
    assert!(!cp.managed_draining);
    assert_eq!(s.fargate.startup_time, DurationDist::Fixed(secs(10)));
    assert_eq!(
        s.fargate.spot_interruptions,
        Some(SpotInterruptions::RatePerHour(0.01))
    );
    assert_eq!(s.fargate.spot_price_ratio, 0.25);
    assert_eq!(s.fargate.vcpu_quota, Some(64));
}

#[test]
fn task_definitions_number_revisions_per_family_in_file_order() {
    let s = full().scenario;
    let tds: Vec<String> = s
        .task_definitions
        .iter()
        .map(|t| t.family_revision())
        .collect();
    assert_eq!(tds, ["web:1", "web:2", "batch:1"]);
    let web1 = &s.task_definitions[0];
    assert_eq!(web1.network_mode, NetworkMode::Bridge);
    assert_eq!(web1.requires_compatibilities, [LaunchType::Ec2]);
    assert_eq!((web1.cpu, web1.memory), (None, None));
    assert_eq!(
        (web1.reserved_cpu_units(), web1.reserved_memory_mib()),
        (256, 256)
    );
    let app = &web1.container_definitions[0];
    assert_eq!(
        (app.memory, app.memory_reservation, app.essential),
        (Some(512), Some(256), true)
    );
    assert_eq!(
        app.port_mappings,
        [PortMapping {
            container_port: 80,
            host_port: Some(80),
            protocol: Protocol::Tcp
        }]
    );
    let hc = app.health_check.as_ref().unwrap();
    assert_eq!(hc.command, ["CMD-SHELL", "curl -f localhost"]);
    assert_eq!(
        (hc.interval, hc.timeout, hc.retries, hc.start_period),
        (secs(10), secs(5), 2, secs(0))
    );
    assert_eq!(app.stop_timeout, Some(secs(60)));
    assert_eq!(web1.placement_constraints.len(), 1);
    let web2 = &s.task_definitions[1];
    assert_eq!(
        (web2.cpu, web2.memory),
        (Some(512), Some(1024)),
        "\"0.5 vCPU\" and \"1 GB\""
    );
    assert_eq!(web2.network_mode, NetworkMode::Awsvpc);
    assert_eq!(
        web2.requires_compatibilities,
        [LaunchType::Ec2, LaunchType::Fargate]
    );
    let batch = &s.task_definitions[2];
    assert_eq!(batch.container_definitions[0].cpu, 100);
    assert_eq!(batch.container_definitions[0].memory, Some(256));
    assert_eq!(batch.container_definitions[0].image, "busybox:latest");
}

#[test]
fn images_override_only_the_fields_they_give() {
    let s = full().scenario;
    let web1 = &s.images["web:1"];
    assert_eq!(
        web1.startup_time,
        DurationDist::Uniform {
            min: secs(5),
            max: secs(15)
        }
    );
    assert_eq!(
        (web1.pull_time, web1.cpu_per_request),
        (secs(20), SimDuration::from_ms(5))
    );
    assert_eq!(
        (web1.idle_cpu, web1.memory_mib, web1.crash_rate_per_hour),
        (20, Some(300), 0.01)
    );
    assert!(s.images["web:2"].fails_health_checks);
    assert_eq!(s.images["web:2"].pull_time, secs(15), "default");
    assert_eq!(
        s.images["busybox:latest"].exits_after,
        Some(DurationDist::Fixed(secs(30)))
    );
    assert_eq!(s.image("unknown:1"), Image::default());
}

#[test]
fn target_group_takes_the_aws_attribute_form_of_the_deregistration_delay() {
    let s = full().scenario;
    let tg = &s.target_groups[0];
    assert_eq!(
        (
            tg.health_check_interval_seconds,
            tg.health_check_timeout_seconds
        ),
        (15, 5)
    );
    assert_eq!(
        (tg.healthy_threshold_count, tg.unhealthy_threshold_count),
        (3, 3)
    );
    assert_eq!(
        (tg.deregistration_delay_seconds, tg.slow_start_seconds),
        (30, 60)
    );
    assert_eq!(tg.load_balancing_algorithm_type, "round_robin");
    assert_eq!(
        (
            tg.minimum_healthy_targets_count,
            tg.minimum_healthy_targets_percentage
        ),
        (1, Some(50))
    );
}

#[test]
fn services_resolve_references_and_expand_the_placement_template() {
    let s = full().scenario;
    let web = &s.services[0];
    assert_eq!((web.task_definition, web.desired_count), (0, 4));
    assert_eq!(
        web.launch,
        LaunchTarget::CapacityProviderStrategy(vec![CapacityProviderStrategyItem {
            capacity_provider: "od-cp".into(),
            base: 1,
            weight: 1
        }])
    );
    assert_eq!(
        web.placement.strategy,
        [
            PlacementStrategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
            PlacementStrategy::Binpack(BinpackField::Memory)
        ]
    );
    assert_eq!(
        web.placement.template.as_deref(),
        Some("AZ Balanced BinPack")
    );
    assert!(web.placement.strategy_given);
    assert!(matches!(
        web.placement.constraints[..],
        [PlacementConstraint::DistinctInstance]
    ));
    assert!(
        !web.availability_zone_rebalancing,
        "binpack services default to DISABLED"
    );
    let dc = &web.deployment_configuration;
    assert_eq!((dc.minimum_healthy_percent, dc.maximum_percent), (50, 150));
    let cb = dc.deployment_circuit_breaker.as_ref().unwrap();
    assert_eq!(
        (cb.enable, cb.rollback, cb.reset_on_healthy_task),
        (true, true, true)
    );
    assert_eq!(
        (cb.threshold_type.as_str(), cb.threshold_value),
        ("COUNT", 5)
    );
    assert_eq!(dc.alarm_names, ["cpu-high"]);
    assert_eq!(web.health_check_grace_period, secs(30));
    assert_eq!(
        web.load_balancers,
        [LoadBalancer {
            target_group: 0,
            container_name: "app".into(),
            container_port: 80
        }]
    );
    assert_eq!(web.placement_retry_interval, secs(30));
    let api = &s.services[1];
    assert_eq!(
        api.task_definition, 1,
        "a bare family is its latest revision"
    );
    assert_eq!(api.launch, LaunchTarget::LaunchType(LaunchType::Fargate));
    assert!(api.availability_zone_rebalancing);
    assert_eq!(
        (
            api.deployment_configuration.minimum_healthy_percent,
            api.deployment_configuration.maximum_percent
        ),
        (100, 200)
    );
    assert_eq!(api.placement_retry_interval, secs(60));
    let agent = &s.services[2];
    assert_eq!(agent.scheduling_strategy, SchedulingStrategy::Daemon);
    assert_eq!(agent.desired_count, 0);
    assert_eq!(agent.launch, LaunchTarget::LaunchType(LaunchType::Ec2));
    assert_eq!(
        (
            agent.deployment_configuration.minimum_healthy_percent,
            agent.deployment_configuration.maximum_percent
        ),
        (0, 100)
    );
    assert!(!agent.availability_zone_rebalancing);
}

#[test]
fn scaling_sections_are_counted() {
    let s = full().scenario;
    let sc = &s.scaling;
    assert_eq!(
        (
            sc.scalable_targets,
            sc.scaling_policies,
            sc.alarms,
            sc.scheduled_actions
        ),
        (1, 2, 1, 1)
    );
    let names: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["traffic", "replay"]);
}

#[test]
fn scheduled_tasks_parse_schedules_and_default_their_name_and_group() {
    let s = full().scenario;
    let nightly = &s.scheduled_tasks[0];
    assert_eq!(nightly.name, "nightly");
    assert_eq!(nightly.schedule, Schedule::Rate(secs(3600)));
    assert_eq!(
        (nightly.run_task.task_definition, nightly.run_task.count),
        (2, 2)
    );
    assert_eq!(nightly.run_task.group, "family:batch");
    assert_eq!(
        nightly.run_task.launch,
        LaunchTarget::LaunchType(LaunchType::Ec2)
    );
    let second = &s.scheduled_tasks[1];
    assert_eq!(second.name, "scheduled-1");
    assert_eq!(
        second.schedule,
        Schedule::At(Some(SimTime::from_secs(3600))),
        "09:00 is 1 h after the 08:00 start"
    );
    assert!(!second.run_task.placement.strategy_given);
}

#[test]
fn events_keep_file_order_and_resolve_their_targets() {
    let s = full().scenario;
    let at: Vec<u64> = s.events.iter().map(|e| e.at.as_ms() / 1000).collect();
    assert_eq!(at, [1800, 2400, 3000, 3300, 3600, 4200, 4800]);
    assert!(matches!(
        s.events[0].action,
        EventAction::UpdateService {
            service: 0,
            task_definition: Some(0),
            desired_count: Some(6),
            force_new_deployment: false
        }
    ));
    match &s.events[1].action {
        EventAction::RunTask(rt) => {
            assert_eq!((rt.task_definition, rt.count), (2, 3));
            assert_eq!(rt.placement.constraints.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        s.events[2].action,
        EventAction::DrainInstances {
            count: 1,
            auto_scaling_group: Some(0)
        }
    ));
    assert!(matches!(
        s.events[3].action,
        EventAction::TerminateInstances {
            count: 1,
            auto_scaling_group: None
        }
    ));
    match &s.events[4].action {
        EventAction::AzOutage {
            availability_zone,
            duration,
        } => {
            assert_eq!(
                (availability_zone.as_str(), *duration),
                ("us-east-1b", secs(600))
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        s.events[5].action,
        EventAction::SpotInterruption {
            count: 1,
            auto_scaling_group: 1
        }
    ));
    assert!(
        matches!(s.events[6].action, EventAction::FargateCapacityShortage { duration } if duration == secs(300))
    );
}

#[test]
fn checks_and_variants_keep_what_was_written() {
    let s = full().scenario;
    assert_eq!(s.checks[0].metric, "service.web.availability");
    assert_eq!((s.checks[0].min, s.checks[0].max), (Some(0.99), None));
    assert!(
        s.checks[0].location.ends_with("full.toml:239:1"),
        "{}",
        s.checks[0].location
    );
    assert_eq!(s.variants[0].name, "bigger");
    assert_eq!(
        s.variants[0].set,
        [
            ("services.web.desired_count".to_string(), "8".to_string()),
            (
                "auto_scaling_groups.od.max_size".to_string(),
                "10".to_string()
            )
        ]
    );
}

#[test]
fn toml_and_json_versions_of_the_same_scenario_give_equal_models() {
    let mut from_toml = full().scenario;
    let mut from_json = load_fixture("full.json")
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
        .scenario;
    for c in from_toml
        .checks
        .iter_mut()
        .chain(from_json.checks.iter_mut())
    {
        c.location.clear();
    }
    assert_eq!(format!("{from_toml:#?}"), format!("{from_json:#?}"));
}

#[test]
fn unsimulated_sections_and_ignored_fields_are_noted_once_each() {
    let notes = full().notes;
    let count = |needle: &str| notes.iter().filter(|n| n.message.contains(needle)).count();
    for section in [
        "`capacity_providers`",
        "`scalable_targets`",
        "`scaling_policies`",
        "`alarms`",
        "`scheduled_actions`",
        "`events.spot_interruption`",
        "`events.fargate_capacity_shortage`",
        "`auto_scaling_groups.spot_interruptions`",
        "`services.deployment_configuration.alarms`",
        "`auto_scaling_groups.termination_policies`",
    ] {
        assert_eq!(
            count(&format!("{section} is validated but not simulated yet")),
            1,
            "{section}"
        );
    }
    // Simulated now: no note.
    for section in [
        "`target_groups`",
        "`services.load_balancers`",
        "`workloads`",
        "`images.cpu_per_request (traffic)`",
        "`events.az_outage`",
    ] {
        assert_eq!(count(&format!("{section} is validated")), 0, "{section}");
    }
    // Simulated now: the circuit breaker and the update's new task definition (a rolling deployment).
    assert_eq!(count("deployment_circuit_breaker"), 0);
    assert_eq!(count("rolling deployment"), 0);
    assert_eq!(count("`log_configuration` is an AWS field"), 1);
    assert_eq!(count("`logConfiguration` is an AWS field"), 1);
    // Notes come in file order: the scenario file first, then the imported JSON file. The first is the
    // advice about group `od`, which lists two instance types.
    assert!(
        notes[0].location.ends_with("full.toml:27:31"),
        "{}",
        notes[0].location
    );
    assert!(
        notes[1].location.ends_with("full.toml:33:1"),
        "{}",
        notes[1].location
    );
    assert!(
        notes
            .last()
            .unwrap()
            .location
            .contains("taskdef-describe.json")
    );
}

#[test]
fn sha256_is_the_hex_digest_of_the_file_bytes() {
    // `printf 'name = "t"\n[simulation]\nduration = "1h"\n' | sha256sum`
    let loaded = load_str("s.toml", BASE, &fixtures(), &[]).unwrap();
    assert_eq!(
        loaded.sha256,
        "5286a47d51bac73042bb89f0ae449e34dd89e8c86d96c1d902349b1c2d39e89e"
    );
}

#[test]
fn the_minimal_scenario_gets_every_aws_default() {
    let s = load_toml(BASE).unwrap().scenario;
    assert_eq!(s.simulation.seed, 1);
    assert_eq!(s.simulation.region, "us-east-1");
    assert_eq!(s.simulation.metric_period, secs(60));
    assert_eq!(s.simulation.start_time_unix_ms, 1_704_067_200_000);
    assert!(s.simulation.warm_start);
    assert_eq!(s.cluster.name, "default");
    assert_eq!(
        s.cluster.availability_zones,
        ["us-east-1a", "us-east-1b", "us-east-1c"]
    );
    assert_eq!(
        s.fargate.startup_time,
        DurationDist::Uniform {
            min: secs(5),
            max: secs(15)
        }
    );
    assert_eq!(s.fargate.spot_price_ratio, 0.30);
    assert!(s.services.is_empty() && s.events.is_empty());
    let _ = Cron::parse("0 0 * * ? *").unwrap();
}
