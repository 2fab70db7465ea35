//! Placement pipeline tests (ECS-SEMANTICS §1, §14). Arithmetic in comments; names state the rule.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::query;

pub(crate) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Instance `n`: container-instance id `ci-n`, EC2 id `i-n`.
pub(crate) fn inst(n: &str, az: &str, cpu_units: u32, memory_mib: u32) -> Candidate {
    Candidate::new(
        &format!("ci-{n}"),
        &format!("i-{n}"),
        az,
        InstanceResources::new(cpu_units, memory_mib, 0, 0),
    )
}

pub(crate) fn cluster(instances: Vec<Candidate>) -> PlacementIndex {
    let mut index = PlacementIndex::new();
    for (i, c) in instances.into_iter().enumerate() {
        index.insert(InstanceIdx(i as u32), c).unwrap();
    }
    index
}

/// Applies a decision the way the World will: count the task in its group, reserve its resources.
pub(crate) fn apply(
    index: &mut PlacementIndex,
    idx: InstanceIdx,
    req: &TaskRequirements,
) -> TaskReservation {
    index.add_group_task(idx, &req.group).unwrap();
    index.reserve(idx, req).unwrap()
}

fn ec2(index: &PlacementIndex, d: &PlacementDecision) -> String {
    index
        .get(*d.result.as_ref().unwrap())
        .unwrap()
        .ec2_instance_id
        .to_string()
}

fn place1(
    req: &TaskRequirements,
    index: &PlacementIndex,
    c: &[PlacementConstraint],
    s: &[PlacementStrategy],
) -> PlacementDecision {
    place(req, index, c, s, &mut rng(7), &mut PlacementScratch::new())
}

fn member_of(src: &str) -> PlacementConstraint {
    PlacementConstraint::MemberOf(query::parse(src).unwrap())
}

