//! Evaluation of a parsed expression against one instance (ECS-SEMANTICS §1.6).
//!
//! Every negative operator is evaluated as the negation of its positive form, so the DECIDED rule
//! "a missing attribute makes every positive operator false, so `!=`, `!in`, `!~` and `!exists` are
//! true" holds by construction, and for `task:group` the negative forms mean "no running task's group
//! satisfies the positive form". Nothing here allocates: values were prepared by the parser.

use std::cmp::Ordering;

use super::InstanceView;
use super::parser::{
    Argument, Condition, Node, Operator, Subject, Value, parse_number, parse_version_component,
};

impl Node {
    pub(crate) fn eval(&self, instance: &dyn InstanceView) -> bool {
        match self {
            Node::Or(children) => children.iter().any(|c| c.eval(instance)),
            Node::And(children) => children.iter().all(|c| c.eval(instance)),
            Node::Not(inner) => !inner.eval(instance),
            Node::Cond(cond) => cond.eval(instance),
        }
    }

    /// True if any condition looks at the tasks on the instance.
    pub(crate) fn depends_on_tasks(&self) -> bool {
        match self {
            Node::Or(children) | Node::And(children) => children.iter().any(Node::depends_on_tasks),
            Node::Not(inner) => inner.depends_on_tasks(),
            Node::Cond(cond) => matches!(
                cond.subject,
                Subject::TaskGroup | Subject::RunningTasksCount
            ),
        }
    }
}

/// How `> >= < <=` compare for a subject.
#[derive(Clone, Copy)]
enum Ordered {
    /// Numerically when both sides are numbers, lexically otherwise (attributes).
    NumberOrText,
    /// As versions when both sides are versions, lexically otherwise (`agentVersion`).
    VersionOrText,
}

impl Condition {
    fn eval(&self, instance: &dyn InstanceView) -> bool {
        let positive = self.eval_positive(instance);
        if self.op.is_negated() {
            !positive
        } else {
            positive
        }
    }

    /// The positive form of the operator (`!=` evaluated as `==`, and so on).
    fn eval_positive(&self, instance: &dyn InstanceView) -> bool {
        match &self.subject {
            Subject::Attribute(name) => match instance.attribute(name) {
                Some(actual) => self.test_text(actual, Ordered::NumberOrText),
                None => false,
            },
            Subject::TaskGroup => {
                instance.any_task_group(&mut |group| self.test_text(group, Ordered::NumberOrText))
            }
            Subject::AgentConnected => {
                let actual = if instance.agent_connected() {
                    "true"
                } else {
                    "false"
                };
                self.test_text(actual, Ordered::NumberOrText)
            }
            Subject::Ec2InstanceId => {
                self.test_text(instance.ec2_instance_id(), Ordered::NumberOrText)
            }
            Subject::AgentVersion => {
                self.test_text(instance.agent_version(), Ordered::VersionOrText)
            }
            Subject::RunningTasksCount => {
                let actual = f64::from(instance.running_tasks_count());
                self.test_ordering(|v| v.number.and_then(|n| actual.partial_cmp(&n)))
            }
            Subject::RegisteredAt => {
                let actual = instance.registered_at_unix_ms();
                self.test_ordering(|v| v.instant_unix_ms.map(|ms| actual.cmp(&ms)))
            }
        }
    }

    /// Positive operators on a textual actual value.
    fn test_text(&self, actual: &str, ordered: Ordered) -> bool {
        match (&self.arg, self.op) {
            (Argument::None, _) => true, // exists: the value is there
            (Argument::Value(v), Operator::Eq | Operator::Ne) => actual == v.text,
            (Argument::Value(v), op) => holds(op, compare_text(actual, v, ordered)),
            (Argument::List(values), _) => values.iter().any(|v| actual == v.text),
            (Argument::Regex(p), _) => p.anchored.is_match(actual),
        }
    }

    /// Positive operators on a typed actual value (`runningTasksCount`, `registeredAt`): `cmp` orders
    /// the actual value against a prepared value.
    fn test_ordering(&self, cmp: impl Fn(&Value) -> Option<Ordering>) -> bool {
        match &self.arg {
            Argument::Value(v) => match cmp(v) {
                Some(ordering) if matches!(self.op, Operator::Eq | Operator::Ne) => {
                    ordering == Ordering::Equal
                }
                Some(ordering) => holds(self.op, ordering),
                None => false,
            },
            // The parser only allows `== != > >= < <=` with these subjects.
            Argument::None | Argument::List(_) | Argument::Regex(_) => false,
        }
    }
}

/// Whether an ordering operator holds given `actual.cmp(expected)`.
fn holds(op: Operator, ordering: Ordering) -> bool {
    match op {
        Operator::Gt => ordering == Ordering::Greater,
        Operator::Ge => ordering != Ordering::Less,
        Operator::Lt => ordering == Ordering::Less,
        Operator::Le => ordering != Ordering::Greater,
        _ => ordering == Ordering::Equal,
    }
}

/// ECS-SEMANTICS §1.6 (DECIDED): numeric when both are numbers, versions for `agentVersion`, lexical
/// (byte order) otherwise.
fn compare_text(actual: &str, expected: &Value, ordered: Ordered) -> Ordering {
    match ordered {
        Ordered::NumberOrText => {
            if let (Some(a), Some(e)) = (parse_number(actual), expected.number)
                && let Some(ordering) = a.partial_cmp(&e)
            {
                return ordering;
            }
        }
        Ordered::VersionOrText => {
            if let Some(e) = &expected.version
                && let Some(ordering) = compare_versions(actual, e)
            {
                return ordering;
            }
        }
    }
    actual.as_bytes().cmp(expected.text.as_bytes())
}

/// Compares a version string with parsed components, treating missing components as 0; `None` if
/// `actual` is not a version. Does not allocate.
fn compare_versions(actual: &str, expected: &[u64]) -> Option<Ordering> {
    // Validate first, so that a malformed version falls back to lexical order as a whole.
    if !actual
        .split('.')
        .all(|p| parse_version_component(p).is_some())
    {
        return None;
    }
    let mut parts = actual
        .split('.')
        .map(|p| parse_version_component(p).unwrap_or(0));
    let mut expected = expected.iter().copied();
    loop {
        match (parts.next(), expected.next()) {
            (None, None) => return Some(Ordering::Equal),
            (a, e) => match a.unwrap_or(0).cmp(&e.unwrap_or(0)) {
                Ordering::Equal => {}
                other => return Some(other),
            },
        }
    }
}
