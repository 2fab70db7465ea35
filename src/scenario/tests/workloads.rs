//! `[[workloads]]` (SPEC §3.10): what is kept in the model, and the problems of a trace CSV, each reported in
//! the trace file itself.

use std::path::PathBuf;

use super::*;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::model::{Pattern, WorkloadTarget};

/// Task definition `web`, REPLICA service `web` and target group `web-tg` (lines 4–12), then `rest`.
fn svc(rest: &str) -> String {
    format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"app\", image = \"i\", memory = 64 }}]\n\
         [[services]]\nname = \"web\"\ntask_definition = \"web\"\ndesired_count = 2\n\
         [[target_groups]]\nname = \"web-tg\"\n{rest}"
    )
}

/// A workload `w` on service `web` with `pattern`, on line 16.
fn workload(pattern: &str) -> String {
    svc(&format!(
        "[[workloads]]\nname = \"w\"\nservice = \"web\"\npattern = {pattern}\n"
    ))
}

/// A fresh directory holding `files`, removed when dropped: the base directory of a scenario whose trace
/// files are under test.
struct Dir(PathBuf);

impl Dir {
    fn with(name: &str, files: &[(&str, &[u8])]) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("ecsim-workloads-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (file, bytes) in files {
            std::fs::write(dir.join(file), bytes).expect("write trace");
        }
        Dir(dir)
    }

    fn load(&self, text: &str, overrides: &[&str]) -> Result<Loaded, super::super::Diagnostics> {
        let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        load_str("s.toml", text, &self.0, &o)
    }

    /// The problems of `text`, with this directory written `DIR`.
    fn problems(
        &self,
        text: &str,
        overrides: &[&str],
    ) -> Vec<(String, usize, usize, String, String)> {
        let dir = self.0.display().to_string();
        match self.load(text, overrides) {
            Ok(_) => panic!("expected problems:\n{text}"),
            Err(d) => {
                d.0.into_iter()
                    .map(|d| {
                        (
                            d.file.replace(&dir, "DIR"),
                            d.line,
                            d.column,
                            d.snippet.clone(),
                            d.message.replace(&dir, "DIR"),
                        )
                    })
                    .collect()
            }
        }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn workloads_keep_their_target_pattern_and_noise() {
    let s = load_fixture("full.toml")
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
        .scenario;
    let tg = s.target_groups.iter().position(|t| t.name == "web-tg");
    let api = s.services.iter().position(|t| t.name == "api");
    let traffic = &s.workloads[0];
    assert_eq!(traffic.name, "traffic");
    assert_eq!(Some(traffic.target), tg.map(WorkloadTarget::TargetGroup));
    assert_eq!(
        traffic.pattern,
        Pattern::Diurnal {
            min_rps: 10.0,
            max_rps: 100.0,
            peak_at: SimDuration::from_secs(14 * 3600)
        }
    );
    assert_eq!(traffic.noise, 0.1);
    let replay = &s.workloads[1];
    assert_eq!(Some(replay.target), api.map(WorkloadTarget::Service));
    assert_eq!(
        replay.pattern,
        Pattern::Trace {
            points: vec![(SimTime::ZERO, 10.0), (SimTime::from_secs(60), 20.5)]
        }
    );
    assert_eq!(replay.noise, 0.0);
}

#[test]
fn steps_spikes_and_constants_keep_their_fields_as_instants_since_t0() {
    let pattern = |p: &str| {
        let loaded = load_toml(&workload(p)).unwrap_or_else(|d| panic!("{}", d.render(false)));
        loaded.scenario.workloads[0].pattern.clone()
    };
    assert_eq!(
        pattern("{ type = \"constant\", rps = 12.5 }"),
        Pattern::Constant { rps: 12.5 }
    );
    assert_eq!(
        pattern(
            "{ type = \"steps\", steps = [{ at = \"0s\", rps = 5 }, { at = \"1h30m\", rps = 50 }] }"
        ),
        Pattern::Steps {
            steps: vec![(SimTime::ZERO, 5.0), (SimTime::from_secs(5400), 50.0)]
        }
    );
    assert_eq!(
        pattern(
            "{ type = \"spike\", base_rps = 10, peak_rps = 200, at = \"2h\", duration = \"5m\" }"
        ),
        Pattern::Spike {
            base_rps: 10.0,
            peak_rps: 200.0,
            at: SimTime::from_secs(7200),
            duration: SimDuration::from_secs(300)
        }
    );
}

#[test]
fn a_target_group_arn_names_the_target_group() {
    let text = svc(
        "[[workloads]]\nname = \"w\"\ntarget_group = \"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/6d0e\"\n\
         pattern = { type = \"constant\", rps = 1 }\nnoise = 0.25\n",
    );
    let w = &load_toml(&text).expect("valid").scenario.workloads[0];
    assert_eq!((w.target, w.noise), (WorkloadTarget::TargetGroup(0), 0.25));
}

#[test]
fn workloads_need_exactly_one_target_and_a_valid_pattern() {
    let e = errors(&svc(
        "[[workloads]]\nname = \"w\"\npattern = { type = \"diurnal\", min_rps = 10, max_rps = 5, peak_at = \"25:00\" }\n",
    ));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "workload `w` has no target",
            "max_rps 5 is below min_rps 10",
            "`25:00` is not a time of day"
        ]
    );
    let d = one_error(&workload("{ type = \"constnt\", rps = 1 }"));
    assert_eq!(d.hint.as_deref(), Some("did you mean `constant`?"));
}

