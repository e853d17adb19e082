//! Classifier throughput on one core: messages per second for parsing alone (the baseline),
//! parsing + classification, and parsing + classification + drafting, over the bundled sample
//! mails repeated to a realistic volume; then classification alone on parsed mails, in
//! microseconds per message (the target is under 100 µs), against the same mails sorted with
//! every rule pattern run on every text (no literal prefilter) as the in-run baseline. Prints each
//! figure and its ratio to the baseline measured in the same run.
//!
//! Run: `cargo bench --bench classify` (`GUICHET_BENCH_MESSAGES=N` to change the volume).

use std::hint::black_box;
use std::time::{Duration, Instant};

use guichet::config::Territory;
use guichet::draft::{Drafter, ReplyInput};
use guichet::faq::Faq;
use guichet::inquiry::Channel;
use guichet::mail::{self, Limits};

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mail");
    let mut mails: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("examples/mail exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read(e.path()).expect("readable example"))
        .collect();
    mails.sort();
    assert!(!mails.is_empty(), "no sample mails in {}", dir.display());
    mails
}

fn measure(name: &str, n: usize, mut f: impl FnMut(usize)) -> Duration {
    // One warm-up pass, then the best of three timed passes.
    for i in 0..n.min(200) {
        f(i);
    }
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for i in 0..n {
            f(i);
        }
        best = best.min(start.elapsed());
    }
    println!(
        "{name:<28} {:>10.0} msg/s  ({n} messages in {:.3} s)",
        n as f64 / best.as_secs_f64(),
        best.as_secs_f64()
    );
    best
}

fn main() {
    let n: usize = std::env::var("GUICHET_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mails = corpus();
    let limits = Limits::default();
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    println!(
        "classifier benchmark: {} distinct sample mails, {n} messages per pass, one thread",
        mails.len()
    );

    let parse = measure("parse (baseline)", n, |i| {
        black_box(mail::parse(&mails[i % mails.len()], &limits).ok());
    });
    let classify = measure("parse + classify", n, |i| {
        if let Ok(m) = mail::parse(&mails[i % mails.len()], &limits) {
            black_box(faq.classify(&m));
        }
    });
    let draft = measure("parse + classify + draft", n, |i| {
        if let Ok(m) = mail::parse(&mails[i % mails.len()], &limits) {
            let c = faq.classify(&m);
            if !c.automatic {
                let input = ReplyInput {
                    message: &m,
                    classification: &c,
                    channel: Channel::Mail,
                    reference: Some("VSGP-2026-000001"),
                    engagement_days: 5,
                };
                black_box(drafter.reply(&faq, &input).ok());
            }
        }
    });
    let ratio = |d: Duration| d.as_secs_f64() / parse.as_secs_f64();
    println!(
        "time ratio to baseline: classify x{:.2}, draft x{:.2}",
        ratio(classify),
        ratio(draft)
    );

    let parsed: Vec<_> = mails
        .iter()
        .filter_map(|m| mail::parse(m, &limits).ok())
        .collect();
    let per_message = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    let unfiltered = measure("classify, no prefilter", n, |i| {
        black_box(faq.classify_unfiltered(&parsed[i % parsed.len()]));
    });
    let alone = measure("classify (parsed mail)", n, |i| {
        black_box(faq.classify(&parsed[i % parsed.len()]));
    });
    println!(
        "classification alone: {:.1} µs per message (baseline without prefilter {:.1} µs, x{:.2})",
        per_message(alone),
        per_message(unfiltered),
        alone.as_secs_f64() / unfiltered.as_secs_f64()
    );
}
