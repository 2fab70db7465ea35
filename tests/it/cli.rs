//! The command line (SPEC §1): exit codes, files written, nothing written on bad input.

use crate::support::*;

/// Asserts the exit code, showing stderr when it differs.
fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_writes_every_results_file_and_exits_0() {
    let out_dir = temp_dir("run");
    let out = ecsim()
        .args([
            "run",
            "scenarios/binpack-vs-spread.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    for f in [
        "manifest.json",
        "summary.json",
        "summary.csv",
        "timeseries.csv",
        "events.csv",
        "tasks.csv",
        "instances.csv",
        "report.html",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    assert!(std::fs::read_dir(out_dir.join("plots")).unwrap().count() >= 4);
    let tasks = std::fs::read_to_string(out_dir.join("tasks.csv")).unwrap();
    assert!(tasks.starts_with("task_id,service,task_definition,launch_type,capacity_provider,instance_id,availability_zone,created_s,running_s,healthy_s,stop_requested_s,stopping_s,stopped_s,stop_code,stopped_reason\n"));
    let _ = std::fs::remove_dir_all(out_dir);
}

// report.html opens with the scenario's description and the verdict of each [[checks]] entry, and marks the
// scenario's [[events]] on the plots.
#[test]
fn run_report_shows_the_description_check_verdicts_and_event_markers() {
    let out_dir = temp_dir("report");
    let out = ecsim()
        .args([
            "run",
            "scenarios/daemon-and-replica.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    let description = html
        .find("A log router on every instance plus a 4-task API; one instance is drained at 10 minutes.")
        .expect("description");
    let verdict = html
        .find("<span class=\"badge pass\">PASS</span></td><td><code>service.api.min_healthy_tasks</code>")
        .expect("check verdict");
    let summary = html.find("<h2>Summary</h2>").expect("summary");
    assert!(description < verdict && verdict < summary);
    assert!(
        html.contains(
            "<td><code>drain_instances</code></td><td>drain 1 instance of ecs-nodes</td>"
        )
    );
    let tasks = std::fs::read_to_string(out_dir.join("plots/tasks_api.svg")).unwrap();
    assert!(
        tasks.contains(">\n1 at 10m\n<"),
        "the drain is marked on the plot"
    );
    // Traffic is not simulated: its plot is written but left out of the page, which says so once.
    assert!(out_dir.join("plots/traffic.svg").is_file());
    assert_eq!(html.matches("no traffic simulated").count(), 1);
    let _ = std::fs::remove_dir_all(out_dir);
}

// Issue 8: a service's plot shows what its users saw during the deployment, with the deployment marked; a run
// behind an ALB also gets its target group's plot, listed on the page.
#[test]
fn run_report_shows_requests_under_the_tasks_with_the_deployment_marked_and_the_target_group() {
    let out_dir = temp_dir("report-alb");
    let out = ecsim()
        .args([
            "run",
            "scenarios/rolling-update-100-200-alb.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let tasks = std::fs::read_to_string(out_dir.join("plots/tasks_web.svg")).unwrap();
    for text in [
        "Service web: tasks, requests and 5XX",
        "Requests offered and failed (5XX)",
        "requests per 1m period",
        "deploy web:2",
        "1 at 10m",
    ] {
        assert!(tasks.contains(&format!(">\n{text}\n<")), "{text}");
    }
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("<code>plots/target_group_web-tg.svg</code>"));
    assert!(html.contains("a shaded band is one of its deployments"));
    let _ = std::fs::remove_dir_all(out_dir);
}

// The task timeline shows a rolling update as bars: the old revision's ending as the new one's start, on the
// instances that ran them, with the deployment marked; the page shows it after the service's plot.
#[test]
fn run_report_draws_a_task_timeline_with_both_revisions_of_a_rolling_update() {
    let out_dir = temp_dir("report-timeline");
    let out = ecsim()
        .args([
            "run",
            "scenarios/rolling-update-50-200.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let timeline = std::fs::read_to_string(out_dir.join("plots/task_timeline.svg")).unwrap();
    for text in [
        "web · web:1",
        "web · web:2",
        "deploy web:2",
        "Auto Scaling group ecs-nodes",
        "i-…0001 us-east-1a",
    ] {
        assert!(timeline.contains(&format!(">\n{text}\n<")), "{text}");
    }
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    let service = html
        .find("<code>plots/tasks_web.svg</code>")
        .expect("service plot");
    let at = html
        .find("<code>plots/task_timeline.svg</code>")
        .expect("timeline");
    assert!(service < at);
    assert!(html.contains("The task timeline has a row per container instance"));
    let _ = std::fs::remove_dir_all(out_dir);
}

// ECS deployment circuit breaker: the failed deployment and the rollback to the last completed task definition
// are both marked, as such, on the service's plot (read from the events the run wrote).
#[test]
fn run_report_marks_a_failed_deployment_and_its_rollback() {
    let out_dir = temp_dir("report-rollback");
    let out = ecsim()
        .args([
            "run",
            "scenarios/circuit-breaker-rollback.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let tasks = std::fs::read_to_string(out_dir.join("plots/tasks_web.svg")).unwrap();
    assert!(tasks.contains(">\ndeploy web:2 (failed)\n<"), "{tasks}");
    assert!(tasks.contains(">\nrollback to web:1\n<"), "{tasks}");
    // No traffic in this scenario: one panel, no target-group plot.
    assert!(!tasks.contains("Requests offered"));
    assert!(!out_dir.join("plots/target_group_web-tg.svg").exists());
    let _ = std::fs::remove_dir_all(out_dir);
}

#[test]
fn bad_scenario_exits_2_names_file_line_and_column_and_writes_nothing() {
    let dir = temp_dir("bad");
    let scenario = dir.join("bad.toml");
    std::fs::write(
        &scenario,
        "name = \"x\"\n[simulation]\nduration = \"1h\"\ndesird = 3\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = ecsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out_dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml:4:1"), "{stderr}");
    assert!(is_empty_dir(&out_dir), "nothing may be written for exit 2");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn failed_check_exits_1_and_still_writes_results() {
    let out_dir = temp_dir("check");
    let out = ecsim()
        .args([
            "run",
            "scenarios/binpack-vs-spread.toml",
            "--quiet",
            "--set",
            "checks.0.min=100",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("check FAILED: service.web.min_healthy_tasks")
    );
    assert!(out_dir.join("summary.csv").is_file());
    let _ = std::fs::remove_dir_all(out_dir);
}

#[test]
fn unknown_flag_is_a_usage_error_with_exit_2() {
    let out = ecsim().args(["run", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn validate_accepts_every_reference_scenario() {
    let out = ecsim()
        .args(["validate", "scenarios/daemon-and-replica.toml"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid scenario"));
}

#[test]
fn catalog_lists_instance_types_and_fargate_sizes() {
    let out = ecsim().args(["catalog"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("m5.large") && text.contains("g2.2xlarge"));
    assert!(text.contains("16384"), "Fargate 16 vCPU size");
}

#[test]
fn explain_narrates_placements_with_what_each_step_removed() {
    let out = ecsim()
        .args([
            "explain",
            "scenarios/placement-by-instance-type.toml",
            "--until",
            "2m",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("memberOf"), "{text}");
    assert!(text.contains("RUN_TASK"), "{text}");
}

#[test]
fn trace_writes_every_processed_event() {
    let out_dir = temp_dir("trace");
    let out = ecsim()
        .args([
            "run",
            "scenarios/az-spread-nine.toml",
            "--quiet",
            "--trace",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let trace = std::fs::read_to_string(out_dir.join("trace.csv")).unwrap();
    assert!(trace.starts_with("time_s,kind,subject\n"));
    let manifest = std::fs::read_to_string(out_dir.join("manifest.json")).unwrap();
    let events: usize = manifest
        .lines()
        .find(|l| l.contains("\"events_processed\""))
        .and_then(|l| l.split(':').nth(1))
        .map(|v| v.trim().trim_end_matches(',').parse().unwrap())
        .unwrap();
    assert_eq!(
        trace.lines().count() - 1,
        events,
        "one row per processed event"
    );
    let _ = std::fs::remove_dir_all(out_dir);
}

#[test]
fn a_json_scenario_runs_like_its_toml_twin() {
    let dir = temp_dir("json");
    let json = r#"{
  "name": "json-twin",
  "simulation": { "duration": "10m" },
  "cluster": { "name": "c" },
  "auto_scaling_groups": [{ "name": "nodes", "instance_types": ["m5.large"], "min_size": 2, "max_size": 2, "desired_capacity": 2 }],
  "task_definitions": [{ "family": "web", "container_definitions": [{ "name": "web", "image": "web:1", "cpu": 256, "memory": 512 }] }],
  "services": [{ "name": "web", "task_definition": "web", "desired_count": 3 }]
}"#;
    std::fs::write(dir.join("s.json"), json).unwrap();
    let out = ecsim()
        .arg("run")
        .arg(dir.join("s.json"))
        .arg("--quiet")
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let summary = std::fs::read_to_string(dir.join("out/summary.csv")).unwrap();
    assert!(
        summary.contains("service.web.max_running_tasks,3\n"),
        "{summary}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_scenario_file_is_one_plain_line_and_exit_2() {
    let out = ecsim()
        .args(["validate", "scenarios/no-such-file.toml"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr), @"error: scenario file `scenarios/no-such-file.toml` does not exist");
    let out = ecsim()
        .args(["run", "scenarios/no-such-file.json", "--quiet"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        1,
        "run says it in one line too"
    );
}

#[test]
fn validate_ends_its_summary_line_before_printing_any_note() {
    let dir = temp_dir("validate-order");
    let log = dir.join("both.txt");
    let file = std::fs::File::create(&log).unwrap();
    let status = ecsim()
        .args(["validate", "scenarios/aws-cli-task-definition.toml"])
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .contains(": valid scenario \"aws-cli-task-definition\""),
        "{text}"
    );
    assert!(lines.clone().count() > 0, "the scenario has notes: {text}");
    assert!(lines.all(|l| l.starts_with("note: ")), "{text}");
    assert!(text.ends_with('\n'));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_prints_advice_as_notes_and_still_exits_0() {
    let dir = temp_dir("advice-run");
    let scenario = dir.join("big.toml");
    std::fs::write(
        &scenario,
        format!(
            "{}[[task_definitions]]\nfamily = \"big\"\nmemory = 16384\ncontainer_definitions = [{{ name = \"big\", image = \"big:1\" }}]\n[[services]]\nname = \"big\"\ntask_definition = \"big\"\ndesired_count = 1\n",
            cluster("m5.large", 1)
        ),
    )
    .unwrap();
    let out = ecsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("big.toml:19:19: task definition big:1 reserves 16384 MiB of memory; the largest instance the cluster can launch, m5.large, registers"),
        "{stderr}"
    );
    assert!(stderr.lines().any(|l| l.starts_with("note: ")), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
