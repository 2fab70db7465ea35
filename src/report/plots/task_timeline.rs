//! `plots/task_timeline.svg`: every task as a bar on the container instance that ran it, from `created_s` to
//! `stopped_s`, so that a person learning ECS sees what the count plots only sum up.
//!
//! Why a plot of its own: `tasks_<service>.svg` says how many tasks a service had, not which ones nor where.
//! A rolling deployment reads at a glance when the old revision's bars end and the new revision's start in
//! waves; a drain when one row's bars end and new ones start on the others; a zone outage when the rows of
//! one zone stop at once. The plot is drawn from `tasks.csv`, `instances.csv` and `events.csv` rows only (the
//! [`Recorded`] fields behind them), like every plot a pure function of the run's files.
//!
//! What it shows:
//! - **Rows.** One per EC2 container instance that held a task, grouped by Auto Scaling group (each under a
//!   header naming it, the groups in the order they first launched an instance, which at the start is the
//!   scenario's), in launch order within a group; the label is the instance id shortened to
//!   the digits that tell the run's instances apart (`i-…0003`) and its zone. Instances that never held a
//!   task are left out. Tasks without an instance follow in rows of their own: `Fargate`, `Fargate Spot`
//!   (capacity provider `FARGATE_SPOT`) and `no instance` (an EC2 task never placed).
//! - **Lanes.** An instance holds several tasks at once, so a row has as many lanes as it ever held tasks at
//!   once: each task goes in the first lane free at its `created_s` (tasks taken by `created_s`, then task
//!   id), the greedy packing that needs no more lanes than that. The rows without an instance are packed the
//!   same way.
//! - **Bars.** A task's bar runs from `created_s` to `stopped_s`, or to the end of the axis if it never
//!   stopped. It is thick while the task is RUNNING (`running_s` to `stop_requested_s`) and thin before
//!   (provisioning, pulling, starting) and after (deregistering, draining, stopping), so a lifecycle reads in
//!   one bar; a task that never ran is thin throughout. A bar is at least 2 px wide, so a task that failed at
//!   once still shows.
//! - **Colours.** By service and task-definition revision: each service a hue of a fixed palette that leaves
//!   out the red of spot notices, the purple of deployments and the grey of the rows (services by name,
//!   standalone tasks after them; the hues repeat after seven), each revision a shade of it from light (the
//!   lowest revision) to dark (the highest), so the old and the new of a deployment differ at once. The legend names them
//!   `service · family:rev` (`standalone · family:rev` for RunTask).
//! - **Instances.** An instance's row is shaded light grey from its launch to its termination, where a dark
//!   line ends it, so a row that ends is an instance that went; from its `CONTAINER_INSTANCE_DRAINING` event
//!   on, light amber. An instance event whose kind names a spot interruption (contains `SPOT`) is a red tick
//!   across its row, and a task stopped with stop code `SpotInterruption` (Fargate Spot) a red tick across
//!   its lane (ecsim does not simulate spot interruptions yet; the marks are ready for when it does).
//! - **Deployments and scenario events** as on every plot (`draw`): each service's deployments as shaded
//!   bands labelled above the plot (`deploy web:2`), the scenario's `[[events]]` as numbered dashed lines,
//!   and an event that lasts (a zone outage) as a grey span.
//!
//! The plot is for teaching, not for inventories: with more than [`TIMELINE_ROWS_MAX`] rows, more than
//! [`TIMELINE_TASKS_MAX`] tasks or more than [`TIMELINE_LANES_MAX`] lanes in all it would be too tall or too
//! dense to read, so it is not drawn: its file holds a one-line note, and [`Plot::not_drawn`] says why in a
//! sentence that `report.html` writes in its place. The limits are checked before anything is drawn, so a
//! large cluster costs a pass over its tasks and no SVG bytes.
//!
//! Determinism: rows, lanes and legend entries are ordered by names and times (`BTreeMap`s, stable sorts on
//! the rows' own order), colours come from fixed palettes by position, and nothing else reaches the SVG.

use std::collections::{BTreeMap, BTreeSet};

use plotters::style::RGBColor;

use super::TimeAxis;
use super::draw::tick_label;
use crate::engine::SimTime;
use crate::report::recorded::{Recorded, Scope, TaskRow};

mod svg;

pub(super) use svg::render;

