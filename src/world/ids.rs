//! Typed indices into the world's arenas, and the AWS-shaped identifiers shown to users.
//!
//! Arenas are plain `Vec`s indexed by these newtypes, so iteration order is creation order and never depends
//! on hashing (DESIGN.md: no hash-order leaks). The user-facing ids (`i-…`, task ids) are derived from
//! creation counters, so they are stable across runs and readable in the results files.

macro_rules! arena_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The arena index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

arena_id!(
    /// A container instance (an EC2 instance launched by an Auto Scaling group).
    InstanceIdx
);
arena_id!(
    /// A task.
    TaskIdx
);
arena_id!(
    /// An ECS service.
    ServiceIdx
);
arena_id!(
    /// An Auto Scaling group.
    AsgIdx
);
arena_id!(
    /// A task definition revision.
    TaskDefIdx
);
arena_id!(
    /// An ALB target group.
    TargetGroupIdx
);
arena_id!(
    /// A task registered in a target group.
    TargetIdx
);
arena_id!(
    /// A deployment of a service, its index in `ServiceState::deployments` (the PRIMARY is the last).
    DeploymentIdx
);

/// The EC2 instance id of the `n`-th instance launched in a run: `i-` and 17 hex digits, as EC2 prints them.
pub fn ec2_instance_id(n: u32) -> String {
    format!("i-{:017x}", 0xec51_0000_0000_0000_u64 + u64::from(n))
}

/// The id of deployment `n` (0 for the one it was created with) of the `service`-th service: `ecs-svc/` and
/// 19 digits, as ECS prints deployment ids. Deterministic and unique in a run: the service's position in the
/// last nine digits, the deployment's in the nine before.
pub fn deployment_id(service: usize, n: usize) -> String {
    format!(
        "ecs-svc/{:019}",
        1_000_000_000_000_000_000u64 + n as u64 * 1_000_000_000 + service as u64 + 1
    )
}

/// The task id of the `n`-th task created in a run: 32 lowercase hex digits, as ECS prints task ids. It is
/// kept as the number and spelled out when shown (`Display`), so creating a task allocates no string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub u32);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:032x}",
            0x0ec5_0000_0000_0000_0000_0000_0000_0000_u128 + u128::from(self.0)
        )
    }
}

/// The task id of the `n`-th task created in a run, as a string (see [`TaskId`]).
pub fn task_id(n: u32) -> String {
    TaskId(n).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_aws_shapes_and_sort_in_creation_order() {
        assert_eq!(ec2_instance_id(1).len(), 19);
        assert!(ec2_instance_id(1).starts_with("i-0ec51"));
        assert_eq!(task_id(7).len(), 32);
        assert!(task_id(9) < task_id(10));
        assert!(ec2_instance_id(15) < ec2_instance_id(16));
        assert_eq!(deployment_id(0, 0), "ecs-svc/1000000000000000001");
        assert_eq!(deployment_id(2, 1), "ecs-svc/1000000001000000003");
        assert_eq!(deployment_id(0, 1).len(), "ecs-svc/".len() + 19);
    }
}
