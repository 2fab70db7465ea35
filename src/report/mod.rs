//! Results: the recorder (a sink the simulation pushes into) and the writers (pure functions from what was
//! recorded to the bytes of each file).
pub mod recorded;
pub mod recorder;