/// The timeline's file name under `plots/`.
pub const TIMELINE_FILE: &str = "task_timeline.svg";
/// The timeline's title.
pub const TIMELINE_TITLE: &str = "Task timeline: where and when each task ran";
/// The most rows (container instances, and the rows of tasks without one) the timeline draws.
pub const TIMELINE_ROWS_MAX: usize = 60;
/// The most tasks the timeline draws.
pub const TIMELINE_TASKS_MAX: usize = 3_000;
/// The most lanes, over all rows, the timeline draws (at the least lane height, 5 px, about 1,200 px of plot).
pub const TIMELINE_LANES_MAX: usize = 240;

/// Service hues, by the service's position by name (standalone tasks after the services): the Tableau 10
/// colours without red (spot notices), purple (deployments) and grey (the instances' rows).
pub(super) const SERVICE_HUES: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
/// The timeline of a run: rows, bars, colours and marks, in axis units (x) and rows and lanes (y).
#[derive(Debug, PartialEq)]
pub(super) struct Timeline<'a> {
    pub(super) rows: Vec<Row>,
    pub(super) bars: Vec<Bar>,
    /// The legend's entries, in legend order; a bar's `key` indexes them.
    pub(super) keys: Vec<Key<'a>>,
    /// Spot interruption notices.
    pub(super) ticks: Vec<Tick>,
}

/// One row: a container instance, or the tasks without one of a kind.
#[derive(Debug, PartialEq)]
pub(super) struct Row {
    /// Written left of the row: `i-…0003 us-east-1c`, `Fargate`.
    pub(super) label: String,
    /// Written above the row when it starts a group: `Auto Scaling group ecs-nodes`.
    pub(super) header: Option<String>,
    /// How many lanes it has: the most tasks it held at once.
    pub(super) lanes: usize,
    /// The instance's launch and termination (the axis end if it was not terminated); `None` without one.
    pub(super) life: Option<(f64, f64)>,
    /// Whether the instance was terminated (at the end of its `life`).
    pub(super) terminated: bool,
    /// When the instance was set to DRAINING.
    pub(super) draining: Option<f64>,
}

/// One task's bar.
#[derive(Debug, PartialEq)]
pub(super) struct Bar {
    pub(super) row: usize,
    pub(super) lane: usize,
    /// Its index in [`Timeline::keys`].
    pub(super) key: usize,
    pub(super) created: f64,
    /// When it became RUNNING, if it did.
    pub(super) running: Option<f64>,
    /// When its desiredStatus became STOPPED, if it did.
    pub(super) stop_requested: Option<f64>,
    /// When it stopped, or the axis end.
    pub(super) end: f64,
}

/// A service and revision, with its colour.
#[derive(Debug, PartialEq)]
pub(super) struct Key<'a> {
    /// Empty for standalone tasks.
    pub(super) service: &'a str,
    pub(super) task_definition: &'a str,
    pub(super) colour: RGBColor,
}

impl Key<'_> {
    /// `web · web:2`, `standalone · batch:1`.
    pub(super) fn label(&self) -> String {
        let service = if self.service.is_empty() {
            "standalone"
        } else {
            self.service
        };
        format!("{service} · {}", self.task_definition)
    }
}

/// A spot interruption notice: across its row, or across one lane for a task's.
#[derive(Debug, PartialEq)]
pub(super) struct Tick {
    pub(super) row: usize,
    pub(super) lane: Option<usize>,
    pub(super) x: f64,
}

/// A timeline over the limits, by how much.
#[derive(Debug, PartialEq)]
pub(super) struct TooLarge {
    /// Rows: container instances that held tasks, and the rows of tasks without one.
    pub(super) rows: usize,
    /// Of those, container instances.
    pub(super) instances: usize,
    pub(super) tasks: usize,
    /// The lanes over all rows (0 when rows or tasks were already too many and lanes not counted).
    pub(super) lanes: usize,
}

