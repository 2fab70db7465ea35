//! What the traffic controller sums: each target group's CloudWatch series and each service's account of
//! what its users got (docs/model.md §5), from the tasks' answers.

use crate::cloudwatch::{MetricId, MetricStore, keys};
use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::scenario::{Scenario, WorkloadTarget};
use crate::world::{ServiceIdx, TargetGroupIdx, World};

use super::Traffic;
use crate::workload::accounting::{Account, Source, latency_percentile};

/// A target group's series.
#[derive(Clone, Copy, Debug)]
pub(super) struct GroupSeries {
    requests: MetricId,
    elb_5xx: MetricId,
    target_5xx: MetricId,
    response_time: (MetricId, MetricId),
    healthy: MetricId,
    unhealthy: MetricId,
}

/// What users got from a service over the summary window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceOutcome {
    /// Requests offered.
    pub offered: f64,
    /// Requests answered without error.
    pub ok: f64,
    /// Requests that failed (5XX from the ALB or the task).
    pub errors: f64,
    /// Median response time of the answered requests, ms (`None` when none was answered).
    pub latency_p50_ms: Option<f64>,
    /// 99th percentile, ms.
    pub latency_p99_ms: Option<f64>,
}

/// Registers each target group's series in `store`.
pub(super) fn group_series(world: &World, store: &mut MetricStore) -> Vec<GroupSeries> {
    world
        .target_groups
        .iter()
        .enumerate()
        .map(|(i, tg)| {
            let g = TargetGroupIdx(i as u32);
            let id = &*tg.name;
            let requests = store.rate(
                keys::target_group("RequestCount", g),
                Scope::TargetGroup,
                id,
            );
            let healthy = store.gauge(
                keys::target_group("HealthyHostCount", g),
                Scope::TargetGroup,
                id,
            );
            store.per_unit(
                keys::target_group("RequestCountPerTarget", g),
                Scope::TargetGroup,
                id,
                requests,
                healthy,
            );
            let (_, num, den) = store.mean(
                keys::target_group("TargetResponseTime", g),
                Scope::TargetGroup,
                id,
            );
            GroupSeries {
                requests,
                elb_5xx: store.rate(
                    keys::target_group("HTTPCode_ELB_5XX_Count", g),
                    Scope::TargetGroup,
                    id,
                ),
                target_5xx: store.rate(
                    keys::target_group("HTTPCode_Target_5XX_Count", g),
                    Scope::TargetGroup,
                    id,
                ),
                response_time: (num, den),
                healthy,
                unhealthy: store.gauge(
                    keys::target_group("UnHealthyHostCount", g),
                    Scope::TargetGroup,
                    id,
                ),
            }
        })
        .collect()
}

/// Each service's account, with its `requests` and `error_requests` series when a workload aims at it.
pub(super) fn accounts(
    world: &World,
    scenario: &Scenario,
    store: &mut MetricStore,
) -> Vec<Account> {
    let mut accounts: Vec<Account> = scenario
        .services
        .iter()
        .map(|s| Account {
            sources: vec![Source::default(); s.load_balancers.len() + 1],
            ..Account::default()
        })
        .collect();
    for w in &scenario.workloads {
        let aimed: Vec<usize> = match w.target {
            WorkloadTarget::Service(s) => vec![s],
            WorkloadTarget::TargetGroup(tg) => world.target_groups[tg]
                .services
                .iter()
                .map(|s| s.index())
                .collect(),
        };
        for s in aimed {
            accounts[s].offered_any = true;
        }
    }
    for (s, account) in accounts.iter_mut().enumerate() {
        if account.offered_any {
            let name = &world.services[s].name;
            let idx = ServiceIdx(s as u32);
            account.requests =
                Some(store.rate(keys::service_traffic("requests", idx), Scope::Service, name));
            account.error_requests = Some(store.rate(
                keys::service_traffic("error_requests", idx),
                Scope::Service,
                name,
            ));
        }
    }
    accounts
}