#[test]
fn a_steps_pattern_needs_a_step_and_increasing_ats() {
    let d = one_error(&workload("{ type = \"steps\", steps = [] }"));
    assert_eq!(d.message, "a steps pattern needs at least one step");
    let d = one_error(&workload(
        "{ type = \"steps\", steps = [{ at = \"1m\", rps = 1 }, { at = \"60s\", rps = 2 }] }",
    ));
    assert_eq!(d.message, "step at 1m is not after the previous step (1m)");
}

#[test]
fn a_workload_trace_file_must_exist_and_have_the_header() {
    let d = one_error(&workload("{ type = \"trace\", file = \"missing.csv\" }"));
    assert!(
        d.message.starts_with("cannot read trace file"),
        "{}",
        d.message
    );
    // An unreadable file is reported where the scenario names it.
    assert_eq!(
        (d.file.as_str(), d.line, d.snippet.as_str()),
        ("s.toml", 16, "\"missing.csv\"")
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("the path is relative to the scenario file's directory")
    );
}

#[test]
fn trace_problems_are_reported_in_the_trace_file_at_the_cell() {
    let dir = Dir::with(
        "cells",
        &[("t.csv", b"time_s,rps\n0,10\n60,abc\n30,-1\n90,5,7\n")],
    );
    let text = workload("{ type = \"trace\", file = \"t.csv\" }");
    let want = [
        ("DIR/t.csv", 3, 4, "abc", "rps `abc` is not a number"),
        ("DIR/t.csv", 4, 4, "-1", "rps -1 is negative"),
        (
            "DIR/t.csv",
            5,
            5,
            ",7",
            "row has 3 cells; a row is time_s,rps",
        ),
    ]
    .map(|(f, l, c, s, m)| (f.to_string(), l, c, s.to_string(), m.to_string()));
    assert_eq!(dir.problems(&text, &[]), want);
}

#[test]
fn trace_times_must_increase_and_the_message_names_the_previous_line() {
    let dir = Dir::with(
        "order",
        &[("t.csv", b"time_s,rps\r\n0,1\r\n60,1\r\n 30 ,1\r\n")],
    );
    let text = workload("{ type = \"trace\", file = \"t.csv\" }");
    assert_eq!(
        dir.problems(&text, &[]),
        [(
            "DIR/t.csv".to_string(),
            4,
            2,
            "30".to_string(),
            "time_s 30 is not after the previous row's time_s 60 (line 3)".to_string()
        )]
    );
}