impl TooLarge {
    /// What `report.html` writes in the plot's place: one sentence.
    pub(super) fn sentence(&self) -> String {
        let mut why = Vec::new();
        if self.rows > TIMELINE_ROWS_MAX {
            why.push(if self.rows == self.instances {
                format!(
                    "the tasks ran on {} container instances, more rows than the {TIMELINE_ROWS_MAX} it draws",
                    count(self.rows)
                )
            } else {
                format!(
                    "the tasks need {} rows ({} container instances and {} for tasks without one), more than \
                     the {TIMELINE_ROWS_MAX} it draws",
                    count(self.rows),
                    count(self.instances),
                    count(self.rows - self.instances)
                )
            });
        }
        if self.tasks > TIMELINE_TASKS_MAX {
            why.push(format!(
                "{} tasks ran, more than the {} it draws",
                count(self.tasks),
                count(TIMELINE_TASKS_MAX)
            ));
        }
        if self.lanes > TIMELINE_LANES_MAX {
            why.push(format!(
                "up to {} tasks ran side by side over all rows, more lanes than the {TIMELINE_LANES_MAX} it draws",
                count(self.lanes)
            ));
        }
        format!(
            "The task timeline (plots/{TIMELINE_FILE}) is not drawn: {}, so it would not read (every task is in \
             tasks.csv).",
            why.join(", and ")
        )
    }

    /// The note its file holds: `Not drawn: 80 container instances (at most 60 rows)`.
    fn note(&self) -> String {
        let mut over = Vec::new();
        if self.rows > TIMELINE_ROWS_MAX {
            over.push(format!(
                "{} rows (at most {TIMELINE_ROWS_MAX})",
                count(self.rows)
            ));
        }
        if self.tasks > TIMELINE_TASKS_MAX {
            over.push(format!(
                "{} tasks (at most {})",
                count(self.tasks),
                count(TIMELINE_TASKS_MAX)
            ));
        }
        if self.lanes > TIMELINE_LANES_MAX {
            over.push(format!(
                "{} lanes (at most {TIMELINE_LANES_MAX})",
                count(self.lanes)
            ));
        }
        format!("Not drawn: {}; see report.html", over.join(", "))
    }
}

/// A count with `,` between thousands.
fn count(n: usize) -> String {
    tick_label(n as f64)
}

/// Where a task's bar goes: an instance's row or one of the rows of tasks without an instance (in this
/// order after the instances).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place<'a> {
    Instance(&'a str),
    Fargate,
    FargateSpot,
    Unplaced,
}

impl<'a> Place<'a> {
    fn of(task: &'a TaskRow) -> Place<'a> {
        if !task.instance_id.is_empty() {
            Place::Instance(&task.instance_id)
        } else if task.capacity_provider == "FARGATE_SPOT" {
            Place::FargateSpot
        } else if task.launch_type == "FARGATE" || task.capacity_provider == "FARGATE" {
            Place::Fargate
        } else {
            Place::Unplaced
        }
    }

    /// The row label of a place without an instance.
    fn lanes_label(self) -> &'static str {
        match self {
            Place::Instance(_) => "container instance",
            Place::Fargate => "Fargate",
            Place::FargateSpot => "Fargate Spot",
            Place::Unplaced => "no instance",
        }
    }
}