fn az_counts(index: &PlacementIndex, decisions: &[PlacementDecision]) -> Vec<(String, u32)> {
    let mut counts = std::collections::BTreeMap::new();
    for d in decisions {
        let az = index
            .get(*d.result.as_ref().unwrap())
            .unwrap()
            .availability_zone()
            .unwrap()
            .to_owned();
        *counts.entry(az).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

// §1.3: binpack picks the candidate with the least remaining amount of the field that still fits.
#[test]
fn binpack_memory_picks_the_instance_with_least_remaining_memory_that_fits() {
    let index = cluster(vec![
        inst("a", "us-east-1a", 4096, 4096),
        inst("b", "us-east-1a", 4096, 768),
        inst("c", "us-east-1a", 4096, 1536),
        inst("d", "us-east-1a", 4096, 400),
    ]);
    // The task needs 512 MiB: d (400) does not fit; of 4096, 768, 1536 the least is b with 768.
    let d = place1(
        &TaskRequirements::new("family:web", 256, 512),
        &index,
        &[],
        &[PlacementStrategy::Binpack(BinpackField::Memory)],
    );
    assert_eq!(ec2(&index, &d), "i-b");
    assert!(d.explanation.steps.contains(&Step::Binpack {
        field: BinpackField::Memory,
        remaining: 768,
        kept: InstanceList {
            count: 1,
            listed: vec![InstanceRef {
                idx: InstanceIdx(1),
                ec2_instance_id: "i-b".into()
            }]
        },
    }));
}

// §1.3: binpack(cpu) likewise on CPU units.
#[test]
fn binpack_cpu_picks_the_instance_with_least_remaining_cpu_that_fits() {
    let index = cluster(vec![
        inst("a", "us-east-1a", 1024, 4096),
        inst("b", "us-east-1a", 200, 4096),
        inst("c", "us-east-1a", 512, 4096),
        inst("d", "us-east-1a", 2048, 4096),
    ]);
    // The task needs 256 units: b (200) does not fit; of 1024, 512, 2048 the least is c with 512.
    let d = place1(
        &TaskRequirements::new("family:web", 256, 512),
        &index,
        &[],
        &[PlacementStrategy::Binpack(BinpackField::Cpu)],
    );
    assert_eq!(ec2(&index, &d), "i-c");
}

// §14: spread(attribute:ecs.availability-zone) with count 9 over three zones gives 3/3/3 (§1.3 DECIDED: the
// counts are updated after each placement of the batch).
#[test]
fn spread_az_places_a_batch_of_9_tasks_3_3_3_over_three_zones() {
    let index = cluster(vec![
        inst("a1", "us-east-1a", 4096, 8192),
        inst("a2", "us-east-1a", 4096, 8192),
        inst("b1", "us-east-1b", 4096, 8192),
        inst("c1", "us-east-1c", 4096, 8192),
        inst("c2", "us-east-1c", 4096, 8192),
        inst("c3", "us-east-1c", 4096, 8192),
    ]);
    let req = TaskRequirements::new("family:web", 256, 512);
    let spread = [PlacementStrategy::spread_availability_zone()];
    let ds = place_many(
        9,
        &req,
        &index,
        &[],
        &spread,
        &mut rng(1),
        &mut PlacementScratch::new(),
    );
    assert_eq!(ds.len(), 9);
    let want =
        [("us-east-1a", 3), ("us-east-1b", 3), ("us-east-1c", 3)].map(|(a, n)| (a.to_owned(), n));
    assert_eq!(az_counts(&index, &ds), want);
}

// §1.3: spread(instanceId) balances the group's tasks across instances: 8 tasks over 4 instances is 2 each.
#[test]
fn spread_instance_id_places_8_tasks_2_on_each_of_4_instances() {
    let mut index = cluster(
        (0..4)
            .map(|i| inst(&i.to_string(), "us-east-1a", 4096, 8192))
            .collect(),
    );
    let req = TaskRequirements::new("service:web", 256, 512);
    let s = [PlacementStrategy::Spread(SpreadField::InstanceId)];
    let ds = place_many(
        8,
        &req,
        &index,
        &[],
        &s,
        &mut rng(3),
        &mut PlacementScratch::new(),
    );
    for d in &ds {
        apply(&mut index, *d.result.as_ref().unwrap(), &req);
    }
    let per: Vec<u32> = (0..4)
        .map(|i| index.group_task_count(InstanceIdx(i), "service:web"))
        .collect();
    assert_eq!(per, [2, 2, 2, 2]);
}

// §1.4: zone A has 1 task and zones B and C have 0, so B or C is optimal; never A.
#[test]
fn default_service_placement_prefers_the_zones_with_fewest_tasks_of_the_service() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b", "us-east-1b", 4096, 8192),
        inst("c", "us-east-1c", 4096, 8192),
    ]);
    let req = TaskRequirements::new("service:web", 256, 512);
    apply(&mut index, InstanceIdx(0), &req);
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..20 {
        let d = place(
            &req,
            &index,
            &[],
            &default_service_strategies(),
            &mut rng(seed),
            &mut PlacementScratch::new(),
        );
        seen.insert(ec2(&index, &d));
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["i-b", "i-c"]);
}

// §1.4: within the chosen zone, the instance with the fewest tasks of the service.
#[test]
fn default_service_placement_prefers_the_instance_with_fewest_tasks_within_the_zone() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b1", "us-east-1b", 4096, 8192),
        inst("b2", "us-east-1b", 4096, 8192),
    ]);
    let req = TaskRequirements::new("service:web", 256, 512);
    // Zone a: 2 tasks; zone b: 1 task, on b1. So zone b, then b2 (0 tasks) over b1 (1 task).
    apply(&mut index, InstanceIdx(0), &req);
    apply(&mut index, InstanceIdx(0), &req);
    apply(&mut index, InstanceIdx(1), &req);
    let d = place1(&req, &index, &[], &default_service_strategies());
    assert_eq!(ec2(&index, &d), "i-b2");
}

