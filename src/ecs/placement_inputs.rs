//! A placement request and what placement reads for it — the task's requirements with its group, the constraints in force and
//! the strategies — derived once per service and task definition and kept.
//!
//! A service places, dry-runs (AZ rebalancing) and checks constraints (DAEMON, usable zones) again and again
//! with the same inputs; building them each time cloned the task definition's requirements and every
//! constraint's expression tree, several allocations per event (STYLE.md §14). A service's inputs are
//! rebuilt only when its task definition changes (a new deployment). RunTask requests, which may name any
//! group and placement, are built fresh each time into one reused slot.

use crate::kernel::Cx;
use crate::placement::{self, PlacementConstraint, PlacementStrategy, TaskRequirements};
use crate::scenario::Placement;
use crate::world::{ServiceIdx, TaskDefIdx, World};

/// Which default applies when the user gave no strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultPlacement {
    /// Service default: spread across zones, then fewest tasks of the service (ECS-SEMANTICS §1.4).
    Service,
    /// RunTask default: random (ECS-SEMANTICS §1.2).
    RunTask,
}

/// What to place: a task definition as a group, with the caller's placement fields, optionally confined to
/// one Availability Zone (AZ rebalancing starts tasks in the zone that lacks them, ECS-SEMANTICS §3.5).
#[derive(Clone, Copy, Debug)]
pub struct PlacementRequest<'a> {
    /// The task definition.
    pub td: TaskDefIdx,
    /// The task group (`service:<name>`, `family:<family>`).
    pub group: &'a str,
    /// Strategies and constraints as the user wrote them.
    pub placement: &'a Placement,
    /// The default when no strategy is given.
    pub default: DefaultPlacement,
    /// Only instances in this zone.
    pub zone: Option<&'a str>,
    /// The service placing, if any: its inputs are kept between requests (the fields above must then be
    /// the service's own), and on Fargate its active tasks balance zones and providers.
    pub service: Option<ServiceIdx>,
}

/// The strategies in force: the user's, or the default for services or RunTask when there are none.
pub fn strategies(placement: &Placement, default: DefaultPlacement) -> Vec<PlacementStrategy> {
    // An empty list (none given, or a template such as "One Task Per Host" that only adds a constraint)
    // means the default for services or RunTask.
    if !placement.strategy.is_empty() {
        placement.strategy.clone()
    } else {
        match default {
            DefaultPlacement::Service => placement::default_service_strategies(),
            DefaultPlacement::RunTask => placement::default_run_task_strategies(),
        }
    }
}

/// The constraints in force: the task definition's plus the service's or RunTask's. A task definition that
/// states `runtimePlatform.cpuArchitecture` runs only on instances of that architecture: ecsim adds the
/// implicit `memberOf(attribute:ecs.cpu-architecture == arm64)` for ARM64 and `… == x86_64` for X86_64, as
/// ECS adds the `ecs.cpu-architecture` required attribute; an omitted platform adds nothing.
pub fn constraints(cx: &Cx, td: TaskDefIdx, placement: &Placement) -> Vec<PlacementConstraint> {
    let def = &cx.scenario.task_definitions[td.index()];
    let mut all = def.placement_constraints.clone();
    if let Some(arch) = def.runtime_platform.cpu_architecture {
        let expression = format!("attribute:ecs.cpu-architecture == {}", arch.as_str());
        let required = crate::query::parse(&expression).expect("a valid expression");
        all.push(PlacementConstraint::MemberOf(required));
    }
    all.extend(placement.constraints.iter().cloned());
    all
}

/// The inputs of one placement request.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The task's requirements, with its group.
    pub req: TaskRequirements,
    /// The constraints in force (the task definition's, the implicit architecture one, the caller's and,
    /// for a request confined to a zone, that zone's `memberOf`).
    pub constraints: Vec<PlacementConstraint>,
    /// The strategies in force (the caller's or the default).
    pub strategies: Vec<PlacementStrategy>,
}

impl Inputs {
    fn build(world: &World, cx: &Cx, request: &PlacementRequest<'_>) -> Inputs {
        let mut req = world.taskdefs[request.td.index()].requirements.clone();
        req.group = request.group.to_string();
        let mut constraints = constraints(cx, request.td, request.placement);
        constraints.extend(request.zone.map(zone_constraint));
        Inputs {
            req,
            constraints,
            strategies: strategies(request.placement, request.default),
        }
    }
}