#[test]
fn a_trace_without_header_with_a_wrong_one_or_empty_is_reported_at_its_first_line() {
    let dir = Dir::with(
        "header",
        &[
            ("none.csv", b"0,10\n60,20\n"),
            ("wrong.csv", b"seconds,requests\n0,10\n"),
            ("wide.csv", b"time_s,rps,zone\n0,10,a\n"),
            ("empty.csv", b""),
            ("bare.csv", b"time_s,rps\n"),
            ("latin1.csv", b"time_s,rps\n0,10\xe9\n"),
        ],
    );
    let got = |file: &str| {
        let text = workload(&format!("{{ type = \"trace\", file = \"{file}\" }}"));
        let mut p = dir.problems(&text, &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        let (f, line, col, _, message) = p.remove(0);
        assert_eq!(f, format!("DIR/{file}"));
        (line, col, message)
    };
    let want = |line, col, m: &str| (line, col, m.to_string());
    assert_eq!(
        got("none.csv"),
        want(
            1,
            1,
            "the trace has no header: its first line is a row of numbers"
        )
    );
    assert_eq!(
        got("wrong.csv"),
        want(
            1,
            1,
            "expected the header `time_s,rps`, found `seconds,requests`"
        )
    );
    assert_eq!(
        got("wide.csv"),
        want(
            1,
            11,
            "unexpected column `zone` in the header: a trace has two columns, time_s,rps"
        )
    );
    assert_eq!(got("empty.csv"), want(1, 1, "the trace file is empty"));
    assert_eq!(
        got("bare.csv"),
        want(1, 1, "the trace has a header but no rows")
    );
    assert_eq!(
        got("latin1.csv"),
        want(
            2,
            5,
            "the trace file is not UTF-8: this byte is not valid UTF-8"
        )
    );
}

#[test]
fn a_bad_trace_shared_by_two_workloads_is_reported_once() {
    let dir = Dir::with("shared", &[("t.csv", b"time_s,rps\n0,x\n")]);
    let text = svc(
        "[[workloads]]\nname = \"a\"\nservice = \"web\"\npattern = { type = \"trace\", file = \"t.csv\" }\n\
         [[workloads]]\nname = \"b\"\nservice = \"web\"\npattern = { type = \"trace\", file = \"t.csv\" }\n",
    );
    assert_eq!(dir.problems(&text, &[]).len(), 1);
}

// SPEC §1: `--set` overrides any field; the model is built after overrides are applied.
#[test]
fn set_overrides_reach_a_workloads_pattern_noise_and_trace_file() {
    let dir = Dir::with(
        "set",
        &[
            ("a.csv", b"time_s,rps\n0,1\n"),
            ("b.csv", b"time_s,rps\n0,2\n10,3\n"),
        ],
    );
    let text = workload("{ type = \"trace\", file = \"a.csv\" }");
    let loaded = dir
        .load(
            &text,
            &[
                "workloads.w.pattern.file=\"b.csv\"",
                "workloads.w.noise=0.3",
            ],
        )
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let w = &loaded.scenario.workloads[0];
    assert_eq!(
        w.pattern,
        Pattern::Trace {
            points: vec![(SimTime::ZERO, 2.0), (SimTime::from_secs(10), 3.0)]
        }
    );
    assert_eq!(w.noise, 0.3);
    let loaded = dir
        .load(
            &text,
            &["workloads.w.pattern={ type = \"constant\", rps = 9 }"],
        )
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(
        loaded.scenario.workloads[0].pattern,
        Pattern::Constant { rps: 9.0 }
    );
}

#[test]
fn a_variant_pointing_at_a_bad_trace_is_reported_at_the_variant() {
    let dir = Dir::with(
        "variant",
        &[
            ("a.csv", b"time_s,rps\n0,1\n"),
            ("bad.csv", b"time_s,rps\n0,-2\n"),
        ],
    );
    let text = format!(
        "{}[[variants]]\nname = \"replay-bad\"\nset = {{ \"workloads.w.pattern.file\" = \"bad.csv\" }}\n",
        workload("{ type = \"trace\", file = \"a.csv\" }")
    );
    let p = dir.problems(&text, &[]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].0.as_str(), p[0].1, p[0].4.as_str()),
        (
            "s.toml",
            19,
            "variant `replay-bad` makes the scenario invalid: rps -2 is negative (at DIR/bad.csv:2:3)"
        )
    );
}
