//! Tests of the results folder as a whole: determinism of every file, and what `write_all` puts on disk.

use std::fs;

use super::atomic::tests::fresh_dir;
use super::recorded::{
    EventLog, EventRow, InstanceRow, Manifest, Scope, SeriesPoint, SummaryMetric, TaskRow,
    TimeSeries, TraceRow,
};
use super::*;
use crate::engine::SimTime;

/// A small but complete run: one service, one ASG, cluster gauges, traffic with errors (to the service and its
/// target group), cost.
pub(crate) fn sample() -> Recorded {
    let mut timeseries = Vec::new();
    for period in 0..10u64 {
        let time = SimTime::from_secs(period * 60);
        let mut push = |scope: Scope, id: &str, metric: &'static str, value: f64| {
            timeseries.push(SeriesPoint {
                time,
                scope,
                id: id.to_owned(),
                metric,
                value,
            });
        };
        let p = period as f64;
        push(
            Scope::Asg,
            "ondemand",
            "GroupInServiceInstances",
            (p / 3.0).floor() + 1.0,
        );
        push(Scope::Cluster, "default", "CPUReservation", 10.0 * p);
        push(Scope::Cluster, "default", "CPUUtilization", 5.0 * p + 0.5);
        push(Scope::Cluster, "default", "MemoryReservation", 8.0 * p);
        push(
            Scope::Cluster,
            "default",
            "MemoryUtilization",
            4.0 * p + 0.25,
        );
        push(Scope::Cluster, "default", "cost_usd", 0.0016);
        push(Scope::Service, "web", "DesiredTaskCount", 4.0);
        push(Scope::Service, "web", "HealthyTaskCount", p.min(4.0));
        push(
            Scope::Service,
            "web",
            "RunningTaskCount",
            (p + 1.0).min(4.0),
        );
        push(
            Scope::TargetGroup,
            "web-tg",
            "HTTPCode_ELB_5XX_Count",
            if period < 2 { 30.0 } else { 0.0 },
        );
        push(
            Scope::TargetGroup,
            "web-tg",
            "HTTPCode_Target_5XX_Count",
            if period == 5 { 3.0 } else { 0.0 },
        );
        push(Scope::TargetGroup, "web-tg", "RequestCount", 6000.0);
        push(Scope::Service, "web", "requests", 6000.0);
        push(
            Scope::Service,
            "web",
            "error_requests",
            if period < 2 {
                30.0
            } else if period == 5 {
                3.0
            } else {
                0.0
            },
        );
    }
    Recorded {
        manifest: Manifest {
            ecsim_version: "0.1.0".to_owned(),
            scenario_name: "web".to_owned(),
            scenario_sha256: "0f".repeat(32),
            seed: 42,
            overrides: vec![],
            duration_s: 600.0,
            events_processed: 1234,
            wall_seconds: 0.125,
        },
        summary: vec![
            SummaryMetric {
                name: "cost.total_usd".to_owned(),
                value: 0.016,
            },
            SummaryMetric {
                name: "service.web.availability".to_owned(),
                value: 0.99,
            },
        ],
        timeseries: TimeSeries::from_points(timeseries),
        events: EventLog::from_iter([EventRow {
            time: SimTime::from_secs(240),
            scope: Scope::Service,
            id: "web",
            kind: "SERVICE_STEADY_STATE",
            message: "(service web) has reached a steady state.",
        }]),
        tasks: vec![TaskRow {
            task_id: "a1".to_owned(),
            created: Some(SimTime::ZERO),
            ..TaskRow::default()
        }],
        instances: vec![InstanceRow {
            instance_id: "i-0000000000000000a".to_owned(),
            launched: Some(SimTime::ZERO),
            ..InstanceRow::default()
        }],
        trace: Some(vec![TraceRow {
            time: SimTime::ZERO,
            kind: "SimulationStart",
            subject: String::new(),
        }]),
        ..Recorded::default()
    }
}

fn names(files: &[RenderedFile]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .collect()
}

