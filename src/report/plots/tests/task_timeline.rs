//! The task timeline: rows, lanes, colours and marks from a recording, the limits past which it is not
//! drawn, and what `report.html` says then.

use super::*;
use crate::report::plots::task_timeline::{
    SERVICE_HUES, TIMELINE_FILE, TIMELINE_LANES_MAX, TIMELINE_ROWS_MAX, TIMELINE_TASKS_MAX,
    Timeline, TooLarge, shade,
};
use crate::report::recorded::{EventLog, EventRow, InstanceRow, TaskRow};

/// `#RRGGBB`, as plotters writes a colour.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn secs(s: u64) -> Option<SimTime> {
    Some(SimTime::from_secs(s))
}

/// A task of `service` running `task_definition` on `instance` (empty: Fargate), created at `created`,
/// RUNNING 10 s later, and stopped at `stopped` (stop requested then) if given.
fn task(
    id: u32,
    service: &str,
    task_definition: &str,
    instance: &str,
    created: u64,
    stopped: Option<u64>,
) -> TaskRow {
    TaskRow {
        task_id: format!("{id:032x}"),
        service: service.to_owned(),
        task_definition: task_definition.to_owned(),
        launch_type: if instance.is_empty() {
            "FARGATE"
        } else {
            "EC2"
        }
        .to_owned(),
        instance_id: instance.to_owned(),
        availability_zone: "us-east-1a".to_owned(),
        created: secs(created),
        running: secs(created + 10),
        stop_requested: stopped.and_then(secs),
        stopped: stopped.and_then(secs),
        ..TaskRow::default()
    }
}

fn instance(id: &str, group: &str, zone: &str, launched: u64) -> InstanceRow {
    InstanceRow {
        instance_id: id.to_owned(),
        auto_scaling_group: group.to_owned(),
        availability_zone: zone.to_owned(),
        launched: secs(launched),
        registered: secs(launched),
        ..InstanceRow::default()
    }
}

/// A 10-minute run on two instances: `web` rolls from web:1 to web:2 at 5 minutes (the two old tasks stop
/// as the two new ones start), and its deployment's events are in the log.
fn rolling() -> Recorded {
    Recorded {
        manifest: crate::report::recorded::Manifest {
            duration_s: 600.0,
            ..Default::default()
        },
        tasks: vec![
            task(1, "web", "web:1", "i-0ec51000000000001", 0, Some(300)),
            task(2, "web", "web:1", "i-0ec51000000000002", 0, Some(330)),
            task(3, "web", "web:2", "i-0ec51000000000001", 300, None),
            task(4, "web", "web:2", "i-0ec51000000000002", 300, None),
        ],
        instances: vec![
            instance("i-0ec51000000000001", "ecs-nodes", "us-east-1a", 0),
            instance("i-0ec51000000000002", "ecs-nodes", "us-east-1b", 0),
        ],
        events: EventLog::from_iter([
            EventRow {
                time: SimTime::from_secs(300),
                scope: Scope::Service,
                id: "web",
                kind: "SERVICE_DEPLOYMENT_IN_PROGRESS",
                message: "(service web) (deployment ecs-svc/1) deployment in progress with task definition web:2.",
            },
            EventRow {
                time: SimTime::from_secs(360),
                scope: Scope::Service,
                id: "web",
                kind: "SERVICE_DEPLOYMENT_COMPLETED",
                message: "(service web) (deployment ecs-svc/1) deployment completed.",
            },
        ]),
        ..Recorded::default()
    }
}

/// A run of `duration_s` seconds that recorded only `tasks`.
fn run_of(duration_s: f64, tasks: Vec<TaskRow>) -> Recorded {
    Recorded {
        manifest: crate::report::recorded::Manifest {
            duration_s,
            ..Default::default()
        },
        tasks,
        ..Recorded::default()
    }
}

fn timeline(rec: &Recorded) -> Result<Timeline<'_>, TooLarge> {
    Timeline::of(rec, &Data::collect(rec).axis)
}

fn timeline_plot(rec: &Recorded) -> Plot {
    render_all(rec)
        .expect("draw")
        .into_iter()
        .find(|p| p.file == TIMELINE_FILE)
        .expect("a task timeline")
}