// §1.3: "spread AZ, then binpack memory within each AZ": the second rule breaks the first rule's ties.
#[test]
fn chained_spread_az_then_binpack_memory_binpacks_within_the_chosen_zone() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 1024),
        inst("b1", "us-east-1b", 4096, 8192),
        inst("b2", "us-east-1b", 4096, 2048),
        inst("b3", "us-east-1b", 4096, 4096),
    ]);
    let req = TaskRequirements::new("service:web", 256, 512);
    apply(&mut index, InstanceIdx(0), &req);
    // Zone a has 1 task, zone b 0: zone b wins. In b, remaining memory 8192, 2048, 4096: b2 (2048) is the
    // least; a (1024 - 512 = 512) would win binpack alone but lost the spread.
    let (s, _) = PlacementTemplate::AzBalancedBinPack.expand();
    let d = place1(&req, &index, &[], &s);
    assert_eq!(ec2(&index, &d), "i-b2");
    assert_eq!(
        d.explanation.to_string(),
        "Placing task 1 of 1 of group service:web on 4 instances.\n\
         1. spread(attribute:ecs.availability-zone) kept 3 instances (i-b1, i-b2, i-b3) in us-east-1b with 0 tasks of the group there.\n\
         2. binpack(memory) kept 1 instance (i-b2) with the least remaining memory that fits: 2048 MiB.\n\
         Chose i-b2."
    );
}

// §1.2 / §14 "One Task Per Host": distinctInstance puts each task of the group on a different instance.
#[test]
fn distinct_instance_places_each_task_on_a_different_instance_and_fails_when_none_is_left() {
    let index = cluster(
        (0..3)
            .map(|i| inst(&i.to_string(), "us-east-1a", 4096, 8192))
            .collect(),
    );
    let req = TaskRequirements::new("service:web", 256, 512);
    let (s, c) = PlacementTemplate::OneTaskPerHost.expand();
    let ds = place_many(
        4,
        &req,
        &index,
        &c,
        &s,
        &mut rng(5),
        &mut PlacementScratch::new(),
    );
    let mut placed: Vec<u32> = ds[..3]
        .iter()
        .map(|d| d.result.as_ref().unwrap().0)
        .collect();
    placed.sort_unstable();
    assert_eq!(placed, [0, 1, 2]);
    let failure = ds[3].result.as_ref().unwrap_err();
    assert_eq!(failure, &PlacementFailure::Constraints);
    assert_eq!(failure.run_task_reason(), "ATTRIBUTE");
    assert_eq!(
        failure.service_event_message("web"),
        "service web was unable to place a task because no container instance met all of its requirements."
    );
    assert_eq!(
        ds[3].explanation.steps[0].to_string(),
        "The constraint distinctInstance removed 3 instances (i-0, i-1, i-2)."
    );
}

// §14: memberOf `attribute:ecs.instance-type == g2.2xlarge` on g2.2xlarge and t2.small instances puts all 5
// tasks on the g2.2xlarge instances.
#[test]
fn member_of_instance_type_puts_all_5_tasks_on_the_g2_instances() {
    let mut instances = Vec::new();
    for (n, t) in [
        ("g1", "g2.2xlarge"),
        ("t1", "t2.small"),
        ("g2", "g2.2xlarge"),
        ("t2", "t2.small"),
        ("t3", "t2.small"),
    ] {
        instances.push(inst(n, "us-east-1a", 8192, 15360).with_attribute("ecs.instance-type", t));
    }
    let index = cluster(instances);
    let req = TaskRequirements::new("family:gpu-job", 1024, 2048);
    let c = [member_of("attribute:ecs.instance-type == g2.2xlarge")];
    let ds = place_many(
        5,
        &req,
        &index,
        &c,
        &default_run_task_strategies(),
        &mut rng(9),
        &mut PlacementScratch::new(),
    );
    assert_eq!(ds.len(), 5);
    for d in &ds {
        assert!(["i-g1", "i-g2"].contains(&ec2(&index, d).as_str()));
    }
    assert_eq!(
        ds[0].explanation.steps[0].to_string(),
        "The constraint memberOf(attribute:ecs.instance-type == g2.2xlarge) removed 3 instances (i-t1, i-t2, i-t3)."
    );
}

