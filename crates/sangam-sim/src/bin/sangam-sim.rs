//! Runs the simulator from the command line: one seed to replay a failure, or a range of
//! seeds for a long run, with the totals of what the runs did.
//!
//! ```text
//! sangam-sim --seed 42 [--steps 17]      replay one run (the first N steps only)
//! sangam-sim --seeds 0..100000 [--long]  run many; --long: up to 7 laptops, 400 steps
//! ```

use std::process::ExitCode;
use std::time::Instant;

use sangam_sim::{Config, Counts, run, shorten};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let long = args.iter().any(|a| a == "--long");
    let config_of = |seed: u64| {
        if long {
            Config::long(seed)
        } else {
            Config::small(seed)
        }
    };
    let parse = |text: &str, what: &str| -> u64 {
        text.parse().unwrap_or_else(|_| {
            eprintln!("sangam-sim: {what} must be a whole number, not {text:?}");
            std::process::exit(2)
        })
    };
    if let Some(seed) = value("--seed") {
        let seed = parse(&seed, "--seed");
        let steps = value("--steps").map(|s| parse(&s, "--steps") as usize);
        return match run(seed, &config_of(seed), steps) {
            Ok(outcome) => {
                println!("seed {seed}: passed");
                print_counts(&outcome.counts);
                ExitCode::SUCCESS
            }
            Err(failure) => {
                print!("{failure}");
                ExitCode::FAILURE
            }
        };
    }
    let range = value("--seeds").unwrap_or_else(|| "0..200".into());
    let Some((from, to)) = range.split_once("..") else {
        eprintln!("sangam-sim: --seeds takes FROM..TO, not {range:?}");
        return ExitCode::from(2);
    };
    let (from, to) = (parse(from, "--seeds"), parse(to, "--seeds"));
    let started = Instant::now();
    let mut totals = Counts::new();
    let mut failed = 0u64;
    for seed in from..to {
        let config = config_of(seed);
        match run(seed, &config, None) {
            Ok(outcome) => {
                for (what, n) in outcome.counts {
                    *totals.entry(what).or_default() += n;
                }
                *totals.entry("steps").or_default() += config.steps as u64;
            }
            Err(failure) => {
                failed += 1;
                print!("{}", shorten(seed, &config, failure));
            }
        }
        if (seed - from + 1) % 1000 == 0 {
            eprintln!(
                "{} seeds, {failed} failed, {:.0} s",
                seed - from + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "seeds {from}..{to}: {} passed, {failed} failed in {:.1} s",
        to - from - failed,
        started.elapsed().as_secs_f64()
    );
    print_counts(&totals);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_counts(counts: &Counts) {
    for (what, n) in counts {
        println!("  {what}: {n}");
    }
}
