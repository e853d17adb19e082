//! Work that one instance at a time may run (the IMAP intake of a mailbox, a Discord gateway):
//! it runs while this instance holds the named lock, and the others wait to take over. A holder
//! whose lock may be lost (its database session died) stops the work and queues again.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

/// How often a waiting instance asks for the lock, and a holder checks it still has it.
const CHECK: Duration = Duration::from_secs(2);

/// Runs `work` whenever this instance holds the lock `name`, until `stop` turns true. `work`
/// gets its own stop flag, raised on shutdown or when the lock is lost.
pub async fn exclusively<F, Fut, E>(
    store: &Store,
    name: &str,
    mut stop: watch::Receiver<bool>,
    mut work: F,
) -> Result<(), E>
where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let mut told = false;
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let mut lock = match store.try_lock(name).await {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                if !told {
                    tracing::info!(
                        lock = name,
                        "another instance holds it: waiting to take over"
                    );
                    told = true;
                }
                tokio::select! {
                    _ = tokio::time::sleep(CHECK) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            Err(e) => {
                tracing::error!(lock = name, error = %e, "cannot ask for the lock");
                tokio::select! {
                    _ = tokio::time::sleep(CHECK * 3) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
        };
        tracing::info!(lock = name, "lock taken: running");
        told = false;
        let (raise, lowered) = watch::channel(false);
        let running = work(lowered);
        tokio::pin!(running);
        let mut lost = false;
        let result = loop {
            tokio::select! {
                done = &mut running => break done,
                _ = stop.changed() => {
                    let _ = raise.send(true);
                    break running.await;
                }
                _ = tokio::time::sleep(CHECK) => {
                    if !lock.still_held().await {
                        tracing::warn!(lock = name, "lock lost: stopping until it is taken again");
                        lost = true;
                        let _ = raise.send(true);
                        break running.await;
                    }
                }
            }
        };
        lock.release().await;
        if !lost || *stop.borrow() {
            return result;
        }
    }
}