/// `memberOf(attribute:ecs.availability-zone == <zone>)`.
fn zone_constraint(zone: &str) -> PlacementConstraint {
    let expression = format!(
        "attribute:{} == {zone}",
        placement::AVAILABILITY_ZONE_ATTRIBUTE
    );
    PlacementConstraint::MemberOf(crate::query::parse(&expression).expect("a zone name parses"))
}

/// One service's inputs for the task definition they were built for.
#[derive(Debug)]
struct ServiceInputs {
    td: TaskDefIdx,
    /// Anywhere.
    anywhere: Inputs,
    /// Confined to the cluster's zone `k` (built on first use).
    in_zone: Vec<Option<Inputs>>,
    /// The constraints without `distinctInstance` (DAEMON checks and the zones a service can use).
    without_distinct: Vec<PlacementConstraint>,
}

/// The inputs of every service, and a slot for RunTask's.
#[derive(Debug, Default)]
pub struct InputCache {
    services: Vec<Option<ServiceInputs>>,
    fresh: Inputs,
}

impl InputCache {
    /// The inputs of `request`: a service's kept ones when `request.service` is set (its placement fields
    /// must then be the service's), else built now.
    pub fn for_request(
        &mut self,
        world: &World,
        cx: &Cx,
        request: &PlacementRequest<'_>,
    ) -> &Inputs {
        let Some(s) = request.service else {
            self.fresh = Inputs::build(world, cx, request);
            return &self.fresh;
        };
        debug_assert!(
            request.default == DefaultPlacement::Service
                && std::ptr::eq(
                    request.placement,
                    &cx.scenario.services[s.index()].placement
                )
                && request.td == world.services[s.index()].task_definition(),
            "a service's request carries the service's own placement and task definition"
        );
        let zones = &cx.scenario.cluster.availability_zones;
        let zone = match request.zone {
            None => None,
            Some(z) => match zones.iter().position(|name| name == z) {
                Some(k) => Some(k),
                // A zone the cluster does not list: nothing to keep it under.
                None => {
                    self.fresh = Inputs::build(world, cx, request);
                    return &self.fresh;
                }
            },
        };
        let kept = self.service(world, cx, s);
        match zone {
            None => &kept.anywhere,
            Some(k) => kept.in_zone[k].get_or_insert_with(|| Inputs::build(world, cx, request)),
        }
    }

    /// Service `s`'s requirements (with its group) and its constraints without `distinctInstance` (see
    /// [`InputCache::constraints_without_distinct`]): what a DAEMON task needs of one instance.
    pub fn daemon_inputs(
        &mut self,
        world: &World,
        cx: &Cx,
        s: ServiceIdx,
    ) -> (&TaskRequirements, &[PlacementConstraint]) {
        let kept = self.service(world, cx, s);
        (&kept.anywhere.req, &kept.without_distinct)
    }

    /// Service `s`'s constraints without `distinctInstance`: for a DAEMON service, `distinctInstance` is what
    /// DAEMON scheduling already guarantees (one task per instance), so it is dropped rather than letting
    /// the daemon's own task rule its instance out; for the zones a REPLICA service can use, it says nothing
    /// about a zone.
    pub fn constraints_without_distinct(
        &mut self,
        world: &World,
        cx: &Cx,
        s: ServiceIdx,
    ) -> &[PlacementConstraint] {
        &self.service(world, cx, s).without_distinct
    }

    fn service(&mut self, world: &World, cx: &Cx, s: ServiceIdx) -> &mut ServiceInputs {
        let td = world.services[s.index()].task_definition();
        if self.services.len() <= s.index() {
            self.services
                .resize_with(world.services.len().max(s.index() + 1), || None);
        }
        let slot = &mut self.services[s.index()];
        if slot.as_ref().is_none_or(|kept| kept.td != td) {
            let spec = &cx.scenario.services[s.index()];
            let request = PlacementRequest {
                td,
                group: &world.services[s.index()].group,
                placement: &spec.placement,
                default: DefaultPlacement::Service,
                zone: None,
                service: Some(s),
            };
            let anywhere = Inputs::build(world, cx, &request);
            let mut without_distinct = anywhere.constraints.clone();
            without_distinct.retain(|c| !matches!(c, PlacementConstraint::DistinctInstance));
            *slot = Some(ServiceInputs {
                td,
                anywhere,
                in_zone: vec![None; cx.scenario.cluster.availability_zones.len()],
                without_distinct,
            });
        }
        slot.as_mut().expect("kept just above")
    }
}
