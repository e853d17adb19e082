//! Backfill progress: a bar redrawn in place when stderr is a terminal, else one log line per
//! batch (services and CI logs).

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Progress of one backfill.
pub struct Progress {
    total: usize,
    done: usize,
    started: Instant,
    terminal: bool,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A batch of `n` messages is stored.
    pub fn advance(&mut self, mailbox: &str, n: usize) {
        self.done = (self.done + n).min(self.total);
        let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        if self.terminal {
            let width = 30;
            let filled = width * self.done / self.total.max(1);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{mailbox} [{}{}] {}/{} ({rate:.0} msg/s)",
                "#".repeat(filled),
                ".".repeat(width - filled),
                self.done,
                self.total
            );
            if self.done == self.total {
                let _ = writeln!(err);
            }
        } else {
            tracing::info!(
                mailbox,
                done = self.done,
                total = self.total,
                rate = rate as u64,
                "backfill batch stored"
            );
        }
    }
}
