//! Tests of the cluster query language (ECS-SEMANTICS §1.6, §14): semantics here, errors in
//! `errors.rs`, canonical printing and properties in `printing.rs`.

use super::*;

mod errors;
mod printing;

/// A container instance as the tests see it.
pub(super) struct Instance {
    attributes: Vec<(&'static str, &'static str)>,
    task_groups: Vec<&'static str>,
    agent_connected: bool,
    ec2_instance_id: &'static str,
    agent_version: &'static str,
    registered_at_unix_ms: i64,
}

/// 2018-06-18T22:28:28Z
const REGISTERED_AT_UNIX_MS: i64 = 1_529_360_908_000;

impl Instance {
    pub(super) fn new() -> Instance {
        Instance {
            attributes: vec![
                ("ecs.instance-type", "t2.small"),
                ("ecs.availability-zone", "us-east-1a"),
                ("ecs.os-type", "linux"),
                ("ecs.cpu-architecture", "x86_64"),
                ("stack", "prod"),
                ("memory-gib", "10"),
            ],
            task_groups: vec!["service:web", "family:nginx"],
            agent_connected: true,
            ec2_instance_id: "i-abcd1234",
            agent_version: "1.10.0",
            registered_at_unix_ms: REGISTERED_AT_UNIX_MS,
        }
    }

    fn with_attribute(mut self, name: &'static str, value: &'static str) -> Instance {
        self.attributes.retain(|(n, _)| *n != name);
        self.attributes.push((name, value));
        self
    }

    fn with_groups(mut self, groups: &[&'static str]) -> Instance {
        self.task_groups = groups.to_vec();
        self
    }
}

impl InstanceView for Instance {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        self.task_groups.iter().any(|g| f(g))
    }
    fn agent_connected(&self) -> bool {
        self.agent_connected
    }
    fn ec2_instance_id(&self) -> &str {
        self.ec2_instance_id
    }
    fn agent_version(&self) -> &str {
        self.agent_version
    }
    fn running_tasks_count(&self) -> u32 {
        self.task_groups.len() as u32
    }
    fn registered_at_unix_ms(&self) -> i64 {
        self.registered_at_unix_ms
    }
}

/// Parses `src` (which must be valid) and evaluates it against `instance`.
fn eval(src: &str, instance: &Instance) -> bool {
    match parse(src) {
        Ok(expr) => expr.matches(instance),
        Err(err) => panic!("{src:?} should parse:\n{}", err.render(src)),
    }
}

/// Asserts that every expression in `cases` evaluates as given on the default instance.
fn assert_cases(cases: &[(&str, bool)]) {
    let instance = Instance::new();
    for &(src, expected) in cases {
        assert_eq!(eval(src, &instance), expected, "{src}");
    }
}

pub(super) fn parse_err(src: &str) -> QueryError {
    match parse(src) {
        Ok(expr) => panic!("{src:?} should not parse, got {expr}"),
        Err(err) => err,
    }
}

// ---------------------------------------------------------------------------------------------------
// Operators (ECS-SEMANTICS §1.6, operator table).

#[test]
fn equals_is_string_equality_in_symbol_and_word_form() {
    assert_cases(&[
        ("attribute:ecs.instance-type == t2.small", true),
        ("attribute:ecs.instance-type == t2.medium", false),
        ("attribute:ecs.instance-type equals t2.small", true),
        ("attribute:ecs.instance-type equals T2.small", false),
        // String equality: "10" is not "10.0" even though both are numbers.
        ("attribute:memory-gib == 10.0", false),
    ]);
}

#[test]
fn not_equals_is_string_inequality_in_symbol_and_word_form() {
    assert_cases(&[
        ("attribute:ecs.instance-type != t2.small", false),
        ("attribute:ecs.instance-type != t2.medium", true),
        ("attribute:ecs.instance-type not_equals t2.small", false),
        ("attribute:ecs.instance-type not_equals t2.medium", true),
    ]);
}

