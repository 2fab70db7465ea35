//! The per-task load model: what a task does with the requests routed to it (docs/model.md).
//!
//! Traffic is a fluid: a task receives a request *rate* λ (requests per second) that holds until the next
//! recomputation, never an event per request. Its app spends `cpu_per_request` of CPU time on each request,
//! on top of `idle_cpu` at rest, within a CPU cap:
//!
//! * a task-level `cpu` (and every Fargate task) is a hard cap;
//! * container-level `cpu` alone is a soft share: the task may use the instance's CPU that other tasks have
//!   not reserved (ECS-SEMANTICS §6.3: its service `CPUUtilization` can exceed 100 %).
//!
//! Its service rate is μ = (cap − idle) ÷ (CPU units per request). Requests queue as in an M/M/1 queue, whose
//! response time is exponential with rate μ − λ (mean 1 ÷ (μ − λ)). A task admits requests up to
//! [`SATURATION`] of μ; beyond that it is *saturated*: the excess is refused with a 5XX at once, and its
//! health checks, stuck behind the queue, time out (DECIDED: this is how overload cascades).

/// The utilisation at which a task is saturated (DECIDED model, docs/model.md): it admits requests up to
/// 95 % of its service rate, where the M/M/1 mean response time is 20 service times; beyond it refuses the
/// excess with a 5XX and its health checks time out.
pub const SATURATION: f64 = 0.95;

/// CPU units per vCPU.
const UNITS_PER_VCPU: f64 = 1024.0;

/// What a task can do: its CPU cap, what it uses at rest, and what one request costs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capacity {
    /// CPU units the task may use in all (its hard cap, or its soft share of the instance).
    pub cap_cpu_units: f64,
    /// CPU units its containers use at rest.
    pub idle_cpu_units: f64,
    /// CPU time per request, seconds of one vCPU.
    pub cpu_per_request_s: f64,
    /// Whether its app answers requests (RUNNING and started).
    pub answering: bool,
    /// Whether its app answers every request with an error (a broken release).
    pub broken: bool,
}

impl Capacity {
    /// μ: requests per second the task serves at 100 % of its cap.
    pub fn service_rate(&self) -> f64 {
        if !self.answering || self.cpu_per_request_s <= 0.0 {
            return if self.answering { f64::INFINITY } else { 0.0 };
        }
        let spare = (self.cap_cpu_units - self.idle_cpu_units).max(0.0);
        spare / (self.cpu_per_request_s * UNITS_PER_VCPU)
    }
}

/// What a task does with `offered` requests per second.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Served {
    /// Requests per second answered without error.
    pub ok: f64,
    /// Requests per second the task answered with a 5XX (refused when saturated, or a broken release).
    pub target_errors: f64,
    /// Requests per second that found no app answering (the ALB returns 502).
    pub unanswered: f64,
    /// The rate of the exponential response time of answered requests, 1/s (μ − admitted); infinite when a
    /// request costs no CPU.
    pub response_rate: f64,
    /// CPU units in use.
    pub cpu_units: f64,
    /// Whether the task is saturated (its health checks time out).
    pub saturated: bool,
}

/// The task's answer to `offered` requests per second.
pub fn serve(offered: f64, capacity: &Capacity) -> Served {
    let idle = capacity.idle_cpu_units;
    if !capacity.answering {
        return Served {
            unanswered: offered,
            cpu_units: idle,
            response_rate: f64::INFINITY,
            ..Served::default()
        };
    }
    let mu = capacity.service_rate();
    let limit = SATURATION * mu;
    let admitted = offered.min(limit);
    let refused = offered - admitted;
    let saturated = offered > 0.0 && offered >= limit;
    let cpu = idle + admitted * capacity.cpu_per_request_s * UNITS_PER_VCPU;
    let response_rate = if mu.is_infinite() {
        f64::INFINITY
    } else {
        mu - admitted
    };
    let (ok, target_errors) = if capacity.broken {
        (0.0, offered)
    } else {
        (admitted, refused)
    };
    Served {
        ok,
        target_errors,
        unanswered: 0.0,
        response_rate,
        cpu_units: cpu,
        saturated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vcpu(units: f64) -> Capacity {
        Capacity {
            cap_cpu_units: units,
            idle_cpu_units: 0.0,
            cpu_per_request_s: 0.010,
            answering: true,
            broken: false,
        }
    }

    // Issue 8's analytic case: 250 rps × 10 ms over 5 tasks of 1 vCPU with idle_cpu 0 is 50 rps a task,
    // half a vCPU: 50 % service CPU and no errors.
    #[test]
    fn fifty_rps_of_10ms_requests_use_half_a_vcpu_without_errors() {
        let s = serve(250.0 / 5.0, &vcpu(1024.0));
        assert_eq!(s.cpu_units, 512.0);
        assert_eq!(s.ok, 50.0);
        assert_eq!(s.target_errors, 0.0);
        assert!(!s.saturated);
        // M/M/1: μ = 100/s, λ = 50/s → mean response time 1/(μ − λ) = 20 ms.
        assert_eq!(s.response_rate, 50.0);
    }

    // docs/model.md: beyond 95 % of μ the excess is refused with 5XX and the task is saturated.
    #[test]
    fn requests_beyond_95_percent_of_capacity_fail_and_saturate_the_task() {
        let s = serve(150.0, &vcpu(1024.0));
        assert!((s.ok - 95.0).abs() < 1e-9);
        assert!((s.target_errors - 55.0).abs() < 1e-9);
        assert!(s.saturated);
        assert!((s.response_rate - 5.0).abs() < 1e-9);
        assert!((s.cpu_units - 0.95 * 1024.0).abs() < 1e-9);
    }

    // SPEC §3.6: idle CPU is used at rest and leaves less for requests.
    #[test]
    fn idle_cpu_is_used_at_rest_and_lowers_the_service_rate() {
        let mut c = vcpu(1024.0);
        c.idle_cpu_units = 512.0;
        assert_eq!(c.service_rate(), 50.0);
        assert_eq!(serve(0.0, &c).cpu_units, 512.0);
    }

    // SPEC §3.6 `fails_health_checks`: a broken release answers every request with a 5XX.
    #[test]
    fn a_broken_release_answers_every_request_with_an_error() {
        let mut c = vcpu(1024.0);
        c.broken = true;
        let s = serve(10.0, &c);
        assert_eq!((s.ok, s.target_errors), (0.0, 10.0));
    }

    // ECS-SEMANTICS §5.1 (DECIDED): requests sent to a target whose app is not answering fail (502).
    #[test]
    fn requests_to_an_app_not_answering_yet_go_unanswered() {
        let mut c = vcpu(1024.0);
        c.answering = false;
        c.idle_cpu_units = 10.0;
        let s = serve(7.0, &c);
        assert_eq!((s.ok, s.unanswered, s.cpu_units), (0.0, 7.0, 10.0));
    }
}