// The memberOf cache must follow attribute changes (index version).
#[test]
fn member_of_results_follow_attribute_changes_with_the_same_scratch() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192).with_attribute("tier", "gold"),
        inst("b", "us-east-1a", 4096, 8192).with_attribute("tier", "bronze"),
    ]);
    let req = TaskRequirements::new("family:x", 256, 512);
    let c = [member_of("attribute:tier == gold")];
    let mut scratch = PlacementScratch::new();
    let d = place(&req, &index, &c, &[], &mut rng(1), &mut scratch);
    assert_eq!(ec2(&index, &d), "i-a");
    index
        .set_attribute(InstanceIdx(0), "tier", Some("bronze"))
        .unwrap();
    index
        .set_attribute(InstanceIdx(1), "tier", Some("gold"))
        .unwrap();
    let d = place(&req, &index, &c, &[], &mut rng(1), &mut scratch);
    assert_eq!(ec2(&index, &d), "i-b");
}

// §1.6: task:group is true if any task on the instance (desiredStatus RUNNING) has the group (affinity).
#[test]
fn member_of_task_group_follows_the_tasks_on_each_instance() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b", "us-east-1a", 4096, 8192),
    ]);
    apply(
        &mut index,
        InstanceIdx(1),
        &TaskRequirements::new("service:db", 256, 512),
    );
    let c = [member_of("task:group == service:db")];
    let req = TaskRequirements::new("service:web", 256, 512);
    let ds = place_many(
        3,
        &req,
        &index,
        &c,
        &default_service_strategies(),
        &mut rng(2),
        &mut PlacementScratch::new(),
    );
    assert!(ds.iter().all(|d| d.result == Ok(InstanceIdx(1))));
}

// §1.1 / §3.3: a DRAINING instance never receives new tasks, even when it is the only one with room.
#[test]
fn draining_instance_is_never_chosen() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b", "us-east-1a", 4096, 256),
    ]);
    index
        .set_status(InstanceIdx(0), InstanceStatus::Draining)
        .unwrap();
    let req = TaskRequirements::new("service:web", 256, 512);
    let d = place1(&req, &index, &[], &default_service_strategies());
    // b has 256 MiB < 512: the closest matching instance is b, not the draining a.
    let PlacementFailure::Resources(closest) = d.result.unwrap_err() else {
        panic!("expected a resource failure")
    };
    assert_eq!(
        (&*closest.container_instance_id, closest.lacking),
        ("ci-b", ResourceKind::Memory)
    );
    assert_eq!(
        d.explanation.steps[0].to_string(),
        "The status filter removed 1 instance (i-a): DRAINING instances never receive new tasks."
    );
}

// §1.7: with no ACTIVE instance the reason is MISSING.
#[test]
fn no_active_instance_fails_with_missing() {
    let mut index = cluster(vec![inst("a", "us-east-1a", 4096, 8192)]);
    index.set_agent_connected(InstanceIdx(0), false).unwrap();
    let d = place1(&TaskRequirements::new("family:x", 1, 1), &index, &[], &[]);
    let f = d.result.unwrap_err();
    assert_eq!(
        (f.clone(), f.run_task_reason()),
        (PlacementFailure::NoContainerInstances, "MISSING")
    );
    assert_eq!(
        f.service_event_message("web"),
        "service web was unable to place a task because no container instance met all of its requirements. \
         Reason: No Container Instances were found in your cluster."
    );
}

// §1.1: free ports are part of the resource filter; §1.7: the port form of the service event.
#[test]
fn static_port_conflict_filters_the_instance_and_the_failure_names_the_port() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b", "us-east-1b", 4096, 8192),
    ]);
    let mut req = TaskRequirements::new("service:web", 256, 512);
    req.static_host_ports_tcp = vec![80];
    apply(&mut index, InstanceIdx(0), &req);
    let d = place1(&req, &index, &[], &default_service_strategies());
    assert_eq!(ec2(&index, &d), "i-b");
    apply(&mut index, InstanceIdx(1), &req);
    let d = place1(&req, &index, &[], &default_service_strategies());
    let f = d.result.unwrap_err();
    assert_eq!(f.run_task_reason(), "RESOURCE:PORTS");
    assert_eq!(
        f.service_event_message("web"),
        "service web was unable to place a task because no container instance met all of its requirements. \
         The closest matching container-instance ci-a is already using a port required by your task."
    );
}

