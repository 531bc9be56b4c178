//! Dev-only helpers that keep Sangam's tests short: seeded people, genesis bodies, forged
//! changes for adversarial tests, and the fuzz entry points. Temporary homes are made by
//! each front end's own tests (a `Home` in core's, a `sangam` process in the CLI's).
//!
//! Never a dependency of production code.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};
use sangam_model::body::{DeviceAdd, Genesis, MemberAdmit, MemberRemove, MemberUpdate};
use sangam_model::{
    Body, Bylaws, CoopId, Draft, PublicKey, Record, RecordId, SecretKey, Timestamp,
};
use sangam_replica::change::sign_change;
use sangam_replica::{RawChange, Replica, SignedChange, Trust};

pub mod fuzz;

/// A member with a seeded member key and one seeded device.
pub struct Person {
    /// Display name.
    pub name: String,
    /// Member key.
    pub member: SecretKey,
    /// First device key.
    pub device: SecretKey,
}

impl Person {
    /// A person whose keys derive from `n` (distinct `n`, distinct keys).
    pub fn seeded(n: u8, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            member: SecretKey::from_seed([n; 32]),
            device: SecretKey::from_seed(device_seed(n, 0)),
        }
    }

    /// A person for large tests, with keys derived from a wider index.
    pub fn seeded_wide(n: u32, name: &str) -> Self {
        let mut member = [0x5e; 32];
        member[..4].copy_from_slice(&n.to_be_bytes());
        let mut device = [0xde; 32];
        device[..4].copy_from_slice(&n.to_be_bytes());
        Self {
            name: name.to_owned(),
            member: SecretKey::from_seed(member),
            device: SecretKey::from_seed(device),
        }
    }

    /// Another device of this person.
    pub fn other_device(&self, k: u8) -> SecretKey {
        SecretKey::from_seed(device_seed(self.member.to_seed()[0], k))
    }

    /// The member public key.
    pub fn key(&self) -> PublicKey {
        self.member.public()
    }
}

fn device_seed(n: u8, k: u8) -> [u8; 32] {
    let mut seed = [0xd0; 32];
    seed[0] = n;
    seed[1] = k;
    seed
}

/// A genesis body founded by `founder` on their first device.
pub fn genesis_body(founder: &Person) -> Genesis {
    Genesis {
        name: "River Bakery".into(),
        currency: "EUR".into(),
        bylaws: Bylaws::default(),
        founder_name: founder.name.clone(),
        device: founder.device.public(),
        nonce: "0123456789abcdef0123456789abcdef".into(),
    }
}

/// Founds a co-op on `founder`'s first device.
pub fn found(founder: &Person, now: Timestamp) -> (Replica, SignedChange) {
    let (replica, _, change) =
        Replica::found(genesis_body(founder), &founder.member, &founder.device, now)
            .expect("founding succeeds");
    (replica, change)
}

/// `member.admit` of `who`.
pub fn admit(who: &Person) -> Body {
    Body::MemberAdmit(MemberAdmit {
        member: who.key(),
        name: who.name.clone(),
    })
}

/// `member.remove` of `who`.
pub fn remove(who: &Person) -> Body {
    Body::MemberRemove(MemberRemove {
        member: who.key(),
        reason: "test".into(),
    })
}

/// `member.update` renaming the author.
pub fn rename(name: &str) -> Body {
    Body::MemberUpdate(MemberUpdate {
        name: Some(name.into()),
        contact: None,
    })
}

/// `device.add` of `device`.
pub fn add_device(device: &SecretKey) -> Body {
    Body::DeviceAdd(DeviceAdd {
        device: device.public(),
        name: "laptop".into(),
    })
}

/// Raw forms of signed changes, as a peer or a bundle delivers them.
pub fn raw(changes: &[SignedChange]) -> Vec<RawChange> {
    changes.iter().map(SignedChange::to_raw).collect()
}

/// A fresh replica for `device` holding everything `from` has (all verified).
pub fn copy_of(from: &mut Replica, device: &SecretKey) -> Replica {
    let mut copy = Replica::new(from.coop(), device.public());
    let admitted = copy.admit(
        raw(&from.changes_since(&[])),
        Trust::Verify { now: i64::MAX },
    );
    assert!(
        admitted.rejected.is_empty(),
        "copy refused changes: {:?}",
        admitted.rejected
    );
    copy
}

/// Signs a record by `author` outside any replica, so it can say anything.
pub fn sign_record(
    coop: CoopId,
    author: &SecretKey,
    deps: Vec<RecordId>,
    at: Timestamp,
    body: Body,
) -> Record {
    Draft {
        coop: Some(coop),
        at,
        deps,
        body,
    }
    .sign(author)
    .expect("record signs")
}

/// Builds a change by hand, as a hostile peer could: on top of `base`'s document, with
/// `actor` as the actor id, putting each `(key, value)` at the root, signed by `signer`.
/// Nothing checks that any of it is allowed.
pub fn forge_change(
    base: &mut Replica,
    actor: &PublicKey,
    puts: &[(String, String)],
    signer: &SecretKey,
    now: Timestamp,
) -> RawChange {
    let mut doc = Automerge::load(&base.save()).expect("a saved document loads");
    doc.set_actor(ActorId::from(actor.as_bytes()));
    let mut tx = doc.transaction();
    for (key, value) in puts {
        tx.put(ROOT, key.as_str(), value.as_str()).expect("put");
    }
    let (hash, _) = tx.commit_with(CommitOptions::default().with_time(now.div_euclid(1000)));
    let hash = hash.expect("a change");
    let change = automerge::ReadDoc::get_change_by_hash(&doc, &hash).expect("just made");
    sign_change(base.coop(), hash, change.raw_bytes().to_vec(), signer).to_raw()
}

/// A record's root-map entry: its id and its JSON.
pub fn entry(record: &Record) -> (String, String) {
    (record.id().to_string(), record.json().to_owned())
}

/// Every change of `replica` as a bundle file's bytes: how a test or a benchmark hands a
/// home a co-op built in memory.
pub fn bundle_of(replica: &mut Replica) -> Vec<u8> {
    sangam_replica::Bundle {
        coop: replica.coop(),
        heads: replica.heads(),
        changes: replica
            .changes_since(&[])
            .iter()
            .map(SignedChange::to_raw)
            .collect(),
    }
    .encode()
}
