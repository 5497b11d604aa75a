//! Replays, through the fuzz targets' own checks, every input a libFuzzer target once
//! failed on (`fuzz/regressions/<target>/`) and the seeds (`fuzz/seeds/<target>/`), so a
//! fixed crash stays fixed and the checks keep compiling with the code they call.
//! `scripts/fuzz` explores; this runs in the ordinary test suite, no nightly flags.

#[allow(dead_code)]
#[path = "../../../../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;

fn inputs(folder: &str) -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(folder);
    let mut found = Vec::new();
    for target in checks::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else { continue };
        for entry in entries {
            found.push((target.to_string(), entry.unwrap().path()));
        }
    }
    found.sort();
    found
}

fn replay(folder: &str) -> usize {
    let found = inputs(folder);
    for (target, path) in &found {
        let data = std::fs::read(path).unwrap();
        // A panic names the file, so a failure says which input broke.
        let result = std::panic::catch_unwind(|| checks::check(target, &data));
        assert!(result.is_ok(), "{target}: {} fails again", path.display());
    }
    found.len()
}

#[test]
fn fuzz_regressions_stay_fixed() {
    assert!(replay("regressions") > 0, "fuzz/regressions holds the inputs that once failed");
}

#[test]
fn fuzz_seeds_pass_the_checks() {
    assert!(replay("seeds") >= 40);
    // The mail corpus is the mail target's seed too.
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/corpus");
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "eml") {
            checks::mail_ingest(&std::fs::read(&path).unwrap());
        }
    }
}
