//! CPU work of a batch (parsing, classifying, rendering) off the async runtime, spread over the
//! machine's cores in order-preserving chunks, so the runtime keeps serving IMAP, the web and the
//! outbox while a backfill computes.

/// A worker thread ended without a result (it panicked): the batch is not recorded.
#[derive(Debug, thiserror::Error)]
#[error("a worker thread of the batch stopped: {0}")]
pub struct WorkerLost(pub String);

/// Below this many items one thread does it all (a thread costs more than a few items).
const PER_THREAD_MIN: usize = 16;

/// `f` applied to every item on the blocking pool, results in the items' order.
pub async fn map<T, R, F>(items: Vec<T>, f: F) -> Result<Vec<R>, WorkerLost>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    tokio::task::spawn_blocking(move || map_now(items, &f))
        .await
        .map_err(|e| WorkerLost(e.to_string()))?
}

/// The same, on the calling thread and scoped helpers (for code already off the runtime).
pub fn map_now<T, R, F>(mut items: Vec<T>, f: &F) -> Result<Vec<R>, WorkerLost>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / PER_THREAD_MIN).max(1);
    if threads == 1 {
        return Ok(items.into_iter().map(f).collect());
    }
    let per = items.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    while items.len() > per {
        let rest = items.split_off(per);
        chunks.push(std::mem::replace(&mut items, rest));
    }
    chunks.push(items);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| s.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.extend(h.join().map_err(|_| WorkerLost("panic".to_string()))?);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::map_now;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let out = map_now(items, &|i| i * 2).unwrap();
        assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(map_now(vec![3_u32], &|i| i + 1).unwrap(), vec![4]);
        assert!(map_now(Vec::<u32>::new(), &|i| i).unwrap().is_empty());
    }
}