impl<'a> Timeline<'a> {
    /// The timeline of `rec` on `axis`, or by how much it is too large to draw. Tasks created after the
    /// axis end are left out.
    pub(super) fn of(rec: &'a Recorded, axis: &TimeAxis) -> Result<Timeline<'a>, TooLarge> {
        let x = |t: SimTime| (t.as_secs_f64() / axis.unit_s).min(axis.end);
        let axis_end = SimTime::from_ms((axis.end * axis.unit_s * 1000.0).round().max(0.0) as u64);
        let tasks: Vec<&TaskRow> = rec
            .tasks
            .iter()
            .filter(|t| t.created.is_some_and(|c| c <= axis_end))
            .collect();
        let mut by_place: BTreeMap<Place, Vec<&TaskRow>> = BTreeMap::new();
        for &t in &tasks {
            by_place.entry(Place::of(t)).or_default().push(t);
        }
        let instances = by_place
            .keys()
            .filter(|p| matches!(p, Place::Instance(_)))
            .count();
        if by_place.len() > TIMELINE_ROWS_MAX || tasks.len() > TIMELINE_TASKS_MAX {
            return Err(TooLarge {
                rows: by_place.len(),
                instances,
                tasks: tasks.len(),
                lanes: 0,
            });
        }
        // Instance rows by group, the groups in the order of their first launch (the scenario's order at the
        // start), then by launch; instances missing from the instances' rows (none in a run's own records)
        // last, by id.
        let launch_order: BTreeMap<&str, usize> = rec
            .instances
            .iter()
            .enumerate()
            .map(|(i, inst)| (inst.instance_id.as_str(), i))
            .collect();
        let mut first_launch: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, inst) in rec.instances.iter().enumerate() {
            first_launch
                .entry(inst.auto_scaling_group.as_str())
                .or_insert(i);
        }
        let mut places: Vec<Place> = by_place.keys().copied().collect();
        places.sort_by_key(|p| match *p {
            Place::Instance(id) => match launch_order.get(id) {
                Some(&i) => (
                    0,
                    first_launch[rec.instances[i].auto_scaling_group.as_str()],
                    i,
                ),
                None => (1, 0, 0),
            },
            _ => (2, 0, 0),
        });
        let short = short_ids(places.iter().filter_map(|p| match p {
            Place::Instance(id) => Some(*id),
            _ => None,
        }));
        let drains = instance_events(rec, |kind| kind == "CONTAINER_INSTANCE_DRAINING");
        let spots = instance_events(rec, |kind| kind.to_ascii_uppercase().contains("SPOT"));
        let keys = Keys::of(&tasks);
        let mut timeline = Timeline {
            rows: Vec::with_capacity(places.len()),
            bars: Vec::with_capacity(tasks.len()),
            keys: keys.entries,
            ticks: Vec::new(),
        };
        let mut group: Option<String> = None;
        for place in places {
            let row = timeline.rows.len();
            let instance = match place {
                Place::Instance(id) => launch_order.get(id).map(|&i| &rec.instances[i]),
                _ => None,
            };
            // A header where a group of instances starts; rows without an instance are their own label.
            let header = match (place, instance) {
                (Place::Instance(_), Some(inst)) => {
                    Some(format!("Auto Scaling group {}", inst.auto_scaling_group))
                }
                (Place::Instance(_), None) => Some("instances not in instances.csv".to_owned()),
                _ => None,
            };
            let header = header.filter(|h| group.as_ref() != Some(h)).inspect(|h| {
                group = Some(h.clone());
            });
            let label = match place {
                Place::Instance(id) => {
                    let zone = instance.map_or_else(
                        || by_place[&place][0].availability_zone.as_str(),
                        |i| i.availability_zone.as_str(),
                    );
                    format!("{} {zone}", short[id])
                }
                lanes => lanes.lanes_label().to_owned(),
            };
            let mut placed = by_place[&place].clone();
            placed.sort_by_key(|t| t.created);
            let mut lane_ends: Vec<SimTime> = Vec::new();
            for t in placed {
                let created = t.created.unwrap_or(SimTime::ZERO);
                let end = t.stopped.unwrap_or(axis_end).max(created);
                let lane = match lane_ends.iter().position(|&e| e <= created) {
                    Some(lane) => lane,
                    None => {
                        lane_ends.push(end);
                        lane_ends.len() - 1
                    }
                };
                lane_ends[lane] = end;
                if t.stop_code == "SpotInterruption" {
                    let at = t.stop_requested.or(t.stopped).unwrap_or(end);
                    timeline.ticks.push(Tick {
                        row,
                        lane: Some(lane),
                        x: x(at),
                    });
                }
                timeline.bars.push(Bar {
                    row,
                    lane,
                    key: keys.index[&(t.service.as_str(), t.task_definition.as_str())],
                    created: x(created),
                    running: t.running.map(x),
                    stop_requested: t.stop_requested.map(x),
                    end: x(end),
                });
            }
            let id = match place {
                Place::Instance(id) => Some(id),
                _ => None,
            };
            for &at in id.and_then(|id| spots.get(id)).into_iter().flatten() {
                timeline.ticks.push(Tick {
                    row,
                    lane: None,
                    x: x(at),
                });
            }
            timeline.rows.push(Row {
                label,
                header,
                lanes: lane_ends.len(),
                life: instance.map(|i| {
                    let launched = i.launched.or(i.registered).unwrap_or(SimTime::ZERO);
                    (x(launched), i.terminated.map_or(axis.end, x))
                }),
                terminated: instance.is_some_and(|i| i.terminated.is_some()),
                draining: id
                    .and_then(|id| drains.get(id))
                    .and_then(|d| d.first())
                    .map(|&t| x(t)),
            });
        }
        let lanes = timeline.lanes();
        if lanes > TIMELINE_LANES_MAX {
            return Err(TooLarge {
                rows: timeline.rows.len(),
                instances,
                tasks: tasks.len(),
                lanes,
            });
        }
        Ok(timeline)
    }

