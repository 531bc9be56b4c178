//! The node's side of lending: taking a co-op's replica out for a sync's work, and back.
//! Apart from [`super::Lending`], which the node holds and which knows nothing of it.

use sangam_model::CoopId;

use crate::node::Node;

impl Node {
    /// Lends `coop`'s replica (loading it if needed). The caller holds the co-op's lock.
    pub(crate) fn lend(&mut self, coop: CoopId) -> Result<super::Loan, crate::ApiError> {
        self.replica(coop)?;
        let replica = self.take_replica(coop);
        self.lent.insert(coop);
        Ok(super::Loan::new(self.lending.clone(), coop, replica))
    }

    /// Takes `coop`'s replica back into the node if it is lent, waiting for its lender to
    /// give it back. A lost one is dropped, so the next use reloads it from the log.
    pub(crate) fn recall(&mut self, coop: CoopId) {
        if !self.lent.remove(&coop) {
            return;
        }
        match self.lending.wait_for(coop) {
            Some(replica) => {
                self.replicas.insert(coop, replica);
            }
            None => self.forget(coop),
        }
    }

    /// Takes every lent replica back (before something that changes them all).
    pub(crate) fn recall_all(&mut self) {
        let lent: Vec<CoopId> = self.lent.iter().copied().collect();
        for coop in lent {
            self.recall(coop);
        }
    }

    /// Whether `coop`'s replica is lent now.
    pub(crate) fn is_lent(&self, coop: CoopId) -> bool {
        self.lent.contains(&coop)
    }
}
