//! Drafting latency, beside the classifier: per message, parsing + classification (the baseline,
//! measured in the same run) and parsing + classification + draft (sentences, FAQ entries,
//! rendering), over the bundled sample mails and a typical three-question mail. Prints the mean
//! and the slowest message, and says whether a typical mail stays under 5 ms.
//!
//! Run: `cargo bench --bench draft` (`GUICHET_BENCH_ROUNDS=N` to change the repetitions).

use std::hint::black_box;
use std::time::{Duration, Instant};

use guichet::config::Territory;
use guichet::draft::{Drafter, ReplyInput};
use guichet::faq::Faq;
use guichet::inquiry::Channel;
use guichet::mail::{self, Limits};

/// A typical mail: a person, three questions, a signature.
const TYPICAL: &str = "From: Claire Moreau <claire.moreau@example.net>\r\n\
To: contact@valleesud.example\r\nSubject: Piscine de Clamart\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
Bonjour,\r\n\r\nCombien coûte une entrée adulte à la piscine de Clamart ? Est-elle ouverte \
pendant les vacances de Noël ?\r\nPar ailleurs, mon fils de 7 ans voudrait apprendre à nager : \
comment l'inscrire aux cours de natation ?\r\n\r\nMerci d'avance,\r\nClaire Moreau\r\n";

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mail");
    let mut mails: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("examples/mail exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read(e.path()).expect("readable example"))
        .collect();
    mails.sort();
    mails.push(TYPICAL.as_bytes().to_vec());
    mails
}

/// Mean and maximum time of `f` per message over `rounds` passes (after one warm-up pass).
fn per_message(rounds: usize, mails: &[Vec<u8>], mut f: impl FnMut(&[u8])) -> (Duration, Duration) {
    for m in mails {
        f(m);
    }
    let mut total = Duration::ZERO;
    let mut slowest = Duration::ZERO;
    for _ in 0..rounds {
        for m in mails {
            let start = Instant::now();
            f(m);
            let took = start.elapsed();
            total += took;
            slowest = slowest.max(took);
        }
    }
    (total / (rounds * mails.len()) as u32, slowest)
}

fn main() {
    let rounds: usize = std::env::var("GUICHET_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mails = corpus();
    let limits = Limits::default();
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date");
    let draft = |raw: &[u8]| {
        if let Ok(m) = mail::parse(raw, &limits) {
            let c = faq.classify(&m);
            if !c.automatic {
                let input = ReplyInput {
                    message: &m,
                    classification: &c,
                    channel: Channel::Mail,
                    reference: Some("VSGP-2026-000001"),
                    engagement_days: 5,
                    today,
                };
                black_box(drafter.reply(&faq, &input).ok());
            }
        }
    };
    let classify = |raw: &[u8]| {
        if let Ok(m) = mail::parse(raw, &limits) {
            black_box(faq.classify(&m));
        }
    };
    println!(
        "draft benchmark: {} mails × {rounds} rounds, one thread",
        mails.len()
    );
    let (base_mean, base_max) = per_message(rounds, &mails, classify);
    println!(
        "parse + classify (baseline)   mean {:>8.3} ms   slowest {:>8.3} ms",
        base_mean.as_secs_f64() * 1e3,
        base_max.as_secs_f64() * 1e3
    );
    let (mean, max) = per_message(rounds, &mails, draft);
    println!(
        "parse + classify + draft      mean {:>8.3} ms   slowest {:>8.3} ms   (x{:.2} the baseline)",
        mean.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        mean.as_secs_f64() / base_mean.as_secs_f64()
    );
    let typical = [TYPICAL.as_bytes().to_vec()];
    let (t_base, _) = per_message(rounds, &typical, classify);
    let (t_mean, t_max) = per_message(rounds, &typical, draft);
    println!(
        "typical three-question mail: draft alone {:.3} ms (mean), {:.3} ms with parsing and sorting, slowest {:.3} ms: {}",
        (t_mean.saturating_sub(t_base)).as_secs_f64() * 1e3,
        t_mean.as_secs_f64() * 1e3,
        t_max.as_secs_f64() * 1e3,
        if t_mean < Duration::from_millis(5) { "under 5 ms" } else { "OVER 5 ms" }
    );
}