    /// The lanes over all rows.
    pub(super) fn lanes(&self) -> usize {
        self.rows.iter().map(|r| r.lanes).sum()
    }
}

/// The colours of every (service, task definition) the tasks have: services by name, standalone tasks
/// last; within a service, task definitions by family and revision number.
struct Keys<'a> {
    entries: Vec<Key<'a>>,
    index: BTreeMap<(&'a str, &'a str), usize>,
}

impl<'a> Keys<'a> {
    fn of(tasks: &[&'a TaskRow]) -> Keys<'a> {
        let revision = |td: &'a str| -> (&'a str, u64) {
            match td.rsplit_once(':') {
                Some((family, rev)) => (family, rev.parse().unwrap_or(0)),
                None => (td, 0),
            }
        };
        let found: BTreeSet<(bool, &str, (&str, u64), &str)> = tasks
            .iter()
            .map(|t| {
                let td = t.task_definition.as_str();
                (t.service.is_empty(), t.service.as_str(), revision(td), td)
            })
            .collect();
        let mut per_service: BTreeMap<(bool, &str), usize> = BTreeMap::new();
        for &(standalone, service, ..) in &found {
            *per_service.entry((standalone, service)).or_default() += 1;
        }
        let hues: BTreeMap<(bool, &str), RGBColor> = per_service
            .keys()
            .enumerate()
            .map(|(i, &key)| (key, SERVICE_HUES[i % SERVICE_HUES.len()]))
            .collect();
        let mut entries = Vec::with_capacity(found.len());
        let mut index = BTreeMap::new();
        let mut position = 0;
        let mut previous = None;
        for (standalone, service, _, td) in found {
            if previous != Some((standalone, service)) {
                position = 0;
                previous = Some((standalone, service));
            }
            let of = per_service[&(standalone, service)];
            index.insert((service, td), entries.len());
            entries.push(Key {
                service,
                task_definition: td,
                colour: shade(hues[&(standalone, service)], position, of),
            });
            position += 1;
        }
        Keys { entries, index }
    }
}

/// Revision `k` of `n` of a service whose hue is `base`: the lowest 55 % of the way to white, the highest
/// 20 % of the way to black, the others evenly between; a lone revision is the hue itself.
pub(super) fn shade(base: RGBColor, k: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return base;
    }
    let t = k as f64 / (n - 1) as f64;
    let channel = |c: u8| {
        let c = f64::from(c);
        let light = c + 0.55 * (255.0 - c);
        let dark = 0.8 * c;
        (light + t * (dark - light)).round().clamp(0.0, 255.0) as u8
    };
    RGBColor(channel(base.0), channel(base.1), channel(base.2))
}

/// Each EC2 instance id shortened to `i-…` and its last digits: those that tell `ids` apart (at least 4,
/// at most 8 if the last 8 still tell them apart), or the whole id where that is as short.
fn short_ids<'a>(ids: impl Iterator<Item = &'a str> + Clone) -> BTreeMap<&'a str, String> {
    let digits = |id: &'a str| id.strip_prefix("i-").unwrap_or(id);
    let common = ids.clone().map(digits).reduce(|a, b| {
        let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        &a[..n]
    });
    let common = common.map_or(0, str::len);
    let tail = |d: &'a str, keep: usize| d.get(d.len().saturating_sub(keep)..).unwrap_or(d);
    let longest = ids.clone().map(|id| digits(id).len()).max().unwrap_or(0);
    let mut keep = longest.saturating_sub(common).max(4);
    let tails: BTreeSet<&str> = ids.clone().map(|id| tail(digits(id), 8)).collect();
    if keep > 8 && tails.len() == ids.clone().count() {
        keep = 8;
    }
    ids.map(|id| {
        let d = digits(id);
        let short = if keep + 1 < d.len() {
            format!("i-…{}", tail(d, keep))
        } else {
            id.to_owned()
        };
        (id, short)
    })
    .collect()
}

/// The times of the instance events whose kind `matches`, by instance id, in time order.
fn instance_events(rec: &Recorded, matches: impl Fn(&str) -> bool) -> BTreeMap<&str, Vec<SimTime>> {
    let mut out: BTreeMap<&str, Vec<SimTime>> = BTreeMap::new();
    for e in rec.events.in_time_order() {
        if e.scope == Scope::Instance && matches(e.kind) {
            out.entry(e.id).or_default().push(e.time);
        }
    }
    out
}