// §1.1: an awsvpc task needs a free ENI slot (RESOURCE:ENI, UNCONFIRMED code).
#[test]
fn awsvpc_task_fails_with_eni_when_every_eni_slot_is_used() {
    let res = InstanceResources::new(4096, 8192, 0, 2);
    let mut index = cluster(vec![Candidate::new("ci-a", "i-a", "us-east-1a", res)]);
    let mut req = TaskRequirements::new("service:web", 256, 512);
    req.needs_eni = true;
    // 2 slots: the batch places 2 tasks and the third finds none.
    let ds = place_many(
        3,
        &req,
        &index,
        &[],
        &[],
        &mut rng(1),
        &mut PlacementScratch::new(),
    );
    assert_eq!(ds.len(), 3);
    assert_eq!(
        ds[2].result.as_ref().unwrap_err().run_task_reason(),
        "RESOURCE:ENI"
    );
    apply(&mut index, InstanceIdx(0), &req);
    apply(&mut index, InstanceIdx(0), &req);
    assert_eq!(
        index.reserve(InstanceIdx(0), &req),
        Err(IndexError::DoesNotFit(InstanceIdx(0), ResourceKind::Eni))
    );
}

// §1.7 (DG:service-event-messages): the insufficient-memory event, word for word.
#[test]
fn insufficient_memory_failure_message_is_exactly_the_aws_text() {
    let index = cluster(vec![
        inst("a", "us-east-1a", 4096, 1024),
        inst("b", "us-east-1a", 4096, 2048),
    ]);
    let d = place1(
        &TaskRequirements::new("service:web", 256, 3072),
        &index,
        &[],
        &[],
    );
    let f = d.result.unwrap_err();
    // Both lack only memory; b has more of it left (2048 > 1024), so b is the closest match.
    assert_eq!(
        f.service_event_message("web"),
        "service web was unable to place a task because no container instance met all of its requirements. \
         The closest matching container-instance ci-b has insufficient memory available."
    );
    assert_eq!(f.run_task_reason(), "RESOURCE:MEMORY");
}

// §1.7: the CPU form; the closest match is the instance lacking the fewest resources.
#[test]
fn closest_match_is_the_instance_lacking_the_fewest_resources() {
    let index = cluster(vec![
        inst("a", "us-east-1a", 100, 100),
        inst("b", "us-east-1a", 100, 4096),
    ]);
    let f = place1(
        &TaskRequirements::new("service:web", 256, 512),
        &index,
        &[],
        &[],
    )
    .result
    .unwrap_err();
    // a lacks CPU and memory (2), b only CPU (1).
    assert_eq!(
        f.service_event_message("web"),
        "service web was unable to place a task because no container instance met all of its requirements. \
         The closest matching container-instance ci-b has insufficient CPU units available."
    );
}

// §1.3 DECIDED: instances without the spread attribute form one more group of their own.
#[test]
fn instances_missing_the_spread_attribute_form_their_own_group() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192).with_attribute("rack", "r1"),
        inst("b", "us-east-1a", 4096, 8192).with_attribute("rack", "r1"),
        inst("c", "us-east-1a", 4096, 8192),
    ]);
    let req = TaskRequirements::new("service:web", 256, 512);
    apply(&mut index, InstanceIdx(0), &req);
    // r1 has 1 task, "missing" 0: c is chosen.
    let s = [PlacementStrategy::parse("spread", Some("attribute:rack")).unwrap()];
    let d = place1(&req, &index, &[], &s);
    assert_eq!(ec2(&index, &d), "i-c");
    assert_eq!(
        d.explanation.steps[0].to_string(),
        "spread(attribute:rack) kept 1 instance (i-c) in (attribute missing) with 0 tasks of the group there."
    );
}