#[test]
fn ordering_operators_hold_exactly_where_they_should() {
    assert_cases(&[
        ("attribute:memory-gib > 9", true),
        ("attribute:memory-gib > 10", false),
        ("attribute:memory-gib greater_than 9", true),
        ("attribute:memory-gib >= 10", true),
        ("attribute:memory-gib >= 11", false),
        ("attribute:memory-gib greater_than_equal 10", true),
        ("attribute:memory-gib < 11", true),
        ("attribute:memory-gib < 10", false),
        ("attribute:memory-gib less_than 11", true),
        ("attribute:memory-gib <= 10", true),
        ("attribute:memory-gib <= 9.5", false),
        ("attribute:memory-gib less_than_equal 10", true),
    ]);
}

// ECS-SEMANTICS §1.6 DECIDED: numeric when both sides are numbers, lexical otherwise.
#[test]
fn ordering_is_numeric_when_both_sides_are_numbers_and_lexical_otherwise() {
    assert_cases(&[
        // Numerically 10 > 9; lexically "10" < "9".
        ("attribute:memory-gib > 9", true),
        ("attribute:memory-gib < 9", false),
        ("attribute:memory-gib > -3.5", true),
        // One side is not a number: byte order, where "10" < "1e1" because '0' < 'e'.
        ("attribute:memory-gib < 1e1", true),
        ("attribute:ecs.availability-zone < us-east-1b", true),
        ("attribute:ecs.availability-zone > us-east-1", true),
        ("attribute:ecs.availability-zone >= us-east-1a", true),
    ]);
}

#[test]
fn exists_and_not_exists_test_presence() {
    assert_cases(&[
        ("attribute:stack exists", true),
        ("attribute:color exists", false),
        ("attribute:stack !exists", false),
        ("attribute:color !exists", true),
        ("attribute:stack not_exists", false),
        ("attribute:color not_exists", true),
    ]);
}

#[test]
fn in_and_not_in_test_list_membership() {
    assert_cases(&[
        (
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            true,
        ),
        (
            "attribute:ecs.availability-zone in [us-east-1b, us-east-1c]",
            false,
        ),
        (
            "attribute:ecs.availability-zone !in [us-east-1a, us-east-1b]",
            false,
        ),
        ("attribute:ecs.availability-zone !in [us-east-1c]", true),
        ("attribute:ecs.availability-zone not_in [us-east-1c]", true),
        (
            "attribute:ecs.availability-zone not_in ['us-east-1a']",
            false,
        ),
    ]);
}

// ECS-SEMANTICS §1.6 DECIDED: Java matches(), the whole value must match.
#[test]
fn matches_requires_the_whole_value_to_match() {
    assert_cases(&[
        ("attribute:ecs.instance-type =~ t2.*", true),
        ("attribute:ecs.instance-type =~ t2", false),
        ("attribute:ecs.instance-type =~ small", false),
        (
            "attribute:ecs.instance-type matches '(t2|m4)\\.small'",
            true,
        ),
        // Both alternatives are anchored, not only the first and last.
        ("attribute:ecs.instance-type =~ t2.sm|m4.large", false),
        ("attribute:ecs.instance-type =~ x|t2.small", true),
        ("attribute:ecs.instance-type !~ t2.*", false),
        ("attribute:ecs.instance-type !~ m4.*", true),
        ("attribute:ecs.instance-type not_matches m4.*", true),
        ("attribute:ecs.instance-type not_matches 't2.small'", false),
    ]);
}

// ---------------------------------------------------------------------------------------------------
// DECIDED: missing attribute.

