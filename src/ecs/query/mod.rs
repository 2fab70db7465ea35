//! STAND-IN (replaced by the real query language).
#![allow(missing_docs)]
use std::fmt;
#[derive(Clone, Debug)]
pub struct Expr(String);
#[derive(Clone, Debug)]
pub struct QueryError { pub offset: usize, pub len: usize, pub message: String, pub hint: Option<String> }
pub fn parse(src: &str) -> Result<Expr, QueryError> { Ok(Expr(src.to_string())) }
pub trait InstanceView {
    fn attribute(&self, name: &str) -> Option<&str>;
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool;
    fn agent_connected(&self) -> bool;
    fn ec2_instance_id(&self) -> &str;
    fn agent_version(&self) -> &str;
    fn running_tasks_count(&self) -> u32;
    fn registered_at_unix_ms(&self) -> i64;
}
impl Expr { pub fn matches(&self, _i: &dyn InstanceView) -> bool { true } pub fn depends_on_tasks(&self) -> bool { false } }
impl fmt::Display for Expr { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) } }