// SPEC §5: the same input gives byte-identical files.
#[test]
fn every_file_renders_byte_identically_twice() {
    let rec = sample();
    let first = render_files(&rec, &WriteOptions::default()).expect("render");
    let second = render_files(&rec.clone(), &WriteOptions::default()).expect("render");
    assert_eq!(names(&first), names(&second));
    for (a, b) in first.iter().zip(&second) {
        assert!(
            a.bytes == b.bytes,
            "{} differs between two renders",
            a.path.display()
        );
    }
}

// SPEC §4: the results folder's files, trace.csv only when traced.
#[test]
fn render_files_lists_every_spec_file_in_writing_order() {
    let rec = sample();
    let all = render_files(&rec, &WriteOptions::default()).expect("render");
    assert_eq!(
        names(&all),
        vec![
            "manifest.json",
            "summary.json",
            "summary.csv",
            "timeseries.csv",
            "events.csv",
            "tasks.csv",
            "instances.csv",
            "trace.csv",
            "plots/tasks_web.svg",
            "plots/task_timeline.svg",
            "plots/instances.svg",
            "plots/cluster.svg",
            "plots/traffic.svg",
            "plots/target_group_web-tg.svg",
            "plots/cost.svg",
            "report.html",
        ]
    );
    let untraced = Recorded { trace: None, ..rec };
    let bare = render_files(
        &untraced,
        &WriteOptions {
            plots: false,
            html: false,
        },
    )
    .expect("render");
    assert_eq!(
        names(&bare),
        vec![
            "manifest.json",
            "summary.json",
            "summary.csv",
            "timeseries.csv",
            "events.csv",
            "tasks.csv",
            "instances.csv"
        ]
    );
}

#[test]
fn html_without_plot_files_still_inlines_the_plots() {
    let files = render_files(
        &sample(),
        &WriteOptions {
            plots: false,
            html: true,
        },
    )
    .expect("render");
    let html = files
        .iter()
        .find(|f| f.path == Path::new("report.html"))
        .expect("report.html");
    let html = String::from_utf8(html.bytes.clone()).expect("utf-8");
    assert_eq!(html.matches("<svg ").count(), 7);
    assert!(!names(&files).iter().any(|n| n.starts_with("plots/")));
}

// SPEC §4: files are written atomically; the folder and plots/ are created.
#[test]
fn write_all_creates_the_folder_and_writes_exactly_the_rendered_bytes() {
    let dir = fresh_dir("write-all").join("results").join("web");
    let rec = sample();
    let written = write_all(&dir, &rec, &WriteOptions::default()).expect("write");
    let rendered = render_files(&rec, &WriteOptions::default()).expect("render");
    assert_eq!(written.len(), rendered.len());
    for (path, file) in written.iter().zip(&rendered) {
        assert_eq!(path, &dir.join(&file.path));
        assert!(
            fs::read(path).expect("read back") == file.bytes,
            "{} differs on disk",
            path.display()
        );
    }
    let mut on_disk: Vec<String> = fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk.len(),
        10,
        "8 top-level files, plots/ and report.html, no temporary files: {on_disk:?}"
    );
    assert_eq!(
        fs::read_dir(dir.join("plots")).expect("list plots").count(),
        7
    );
    fs::remove_dir_all(dir.parent().and_then(Path::parent).expect("test root")).expect("cleanup");
}

#[test]
fn write_all_names_the_folder_it_cannot_create() {
    let root = fresh_dir("write-all-blocked");
    let blocker = root.join("file");
    fs::write(&blocker, b"x").expect("create blocker");
    let err = write_all(&blocker.join("out"), &sample(), &WriteOptions::default())
        .expect_err("parent is a file");
    assert!(
        matches!(&err, ReportError::CreateDir { path, .. } if path == &blocker.join("out")),
        "{err:?}"
    );
    assert!(err.to_string().contains("out"), "{err}");
    fs::remove_dir_all(&root).expect("cleanup");
}