// ECS-SEMANTICS §1.6 DECIDED: a missing attribute makes every positive operator false and every
// negation true.
#[test]
fn a_missing_attribute_makes_every_positive_operator_false_and_every_negation_true() {
    let positive = [
        "attribute:color == red",
        "attribute:color > a",
        "attribute:color >= a",
        "attribute:color < z",
        "attribute:color <= z",
        "attribute:color exists",
        "attribute:color in [red, blue]",
        "attribute:color =~ .*",
    ];
    let negative = [
        "attribute:color != red",
        "attribute:color !exists",
        "attribute:color !in [red, blue]",
        "attribute:color !~ .*",
    ];
    let instance = Instance::new();
    for src in positive {
        assert!(!eval(src, &instance), "{src}");
    }
    for src in negative {
        assert!(eval(src, &instance), "{src}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Subjects.

// ECS-SEMANTICS §1.6 DECIDED: a positive operator on task:group holds if any RUNNING task's group
// satisfies it; each negation is the negation of its positive form.
#[test]
fn task_group_holds_if_any_running_task_matches_and_negations_mean_none_does() {
    assert_cases(&[
        ("task:group == service:web", true),
        ("task:group == family:nginx", true),
        ("task:group == service:db", false),
        ("task:group != service:db", true),
        // Another task's group differs, but != means "no task has this group".
        ("task:group != service:web", false),
        ("task:group in [service:db, family:nginx]", true),
        ("task:group !in [service:db, family:nginx]", false),
        ("task:group =~ service:.*", true),
        ("task:group !~ service:.*", false),
        ("task:group exists", true),
        ("task:group !exists", false),
        ("not(task:group == database)", true),
    ]);
    let empty = Instance::new().with_groups(&[]);
    assert!(!eval("task:group exists", &empty));
    assert!(eval("task:group !exists", &empty));
    assert!(eval("task:group != service:web", &empty));
    assert!(!eval("task:group =~ .*", &empty));
}

#[test]
fn agent_connected_compares_as_true_or_false() {
    assert_cases(&[
        ("agentConnected == true", true),
        ("agentConnected == false", false),
        ("agentConnected != true", false),
        ("agentConnected in [false, true]", true),
        ("agentConnected !in [false]", true),
        ("agentConnected =~ t.*", true),
        ("agentConnected !~ t.*", false),
    ]);
    let mut disconnected = Instance::new();
    disconnected.agent_connected = false;
    assert!(eval("agentConnected == false", &disconnected));
    let err = parse_err("agentConnected == yes");
    assert_eq!((err.offset, err.len), (18, 3));
    assert_eq!(
        err.message,
        "agentConnected is `true` or `false`, not `yes`"
    );
}

#[test]
fn ec2_instance_id_supports_equality_lists_and_regexes() {
    assert_cases(&[
        ("ec2InstanceId == i-abcd1234", true),
        ("ec2InstanceId != i-abcd1234", false),
        ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true),
        ("ec2InstanceId not_in ['i-abcd1234', 'i-wxyx7890']", false),
        ("ec2InstanceId =~ i-abcd.*", true),
        ("ec2InstanceId !~ i-abcd.*", false),
    ]);
}

// ECS-SEMANTICS §1.6 DECIDED: agentVersion orders as versions.
#[test]
fn agent_version_orders_as_versions_not_as_text() {
    assert_cases(&[
        // Lexically "1.10.0" < "1.9.0"; as versions it is greater.
        ("agentVersion > 1.9.0", true),
        ("agentVersion < 1.9.0", false),
        ("agentVersion >= 1.10", true),
        ("agentVersion <= 1.10.0", true),
        ("agentVersion < 1.10.1", true),
        ("agentVersion greater_than 2", false),
        // Equality is string equality.
        ("agentVersion == 1.10.0", true),
        ("agentVersion == 1.10", false),
        ("agentVersion != 1.10.0", false),
    ]);
    // A side that is not a version falls back to byte order.
    let odd = Instance {
        agent_version: "1.10.0-beta",
        ..Instance::new()
    };
    assert!(!eval("agentVersion > 1.9.0", &odd));
}

#[test]
fn running_tasks_count_compares_numbers() {
    // The default instance runs two tasks.
    assert_cases(&[
        ("runningTasksCount == 2", true),
        ("runningTasksCount == 02", true),
        ("runningTasksCount != 2", false),
        ("runningTasksCount > 1", true),
        ("runningTasksCount > 10", false),
        ("runningTasksCount >= 2", true),
        ("runningTasksCount < 10", true),
        ("runningTasksCount <= 1", false),
    ]);
    let err = parse_err("runningTasksCount > two");
    assert_eq!((err.offset, err.len), (20, 3));
    assert_eq!(
        err.message,
        "runningTasksCount is compared with a whole number, not `two`"
    );
}

// ECS-SEMANTICS §1.6: registeredAt formats `+00:00`, `Z`, no zone and a bare date.
#[test]
fn registered_at_compares_instants_in_every_documented_format() {
    assert_cases(&[
        ("registeredAt == 2018-06-18T22:28:28+00:00", true),
        ("registeredAt == 2018-06-18T22:28:28Z", true),
        ("registeredAt == 2018-06-18T22:28:28", true),
        ("registeredAt == 2018-06-19T00:28:28+02:00", true),
        ("registeredAt == 2018-06-18", false),
        ("registeredAt > 2018-06-18", true),
        ("registeredAt < 2018-06-19", true),
        ("registeredAt >= 2018-06-18T22:28:28Z", true),
        ("registeredAt <= 2018-06-18T22:28:27Z", false),
        ("registeredAt != 2018-06-18T22:28:28Z", false),
    ]);
    let err = parse_err("registeredAt < 2018-02-30");
    assert_eq!((err.offset, err.len), (15, 10));
    assert_eq!(
        err.message,
        "`2018-02-30` is not a valid registeredAt instant"
    );
}

// ---------------------------------------------------------------------------------------------------
// Compound expressions.

// Module docs: not > and > or.
#[test]
fn and_binds_tighter_than_or() {
    // a: true, b: true, c: false. a or (b and c) = true; (a or b) and c = false.
    let src =
        "attribute:stack == prod or attribute:ecs.os-type == linux and attribute:stack == dev";
    assert!(eval(src, &Instance::new()));
    assert!(!eval(
        "(attribute:stack == prod or attribute:ecs.os-type == linux) and attribute:stack == dev",
        &Instance::new()
    ));
    assert!(eval(
        "attribute:stack == dev && attribute:stack == prod || attribute:ecs.os-type == linux",
        &Instance::new()
    ));
}

#[test]
fn not_binds_tighter_than_and() {
    // (not false) and false = false; not (false and false) = true.
    let instance = Instance::new();
    assert!(!eval(
        "not attribute:stack == dev and attribute:stack == qa",
        &instance
    ));
    assert!(eval(
        "not (attribute:stack == dev and attribute:stack == qa)",
        &instance
    ));
    assert!(!eval("! attribute:stack == prod", &instance));
    assert!(eval("!!attribute:stack == prod", &instance));
    assert_eq!(
        parse("not attribute:a == x and attribute:b == y or attribute:c == z")
            .unwrap()
            .to_string(),
        "not(attribute:a == x) and attribute:b == y or attribute:c == z"
    );
}

// ECS-SEMANTICS §14: memberOf by instance type puts every task on the g2.2xlarge instances.
#[test]
fn section_14_instance_type_expression_selects_only_g2_instances() {
    let expr = parse("attribute:ecs.instance-type == g2.2xlarge").unwrap();
    let g2 = Instance::new().with_attribute("ecs.instance-type", "g2.2xlarge");
    let t2 = Instance::new();
    assert!(expr.matches(&g2));
    assert!(!expr.matches(&t2));
    assert!(!expr.depends_on_tasks());
}

// ECS-SEMANTICS §14: t2.small or t2.medium, and not in us-east-1d.
#[test]
fn section_14_type_and_zone_expression_excludes_us_east_1d_and_other_types() {
    let expr = parse(
        "(attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == t2.medium) \
         and attribute:ecs.availability-zone != us-east-1d",
    )
    .unwrap();
    let small_a = Instance::new();
    let medium_b = Instance::new()
        .with_attribute("ecs.instance-type", "t2.medium")
        .with_attribute("ecs.availability-zone", "us-east-1b");
    let small_d = Instance::new().with_attribute("ecs.availability-zone", "us-east-1d");
    let large_a = Instance::new().with_attribute("ecs.instance-type", "t2.large");
    assert!(expr.matches(&small_a));
    assert!(expr.matches(&medium_b));
    assert!(!expr.matches(&small_d));
    assert!(!expr.matches(&large_a));
}

#[test]
fn depends_on_tasks_is_true_only_with_task_group_or_running_tasks_count() {
    assert!(
        !parse("attribute:a == b and agentConnected == true")
            .unwrap()
            .depends_on_tasks()
    );
    assert!(
        !parse("registeredAt > 2018-06-18 or agentVersion > 1.0")
            .unwrap()
            .depends_on_tasks()
    );
    assert!(
        parse("attribute:a == b or not(task:group == db)")
            .unwrap()
            .depends_on_tasks()
    );
    assert!(
        parse("attribute:a == b and runningTasksCount == 0")
            .unwrap()
            .depends_on_tasks()
    );
}
