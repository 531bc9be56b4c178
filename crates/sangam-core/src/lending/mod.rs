//! Per co-op locks for a sync's work on a co-op's document.
//!
//! A sync message over a large co-op's document (applying the changes it waits for,
//! generating a message, saving a snapshot) can take a second. Done under the node's lock
//! it held up every other co-op's sessions and the window for that long. Instead the
//! replica is *lent* out of the node: taken out under the node lock, worked on with no
//! node lock held, and given back. Only the document is touched while it is lent, never
//! what the replica has admitted, so the change log and the replica never disagree.
//!
//! The rules that keep this free of deadlocks:
//! - a lender takes its co-op's lock first and the node lock after, briefly; two lenders of
//!   one co-op wait for each other on the co-op lock, never while holding the node lock;
//! - a lender gives the replica back without the node lock ([`Lending::give_back`]), so
//!   code that holds the node lock may wait for a lent replica (`Node::recall`, in `lending/node.rs`): the
//!   lender needs nothing it holds;
//! - a replica whose lender panicked is given back as lost, and reloaded from the log.

mod node;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use sangam_model::CoopId;
use sangam_replica::Replica;

/// The co-op locks and the replicas given back but not yet in the node again.
#[derive(Default)]
pub(crate) struct Lending {
    locks: Mutex<HashMap<CoopId, Arc<Mutex<()>>>>,
    /// A lent replica given back: `None` if its lender panicked with it.
    returned: Mutex<HashMap<CoopId, Option<Replica>>>,
    back: Condvar,
}

impl Lending {
    /// The lock of one co-op's document work.
    pub(crate) fn coop_lock(&self, coop: CoopId) -> Arc<Mutex<()>> {
        lock(&self.locks).entry(coop).or_default().clone()
    }

    /// Gives a lent replica back (`None`: lost), without the node lock.
    fn give_back(&self, coop: CoopId, replica: Option<Replica>) {
        lock(&self.returned).insert(coop, replica);
        self.back.notify_all();
    }

    /// Waits until `coop`'s lent replica is given back, and takes it.
    pub(crate) fn wait_for(&self, coop: CoopId) -> Option<Replica> {
        let mut returned = lock(&self.returned);
        loop {
            if let Some(replica) = returned.remove(&coop) {
                return replica;
            }
            returned = self
                .back
                .wait(returned)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A replica out of the node. Dropped without [`Loan::give_back`] (a panic in the work),
/// it is given back as lost.
pub(crate) struct Loan {
    lending: Arc<Lending>,
    coop: CoopId,
    replica: Option<Replica>,
}

impl Loan {
    /// `coop`'s replica, lent out of the node until the loan is given back or dropped.
    pub(crate) fn new(lending: Arc<Lending>, coop: CoopId, replica: Replica) -> Self {
        Self {
            lending,
            coop,
            replica: Some(replica),
        }
    }

    pub(crate) fn replica(&mut self) -> &mut Replica {
        self.replica.as_mut().expect("held until given back")
    }

    /// Gives the replica back; the next use of the co-op in the node takes it in.
    pub(crate) fn give_back(mut self) {
        let replica = self.replica.take();
        self.lending.give_back(self.coop, replica);
    }
}

impl Drop for Loan {
    fn drop(&mut self) {
        if let Some(replica) = self.replica.take() {
            // Given back in the middle of the work: its document may be half changed.
            drop(replica);
            self.lending.give_back(self.coop, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::panic::AssertUnwindSafe;
    use std::sync::mpsc;
    use std::time::Duration;

    use sangam_model::CoopId;

    use crate::Home;

    /// A home with its member and two co-ops.
    fn home_with_two_coops(dir: &tempfile::TempDir) -> (Home, CoopId, CoopId) {
        let (home, x) = crate::home::founded(&dir.path().join("home"));
        let y = home
            .create_coop("Garden", "EUR")
            .expect("y")
            .id
            .parse()
            .expect("id");
        (home, x, y)
    }

    #[test]
    fn while_one_co_ops_document_is_busy_another_co_op_syncs_writes_and_reads() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, x, y) = home_with_two_coops(&dir);
        let (started, has_started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let busy = {
            let home = home.clone();
            std::thread::spawn(move || {
                home.shared.on_document(x, |_| {
                    started.send(()).expect("main waits");
                    // A second's work on a large document, drawn out until told.
                    released.recv_timeout(Duration::from_secs(120)).is_ok()
                })
            })
        };
        has_started.recv().expect("the work started");
        let (done, is_done) = mpsc::channel();
        let other = {
            let home = home.clone();
            std::thread::spawn(move || {
                let heads = home
                    .shared
                    .on_document(y, |r| r.heads())
                    .expect("y's document");
                home.update_profile(y, None, Some("by the gate"))
                    .expect("a write to y");
                let members = home.members(y).expect("a read of y");
                done.send((heads.len(), members.len())).expect("main waits");
            })
        };
        // Not a timing: with one lock for the whole node this never comes, and the
        // wait only keeps the test from hanging.
        let served = is_done.recv_timeout(Duration::from_secs(60));
        release.send(()).expect("the work waits");
        let finished = busy.join().expect("no panic").expect("x's document");
        assert_eq!(
            served.expect("co-op Garden was served while Bakery's document was busy"),
            (1, 1)
        );
        assert!(finished, "the busy work was released, not timed out");
        other.join().expect("no panic");
        // Bakery's replica is back in the node and takes writes.
        assert!(!home.node().is_lent(x));
        let me = home
            .update_profile(x, None, Some("at the oven"))
            .expect("a write to x after");
        assert_eq!(me.contact.as_deref(), Some("at the oven"));
    }

    #[test]
    fn a_replica_whose_lender_panicked_is_reloaded_from_the_log() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, x, _) = home_with_two_coops(&dir);
        home.update_profile(x, None, Some("at the oven"))
            .expect("a write");
        let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| {
            home.shared
                .on_document(x, |_| panic!("the document work failed"))
        }));
        assert!(panicked.is_err());
        assert!(
            home.node().is_lent(x),
            "given back as lost, not yet recalled"
        );
        assert_eq!(home.devices(x).expect("reloaded from the log").len(), 1);
        assert!(!home.node().is_lent(x));
        let me = home
            .update_profile(x, None, Some("by the door"))
            .expect("a write after");
        assert_eq!(me.contact.as_deref(), Some("by the door"));
    }
}
