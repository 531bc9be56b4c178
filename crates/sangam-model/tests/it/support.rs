//! Small builders for signed records (the model cannot use sangam-testkit without a cycle).

use sangam_model::body::{
    DeviceAdd, Genesis, MemberAdmit, MemberLeave, MemberRemove, MemberUpdate,
};
use sangam_model::{Body, Bylaws, CoopId, Draft, Fold, Record, RecordId, SecretKey};

/// A member with a seeded member key and device key.
pub struct Person {
    pub key: SecretKey,
    pub device: SecretKey,
}

pub fn person(n: u8) -> Person {
    Person {
        key: SecretKey::from_seed([n; 32]),
        device: SecretKey::from_seed([n.wrapping_add(100); 32]),
    }
}

pub fn genesis(founder: &Person) -> Record {
    let body = Body::CoopGenesis(Genesis {
        name: "River Bakery".into(),
        currency: "EUR".into(),
        bylaws: Bylaws::default(),
        founder_name: "Asha".into(),
        device: founder.device.public(),
        nonce: "00112233445566778899aabbccddeeff".into(),
    });
    Draft {
        coop: None,
        at: 1_000,
        deps: vec![],
        body,
    }
    .sign(&founder.key)
    .expect("genesis signs")
}

pub fn record(coop: CoopId, author: &Person, deps: &[&Record], at: i64, body: Body) -> Record {
    let deps: Vec<RecordId> = deps.iter().map(|r| r.id()).collect();
    Draft {
        coop: Some(coop),
        at,
        deps,
        body,
    }
    .sign(&author.key)
    .expect("record signs")
}

pub fn admit(who: &Person, name: &str) -> Body {
    Body::MemberAdmit(MemberAdmit {
        member: who.key.public(),
        name: name.into(),
    })
}

pub fn remove(who: &Person) -> Body {
    Body::MemberRemove(MemberRemove {
        member: who.key.public(),
        reason: "test".into(),
    })
}

pub fn leave() -> Body {
    Body::MemberLeave(MemberLeave {})
}

pub fn rename(name: &str) -> Body {
    Body::MemberUpdate(MemberUpdate {
        name: Some(name.into()),
        contact: None,
    })
}

pub fn add_device(device: &SecretKey) -> Body {
    Body::DeviceAdd(DeviceAdd {
        device: device.public(),
        name: "laptop".into(),
    })
}

pub fn fold(coop: CoopId, records: impl IntoIterator<Item = Record>) -> Fold {
    let mut fold = Fold::new(coop);
    for r in records {
        fold.add(r);
    }
    fold
}

/// Every permutation of `items` (Heap's algorithm); fine for up to 6 items.
pub fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    fn heap<T: Clone>(k: usize, a: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        heap(k - 1, a, out);
        for i in 0..k - 1 {
            if k.is_multiple_of(2) {
                a.swap(i, k - 1)
            } else {
                a.swap(0, k - 1)
            }
            heap(k - 1, a, out);
        }
    }
    let mut out = Vec::new();
    heap(items.len(), &mut items.to_vec(), &mut out);
    out
}
