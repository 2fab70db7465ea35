//! Capacity provider strategies (ECS-SEMANTICS §8.1): which provider each new task goes to.
//!
//! A strategy is a list of `{ capacity_provider, base, weight }`. The provider with a `base` gets tasks
//! first until it runs `base` of them; every task after that goes by `weight`. AWS's worked example: A
//! (base 2, weight 1) and B (weight 3) with 10 tasks give A = 2 + 2 and B = 6.
//!
//! How the weighted share rounds when the counts do not divide evenly is UNCONFIRMED; ecsim uses the
//! suggested model of §8.1: each task after the base goes to the provider with the smallest
//! `(tasks after the base + 1) / weight`, ties to the earlier provider in the list. Weight-0 providers get
//! no task beyond their base. The split counts the tasks a service already runs on each provider, so a
//! service that scales out keeps its proportions, and a replacement goes where the strategy wants it.
//!
//! [`split`] is pure and knows nothing about Fargate or instances; [`surplus_order`] says which provider
//! gives up a task first on scale-in (the one furthest above the share the strategy wants, a model: AWS
//! publishes no rule).

use crate::scenario::{CapacityProviderStrategyItem, LaunchTarget, LaunchType};

/// The launch type a launch target resolves to in this milestone: capacity provider strategies that name
/// only FARGATE / FARGATE_SPOT run on Fargate, others on the cluster's EC2 instances.
pub fn launch_type_of(target: &LaunchTarget) -> LaunchType {
    match target {
        LaunchTarget::LaunchType(lt) => *lt,
        LaunchTarget::CapacityProviderStrategy(items) => {
            if items
                .iter()
                .all(|i| i.capacity_provider.starts_with("FARGATE"))
            {
                LaunchType::Fargate
            } else {
                LaunchType::Ec2
            }
        }
    }
}

/// The provider (index into `items`) of each of `n` new tasks, given `current[i]` tasks already running on
/// provider `i` (for RunTask: all zero).
pub fn split(items: &[CapacityProviderStrategyItem], current: &[u32], n: u32) -> Vec<usize> {
    assert_eq!(items.len(), current.len(), "one count per provider");
    let mut counts = current.to_vec();
    let mut out = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let k = next_provider(items, &counts);
        counts[k] += 1;
        out.push(k);
    }
    out
}

/// The provider the next task goes to, given the tasks each provider runs.
fn next_provider(items: &[CapacityProviderStrategyItem], counts: &[u32]) -> usize {
    // The base is satisfied first (only one provider may set one, §8.1).
    if let Some(b) = items
        .iter()
        .enumerate()
        .position(|(i, item)| item.base > 0 && counts[i] < item.base)
    {
        return b;
    }
    let after_base = |i: usize| u64::from(counts[i].saturating_sub(items[i].base));
    let mut best: Option<usize> = None;
    for (i, item) in items.iter().enumerate() {
        if item.weight == 0 {
            continue;
        }
        // (after_i + 1) / w_i < (after_b + 1) / w_b, compared exactly.
        let better = best.is_none_or(|b| {
            (after_base(i) + 1) * u64::from(items[b].weight)
                < (after_base(b) + 1) * u64::from(item.weight)
        });
        if better {
            best = Some(i);
        }
    }
    // Validation guarantees a weight above 0; a base-only strategy keeps using its base provider.
    best.unwrap_or_else(|| items.iter().position(|i| i.base > 0).unwrap_or(0))
}

/// Providers in the order they should give up tasks on scale-in to `desired`: the furthest above the count
/// [`split`] would give `desired` tasks from zero first, ties to the later provider in the list (the last
/// one filled). Providers without tasks are left out.
pub fn surplus_order(
    items: &[CapacityProviderStrategyItem],
    current: &[u32],
    desired: u32,
) -> Vec<usize> {
    let zeros = vec![0; items.len()];
    let mut target = vec![0i64; items.len()];
    for k in split(items, &zeros, desired) {
        target[k] += 1;
    }
    let mut order: Vec<usize> = (0..items.len()).filter(|&i| current[i] > 0).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(i64::from(current[i]) - target[i]),
            std::cmp::Reverse(i),
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, base: u32, weight: u32) -> CapacityProviderStrategyItem {
        CapacityProviderStrategyItem {
            capacity_provider: name.into(),
            base,
            weight,
        }
    }

    fn totals(items: &[CapacityProviderStrategyItem], current: &[u32], n: u32) -> Vec<u32> {
        let mut t = current.to_vec();
        for k in split(items, current, n) {
            t[k] += 1;
        }
        t
    }

    // ECS-SEMANTICS §8.1 worked example: A (base 2, weight 1) and B (weight 3), desired 10 → A = 4, B = 6.
    #[test]
    fn base_first_then_weights_gives_the_worked_example_a4_b6() {
        let items = [item("A", 2, 1), item("B", 0, 3)];
        assert_eq!(totals(&items, &[0, 0], 10), vec![4, 6]);
        // The base is filled first: the first two tasks go to A.
        assert_eq!(&split(&items, &[0, 0], 10)[..2], &[0, 0]);
    }

    // §8.1: a provider with weight 0 gets no tasks beyond its base.
    #[test]
    fn weight_zero_provider_gets_no_tasks() {
        let items = [item("FARGATE", 0, 0), item("FARGATE_SPOT", 0, 1)];
        assert_eq!(totals(&items, &[0, 0], 7), vec![0, 7]);
        // The common "one on-demand task, the rest on spot" strategy.
        let items = [item("FARGATE", 1, 0), item("FARGATE_SPOT", 0, 1)];
        assert_eq!(totals(&items, &[0, 0], 5), vec![1, 4]);
    }

    // The split counts the tasks already running: scaling 6 → 10 gives the same totals as starting at 10,
    // and a lost task is replaced on its own provider.
    #[test]
    fn split_continues_from_the_tasks_already_running() {
        let items = [item("A", 2, 1), item("B", 0, 3)];
        let six = totals(&items, &[0, 0], 6);
        assert_eq!(totals(&items, &six, 4), vec![4, 6]);
        assert_eq!(split(&items, &[4, 5], 1), vec![1]);
        assert_eq!(split(&items, &[3, 6], 1), vec![0]);
    }

    // Ties go to the earlier provider in the list (§8.1 suggested model).
    #[test]
    fn equal_weights_alternate_starting_with_the_first_provider() {
        let items = [item("A", 0, 1), item("B", 0, 1)];
        assert_eq!(split(&items, &[0, 0], 4), vec![0, 1, 0, 1]);
    }

    // Scale-in takes from the provider furthest above its share.
    #[test]
    fn scale_in_takes_from_the_provider_furthest_above_its_share() {
        let items = [item("A", 2, 1), item("B", 0, 3)];
        // 10 → 6: the target is A = 3, B = 3 … A(2 base) + split of 4 → A 3, B 3.
        assert_eq!(totals(&items, &[0, 0], 6), vec![3, 3]);
        assert_eq!(surplus_order(&items, &[4, 6], 6), vec![1, 0]);
        assert_eq!(surplus_order(&items, &[5, 1], 6), vec![0, 1]);
    }
}