// §1.3 DECIDED: remaining ties are ordered by container-instance id and drawn from the seeded stream.
#[test]
fn ties_are_broken_by_the_seeded_rng_deterministically() {
    let index = cluster(
        (0..8)
            .map(|i| inst(&i.to_string(), "us-east-1a", 4096, 8192))
            .collect(),
    );
    let req = TaskRequirements::new("family:x", 256, 512);
    let choose = |seed| {
        place(
            &req,
            &index,
            &[],
            &[],
            &mut rng(seed),
            &mut PlacementScratch::new(),
        )
        .result
        .unwrap()
    };
    assert_eq!(choose(11), choose(11));
    assert!(
        (0..20).any(|seed| choose(seed) != choose(11)),
        "20 seeds all chose the same of 8 tied instances"
    );
    let d = place(
        &req,
        &index,
        &[],
        &[],
        &mut rng(11),
        &mut PlacementScratch::new(),
    );
    assert_eq!(d.explanation.steps.len(), 1);
    assert!(
        d.explanation.steps[0]
            .to_string()
            .starts_with("8 instances (i-0, i-1, i-2 and 5 more) tied;")
    );
}

// §1.2: the default RunTask strategy is random: it chooses among all candidates and says so.
#[test]
fn random_strategy_draws_among_all_candidates_and_ends_the_ranking() {
    let index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192),
        inst("b", "us-east-1a", 4096, 1024),
    ]);
    let s = [
        PlacementStrategy::Random,
        PlacementStrategy::Binpack(BinpackField::Memory),
    ];
    let d = place1(
        &TaskRequirements::new("family:x", 256, 512),
        &index,
        &[],
        &s,
    );
    assert_eq!(d.explanation.steps, vec![Step::Random { among: 2 }]);
}