impl Traffic {
    /// Group `g`'s series and its services' accounts, from its targets' shares.
    pub(super) fn aggregate_group(
        &mut self,
        now: SimTime,
        world: &World,
        cx: &Cx,
        store: &mut MetricStore,
        g: TargetGroupIdx,
    ) {
        let group = &world.target_groups[g.index()];
        let series = self.series[g.index()];
        let offered = self.group_offered[g.index()];
        // Reused buffers: each source's class list keeps its capacity from one recompute to the next.
        let mut sources = std::mem::take(&mut self.scratch_sources);
        sources.resize_with(group.services.len(), || (ServiceIdx(0), Source::default()));
        for (slot, &s) in sources.iter_mut().zip(&group.services) {
            slot.0 = s;
            slot.1.reset();
        }
        let (mut routed, mut elb_5xx, mut target_5xx, mut rt_num, mut rt_den) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        for &t in &group.targets {
            let target = &world.targets[t.index()];
            if target.rate <= 0.0 {
                continue;
            }
            routed += target.rate;
            let flow = &self.tasks[target.task.index()];
            // Most tasks are in one group only: their whole answer is this target's.
            let share = if flow.offered == target.rate {
                1.0
            } else {
                target.rate / flow.offered
            };
            let ok = flow.ok * share;
            let errors = flow.target_errors * share;
            let unanswered = flow.unanswered * share;
            target_5xx += errors;
            elb_5xx += unanswered;
            rt_num += flow.ok_seconds * share;
            rt_den += ok;
            if let Some(s) = world.task(target.task).service
                && let Some((_, src)) = sources.iter_mut().find(|(x, _)| *x == s)
            {
                src.offered += target.rate;
                src.ok += ok;
                src.errors += errors + unanswered;
                src.add_class(flow.bin, ok);
            }
        }
        // Requests no routable target took: the ALB answers 503, shared among the group's services.
        if routed == 0.0 && offered > 0.0 {
            elb_5xx += offered;
            let n = sources.len().max(1) as f64;
            for (_, src) in &mut sources {
                src.offered += offered / n;
                src.errors += offered / n;
            }
        }
        store.set(now, series.requests, offered);
        store.set(now, series.elb_5xx, elb_5xx);
        store.set(now, series.target_5xx, target_5xx);
        store.set(now, series.response_time.0, rt_num);
        store.set(now, series.response_time.1, rt_den);
        store.set(now, series.healthy, f64::from(group.counts.healthy));
        store.set(now, series.unhealthy, f64::from(group.counts.unhealthy));
        let spec = group.spec;
        for (s, src) in &sources {
            let slot = cx.scenario.services[s.index()]
                .load_balancers
                .iter()
                .position(|lb| lb.target_group == spec)
                .expect("the group is one of the service's load balancers");
            self.update_source(now, store, *s, slot, src);
        }
        self.scratch_sources = sources;
    }

    /// Service `s`'s direct traffic account.
    pub(super) fn aggregate_direct(
        &mut self,
        now: SimTime,
        store: &mut MetricStore,
        s: ServiceIdx,
    ) {
        let mut src = std::mem::take(&mut self.scratch_direct);
        src.reset();
        let offered = self.direct_offered[s.index()];
        src.offered = offered;
        for &t in &self.direct_tasks[s.index()] {
            let flow = &self.tasks[t.index()];
            if flow.offered <= 0.0 {
                continue;
            }
            let share = self.direct[t.index()] / flow.offered;
            let ok = flow.ok * share;
            src.ok += ok;
            src.errors += (flow.target_errors + flow.unanswered) * share;
            src.add_class(flow.bin, ok);
        }
        if self.direct_tasks[s.index()].is_empty() {
            src.errors = offered;
        }
        let slot = self.accounts[s.index()].sources.len() - 1;
        self.update_source(now, store, s, slot, &src);
        self.scratch_direct = src;
    }

    /// Replaces source `slot` of service `s`'s account at `now`, after integrating what held until then.
    fn update_source(
        &mut self,
        now: SimTime,
        store: &mut MetricStore,
        s: ServiceIdx,
        slot: usize,
        src: &Source,
    ) {
        let warmup = self.warmup;
        let account = &mut self.accounts[s.index()];
        account.advance(now, warmup);
        let old = &mut account.sources[slot];
        old.offered = src.offered;
        old.ok = src.ok;
        old.errors = src.errors;
        old.classes.clone_from(&src.classes);
        account.offered = account.sources.iter().map(|x| x.offered).sum();
        account.ok = account.sources.iter().map(|x| x.ok).sum();
        account.errors = account.sources.iter().map(|x| x.errors).sum();
        if let (Some(requests), Some(errors)) = (account.requests, account.error_requests) {
            store.set(now, requests, account.offered);
            store.set(now, errors, account.errors);
        }
    }

    /// What users got from service `s` over [warmup, `end`]; `None` when no workload aims at it.
    pub fn outcome(&mut self, s: ServiceIdx, end: SimTime) -> Option<ServiceOutcome> {
        let account = &mut self.accounts[s.index()];
        if !account.offered_any {
            return None;
        }
        account.advance(end, self.warmup);
        Some(ServiceOutcome {
            offered: account.offered_total,
            ok: account.ok_total,
            errors: account.errors_total,
            latency_p50_ms: latency_percentile(&account.latency, 0.50),
            latency_p99_ms: latency_percentile(&account.latency, 0.99),
        })
    }
}