/// The `<rect>` lines of `svg` filled with `colour` at full opacity, as (x, y, width, height).
fn rects(svg: &str, colour: RGBColor) -> Vec<(i64, i64, i64, i64)> {
    let fill = format!("opacity=\"1\" fill=\"{}\"", hex(colour));
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&fill))
        .map(|l| {
            let attr = |name: &str| -> i64 {
                l.split(&format!(" {name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .and_then(|v| v.parse().ok())
                    .expect("attribute")
            };
            (attr("x"), attr("y"), attr("width"), attr("height"))
        })
        .collect()
}

// A rolling deployment reads as the old revision's bars ending and the new one's starting, each revision a
// shade of the service's hue, named in the legend.
#[test]
fn a_rolling_deployment_draws_both_revisions_in_shades_of_the_service_hue() {
    let rec = rolling();
    let t = timeline(&rec).expect("small");
    let keys: Vec<(String, RGBColor)> = t.keys.iter().map(|k| (k.label(), k.colour)).collect();
    let (light, dark) = (shade(SERVICE_HUES[0], 0, 2), shade(SERVICE_HUES[0], 1, 2));
    assert_eq!(
        keys,
        [
            ("web · web:1".to_owned(), light),
            ("web · web:2".to_owned(), dark)
        ]
    );
    assert!(
        light.0 > dark.0 && light.1 > dark.1 && light.2 > dark.2,
        "{light:?} {dark:?}"
    );
    let bar_keys: Vec<usize> = t.bars.iter().map(|b| b.key).collect();
    assert_eq!(bar_keys, [0, 1, 0, 1], "{:?}", t.bars);

    let p = timeline_plot(&rec);
    assert_eq!((p.empty.as_deref(), p.not_drawn.as_deref()), (None, None));
    for legend in [
        "web · web:1",
        "web · web:2",
        "starting or stopping",
        "deployment",
    ] {
        assert!(
            p.svg.contains(&format!(">\n{legend}\n<")),
            "no legend {legend:?}"
        );
    }
    assert!(
        p.svg.contains(">\ndeploy web:2\n<"),
        "the deployment is labelled"
    );
    // Each task is a thin bar and a thick one; the legend adds one swatch per revision. The old bars end
    // where the new ones start.
    let (old, new) = (rects(&p.svg, light), rects(&p.svg, dark));
    assert_eq!((old.len(), new.len()), (5, 5), "{old:?} {new:?}");
    let old_end = old.iter().map(|r| r.0 + r.2).min().expect("old bars");
    let new_start = new.iter().map(|r| r.0).min().expect("new bars");
    assert!((old_end - new_start).abs() <= 1, "{old_end} {new_start}");
}

#[test]
fn revisions_are_shaded_in_revision_order_and_services_get_hues_by_name() {
    let rec = run_of(
        600.0,
        vec![
            task(1, "web", "web:10", "", 0, None),
            task(2, "web", "web:9", "", 0, None),
            task(3, "api", "api:1", "", 0, None),
            task(4, "", "batch:1", "", 0, None),
        ],
    );
    let t = timeline(&rec).expect("small");
    let keys: Vec<(String, RGBColor)> = t.keys.iter().map(|k| (k.label(), k.colour)).collect();
    assert_eq!(
        keys,
        [
            ("api · api:1".to_owned(), SERVICE_HUES[0]),
            ("web · web:9".to_owned(), shade(SERVICE_HUES[1], 0, 2)),
            ("web · web:10".to_owned(), shade(SERVICE_HUES[1], 1, 2)),
            ("standalone · batch:1".to_owned(), SERVICE_HUES[2]),
        ]
    );
    assert_eq!(shade(SERVICE_HUES[3], 0, 1), SERVICE_HUES[3]);
}

#[test]
fn a_task_that_never_stopped_runs_to_the_end_of_the_axis() {
    let rec = rolling();
    let t = timeline(&rec).expect("small");
    let axis_end = Data::collect(&rec).axis.end;
    let ends: Vec<f64> = t.bars.iter().map(|b| b.end).collect();
    // Seconds on a 600 s axis: the old tasks stop at 300 s and 330 s; the new ones never do.
    assert_eq!(ends, [300.0, axis_end, 330.0, axis_end]);
    assert_eq!(axis_end, 600.0);
    // Drawn: the new tasks' bars end where the rows of instances still up end, the plot's right edge.
    let p = timeline_plot(&rec);
    let dark = shade(SERVICE_HUES[0], 1, 2);
    let right = |r: &(i64, i64, i64, i64)| r.0 + r.2;
    let rows_end: Vec<i64> = p
        .svg
        .lines()
        .filter(|l| l.starts_with("<rect") && l.contains("opacity=\"0.075\""))
        .filter_map(|l| {
            let x: i64 = l.split(" x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let w: i64 = l
                .split(" width=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()?;
            Some(x + w)
        })
        .collect();
    assert_eq!(rows_end.len(), 2, "one grey row per instance");
    assert_eq!(rows_end[0], rows_end[1]);
    let bars: Vec<i64> = rects(&p.svg, dark).iter().map(right).collect();
    // Thin and thick bar of each new task (the legend's swatch ends left of the plot's right edge + 14).
    assert_eq!(
        bars.iter().filter(|&&x| x == rows_end[0]).count(),
        4,
        "{bars:?} {rows_end:?}"
    );
}

// Fargate tasks have no instance: they share lanes of one `Fargate` row, each task in the first lane free
// when it is created.
#[test]
fn fargate_tasks_go_in_the_first_lane_free_when_they_are_created() {
    let mut spot = task(5, "web", "web:1", "", 0, None);
    spot.capacity_provider = "FARGATE_SPOT".to_owned();
    let rec = run_of(
        600.0,
        vec![
            task(1, "web", "web:1", "", 0, Some(100)),
            task(2, "web", "web:1", "", 50, Some(200)),
            // Created as task 1 stops: its lane is free again.
            task(3, "web", "web:1", "", 100, Some(300)),
            // Lane 0 is busy until 300 s, lane 1 free from 200 s.
            task(4, "web", "web:1", "", 250, None),
            spot,
        ],
    );
    let t = timeline(&rec).expect("small");
    let rows: Vec<(&str, usize)> = t.rows.iter().map(|r| (r.label.as_str(), r.lanes)).collect();
    assert_eq!(rows, [("Fargate", 2), ("Fargate Spot", 1)]);
    let lanes: Vec<(usize, usize)> = t.bars.iter().map(|b| (b.row, b.lane)).collect();
    assert_eq!(lanes, [(0, 0), (0, 1), (0, 0), (0, 1), (1, 0)]);
    assert!(
        t.rows
            .iter()
            .all(|r| r.header.is_none() && r.life.is_none())
    );
    let p = timeline_plot(&rec);
    assert!(p.svg.contains(">\nFargate\n<") && p.svg.contains(">\nFargate Spot\n<"));
}

// Rows: by Auto Scaling group (the groups in the order of their first launch), then launch order; an instance
// that never held a task has none.
#[test]
fn rows_follow_the_auto_scaling_group_then_launch_order_and_leave_out_idle_instances() {
    let rec = Recorded {
        manifest: crate::report::recorded::Manifest {
            duration_s: 600.0,
            ..Default::default()
        },
        tasks: vec![
            task(1, "web", "web:1", "i-0ec51000000000001", 0, None),
            task(2, "web", "web:1", "i-0ec51000000000002", 0, None),
            task(3, "web", "web:1", "i-0ec51000000000004", 0, None),
            task(4, "web", "web:1", "", 0, None),
        ],
        instances: vec![
            instance("i-0ec51000000000001", "spot", "us-east-1a", 0),
            instance("i-0ec51000000000002", "on-demand", "us-east-1b", 0),
            instance("i-0ec51000000000003", "spot", "us-east-1c", 0),
            instance("i-0ec51000000000004", "on-demand", "us-east-1c", 60),
        ],
        ..Recorded::default()
    };
    let t = timeline(&rec).expect("small");
    let rows: Vec<(&str, Option<&str>)> = t
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.header.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("i-…0001 us-east-1a", Some("Auto Scaling group spot")),
            ("i-…0002 us-east-1b", Some("Auto Scaling group on-demand")),
            ("i-…0004 us-east-1c", None),
            ("Fargate", None),
        ]
    );
}

// An instance's row ends where it was terminated, turns amber when it is set to DRAINING, and a spot
// interruption notice is a red tick across it.
#[test]
fn drains_terminations_and_spot_notices_mark_their_instance_rows() {
    let mut rec = rolling();
    rec.instances[0].terminated = secs(400);
    let id = rec.instances[0].instance_id.clone();
    rec.events = EventLog::from_iter([
        EventRow {
            time: SimTime::from_secs(200),
            scope: Scope::Instance,
            id: &id,
            kind: "SPOT_INTERRUPTION_WARNING",
            message: "two minutes",
        },
        EventRow {
            time: SimTime::from_secs(320),
            scope: Scope::Instance,
            id: &id,
            kind: "CONTAINER_INSTANCE_DRAINING",
            message: "draining",
        },
    ]);
    let t = timeline(&rec).expect("small");
    assert_eq!(t.rows[0].life, Some((0.0, 400.0)));
    assert!(t.rows[0].terminated && !t.rows[1].terminated);
    assert_eq!(
        (t.rows[0].draining, t.rows[1].draining),
        (Some(320.0), None)
    );
    let ticks: Vec<(usize, Option<usize>, f64)> =
        t.ticks.iter().map(|k| (k.row, k.lane, k.x)).collect();
    assert_eq!(ticks, [(0, None, 200.0)]);
    let p = timeline_plot(&rec);
    for legend in [
        "instance DRAINING",
        "instance terminated",
        "spot interruption notice",
    ] {
        assert!(
            p.svg.contains(&format!(">\n{legend}\n<")),
            "no legend {legend:?}"
        );
    }
    assert!(p.svg.contains("stroke=\"#D62728\""), "the red tick");

    // Without them, none of the three is in the legend.
    let p = timeline_plot(&rolling());
    for legend in [
        "instance DRAINING",
        "instance terminated",
        "spot interruption notice",
    ] {
        assert!(!p.svg.contains(&format!(">\n{legend}\n<")), "{legend:?}");
    }
}

#[test]
fn instance_ids_keep_the_digits_that_tell_them_apart() {
    let mut rec = rolling();
    let rename = |rec: &mut Recorded, from: &str, to: &str| {
        for t in rec.tasks.iter_mut().filter(|t| t.instance_id == from) {
            t.instance_id = to.to_owned();
        }
        for i in rec.instances.iter_mut().filter(|i| i.instance_id == from) {
            i.instance_id = to.to_owned();
        }
    };
    let labels = |rec: &Recorded| -> Vec<String> {
        timeline(rec)
            .expect("small")
            .rows
            .into_iter()
            .map(|r| r.label)
            .collect()
    };
    rename(&mut rec, "i-0ec51000000000002", "i-0ec51000000000a3f");
    assert_eq!(labels(&rec), ["i-…0001 us-east-1a", "i-…0a3f us-east-1b"]);
    // Ids that differ early keep their last eight digits.
    rename(&mut rec, "i-0ec51000000000001", "i-1234567890abcdef0");
    assert_eq!(
        labels(&rec),
        ["i-…0abcdef0 us-east-1a", "i-…00000a3f us-east-1b"]
    );
}

// The timeline is for teaching: past its limits it is not drawn, its file is a short note, and the page
// says why in one sentence where the plot would be.
#[test]
fn a_cluster_too_large_to_read_is_not_drawn_and_the_page_says_why() {
    let on_instances = |n: usize| {
        let tasks = (0..n as u32)
            .map(|i| task(i, "web", "web:1", &format!("i-{i:017x}"), 0, None))
            .collect();
        run_of(600.0, tasks)
    };
    let many_instances = on_instances(TIMELINE_ROWS_MAX + 1);
    let at_limits = on_instances(TIMELINE_ROWS_MAX);
    // One after the other on Fargate: one lane, but too many bars.
    let many_tasks = run_of(
        4_000.0,
        (0..=TIMELINE_TASKS_MAX as u32)
            .map(|i| task(i, "web", "web:1", "", u64::from(i), Some(u64::from(i) + 1)))
            .collect(),
    );
    // All at once on Fargate: one row, but too many lanes.
    let many_lanes = run_of(
        600.0,
        (0..=TIMELINE_LANES_MAX as u32)
            .map(|i| task(i, "web", "web:1", "", 0, None))
            .collect(),
    );
    assert!(timeline(&at_limits).is_ok());
    for (rec, why) in [
        (
            &many_instances,
            "the tasks ran on 61 container instances, more rows than the 60 it draws",
        ),
        (&many_tasks, "3,001 tasks ran, more than the 3,000 it draws"),
        (
            &many_lanes,
            "up to 241 tasks ran side by side over all rows, more lanes than the 240 it draws",
        ),
    ] {
        assert!(timeline(rec).is_err());
        let p = timeline_plot(rec);
        let sentence = p.not_drawn.clone().expect("not drawn");
        assert!(sentence.contains(why), "{sentence}");
        assert_eq!(
            sentence.matches(". ").count(),
            0,
            "one sentence: {sentence}"
        );
        assert_eq!(p.empty, None);
        assert!(
            p.svg.len() < 8_000,
            "a note, not a plot: {} bytes",
            p.svg.len()
        );
        assert!(p.svg.contains(">\nNot drawn: "), "{}", p.svg);
        let page = String::from_utf8(crate::report::html::render(rec, &[p])).expect("utf-8");
        assert!(page.contains(&format!(
            "<p class=\"note\">{}</p>",
            crate::report::text::html_escape(&sentence)
        )));
        assert!(!page.contains("plots/task_timeline.svg</code></figcaption>"));
    }
}

#[test]
fn a_run_without_tasks_has_an_empty_timeline_that_says_so() {
    let p = timeline_plot(&Recorded::default());
    assert_eq!(p.empty.as_deref(), Some("no tasks ran"));
    assert_eq!(p.not_drawn, None);
    assert!(p.svg.contains(">\nno tasks ran\n<"));
}

// SPEC §5 spirit: nothing but the recording reaches the picture.
#[test]
fn the_timeline_renders_byte_identically_twice() {
    let mut rec = rolling();
    rec.tasks.push(task(9, "api", "api:3", "", 120, Some(500)));
    rec.markers = vec![crate::report::recorded::EventMarker {
        time: SimTime::from_secs(300),
        action: "update_service".to_owned(),
        label: "update web: web:2".to_owned(),
        duration: None,
    }];
    let first = timeline_plot(&rec);
    let second = timeline_plot(&rec.clone());
    assert!(first.svg == second.svg);
    assert!(first.svg.contains(">\napi · api:3\n<"));
}