// §3.1: the DAEMON scheduler places on each ACTIVE instance that satisfies the constraints.
#[test]
fn daemon_fit_check_reports_status_resources_and_constraints() {
    let mut index = cluster(vec![
        inst("a", "us-east-1a", 4096, 8192).with_attribute("tier", "gold"),
        inst("b", "us-east-1a", 4096, 256),
        inst("c", "us-east-1a", 4096, 8192),
    ]);
    index
        .set_status(InstanceIdx(2), InstanceStatus::Draining)
        .unwrap();
    let req = TaskRequirements::new("service:agent", 128, 512);
    let c = [member_of("attribute:tier == gold")];
    assert_eq!(index.fits(InstanceIdx(0), &req, &c), Ok(()));
    assert_eq!(
        index.fits(InstanceIdx(1), &req, &c),
        Err(Unfit::Resource(ResourceKind::Memory))
    );
    assert_eq!(
        index.fits(InstanceIdx(2), &req, &c),
        Err(Unfit::NotActive(InstanceStatus::Draining))
    );
    let mut bigger = index.clone();
    bigger.set_attribute(InstanceIdx(0), "tier", None).unwrap();
    assert_eq!(
        bigger.fits(InstanceIdx(0), &req, &c),
        Err(Unfit::Constraint("memberOf(attribute:tier == gold)".into()))
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn strategy_from(code: u8) -> Vec<PlacementStrategy> {
        match code % 5 {
            0 => default_service_strategies(),
            1 => PlacementTemplate::AzBalancedBinPack.expand().0,
            2 => vec![PlacementStrategy::Binpack(BinpackField::Cpu)],
            3 => default_run_task_strategies(),
            _ => vec![],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        // DESIGN.md tests: random clusters and tasks never over-commit CPU, memory, ports or ENIs.
        #[test]
        fn place_many_never_over_commits_cpu_memory_ports_or_enis(
            instances in prop::collection::vec((256u32..4096, 256u32..8192, 0u32..3, 0u8..3), 1..8),
            tasks in prop::collection::vec((1u32..1024, 1u32..2048, 0u16..3, 0u32..3, any::<bool>(), 1u32..6, any::<u8>()), 1..12),
            seed in any::<u64>(),
        ) {
            let mut index = cluster(instances.iter().enumerate().map(|(i, &(cpu, mem, eni, az))| {
                Candidate::new(&format!("ci-{i}"), &format!("i-{i}"), &format!("us-east-1{}", ['a', 'b', 'c'][az as usize]),
                    InstanceResources::new(cpu, mem, 0, eni))
            }).collect());
            let mut r = rng(seed);
            let mut scratch = PlacementScratch::new();
            let mut held: Vec<(InstanceIdx, TaskReservation)> = Vec::new();
            for (t, &(cpu, mem, port, dynamic, eni, count, strat)) in tasks.iter().enumerate() {
                let mut req = TaskRequirements::new(format!("family:t{}", t % 3), cpu, mem);
                if port > 0 { req.static_host_ports_tcp = vec![8000 + port]; }
                req.dynamic_host_ports_tcp = dynamic;
                req.needs_eni = eni;
                let c = if strat % 2 == 0 { vec![] } else { vec![PlacementConstraint::DistinctInstance] };
                for d in place_many(count, &req, &index, &c, &strategy_from(strat), &mut r, &mut scratch) {
                    let Ok(idx) = d.result else { break };
                    index.add_group_task(idx, &req.group).unwrap();
                    // reserve() re-checks the fit: an over-committing decision fails here.
                    let res = index.reserve(idx, &req);
                    prop_assert!(res.is_ok(), "decision {idx:?} does not fit: {res:?}");
                    held.push((idx, res.unwrap()));
                }
            }
            for (idx, c) in index.iter() {
                let mine: Vec<&TaskReservation> = held.iter().filter(|(i, _)| *i == idx).map(|(_, r)| r).collect();
                let cpu: u32 = mine.iter().map(|r| r.cpu_units).sum();
                let mem: u32 = mine.iter().map(|r| r.memory_mib).sum();
                let enis = mine.iter().filter(|r| r.eni).count() as u32;
                prop_assert!(cpu <= c.resources.registered_cpu_units());
                prop_assert!(mem <= c.resources.registered_memory_mib());
                prop_assert!(enis <= c.resources.eni_slots());
                prop_assert_eq!(c.resources.remaining_cpu_units(), c.resources.registered_cpu_units() - cpu);
                let mut ports: Vec<u16> = mine.iter().flat_map(|r| r.static_tcp.iter().chain(&r.dynamic_tcp).copied()).collect();
                let n = ports.len();
                ports.sort_unstable();
                ports.dedup();
                prop_assert_eq!(ports.len(), n, "a host port was bound twice");
                prop_assert!(ports.iter().all(|p| !ECS_RESERVED_PORTS_DEFAULT_TCP.contains(p)));
            }
        }
    }
}

// A deregistered instance leaves the index with its group counts; the scan order stays sorted by id.
#[test]
fn removed_instance_is_never_chosen_and_its_tasks_stop_counting() {
    let mut index = cluster(vec![
        inst("c", "us-east-1a", 4096, 8192),
        inst("a", "us-east-1b", 4096, 8192),
        inst("b", "us-east-1c", 4096, 8192),
    ]);
    let req = TaskRequirements::new("service:web", 256, 512);
    apply(&mut index, InstanceIdx(1), &req);
    let removed = index.remove(InstanceIdx(1)).unwrap();
    assert_eq!(&*removed.ec2_instance_id, "i-a");
    assert_eq!(index.group_task_count(InstanceIdx(1), "service:web"), 0);
    let ids: Vec<&str> = index
        .iter()
        .map(|(_, c)| &*c.container_instance_id)
        .collect();
    assert_eq!(ids, ["ci-b", "ci-c"]);
    let ds = place_many(
        4,
        &req,
        &index,
        &[],
        &default_service_strategies(),
        &mut rng(4),
        &mut PlacementScratch::new(),
    );
    assert!(ds.iter().all(|d| d.result != Ok(InstanceIdx(1))));
    // Zones a and c each get 2 of the 4 tasks.
    assert_eq!(
        az_counts(&index, &ds),
        [("us-east-1a".to_owned(), 2), ("us-east-1c".to_owned(), 2)]
    );
}
