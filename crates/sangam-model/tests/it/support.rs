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
    genesis_with(founder, Bylaws::default())
}

pub fn genesis_with(founder: &Person, bylaws: Bylaws) -> Record {
    let body = Body::CoopGenesis(Genesis {
        name: "River Bakery".into(),
        currency: "EUR".into(),
        bylaws,
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

use sangam_model::PublicKey;
use sangam_model::body::{
    Ballot, Choice, Effect, Fraction, Method, ProposalClose, ProposalOpen, ProxyGrant, Vote,
};

/// A yes/no proposal open to `electorate`, closing at `closes_at`.
pub fn yes_no(electorate: &[&Person], closes_at: i64, threshold: Fraction, quorum_pct: u8) -> Body {
    let mut keys: Vec<PublicKey> = electorate.iter().map(|p| p.key.public()).collect();
    keys.sort();
    Body::ProposalOpen(ProposalOpen {
        title: "Buy a new oven".into(),
        text: "We buy the oven from the co-op down the road for 4,000 EUR.".into(),
        method: Method::YesNo,
        options: vec![],
        seats: None,
        template: None,
        nominated: None,
        quorum_pct,
        threshold,
        closes_at,
        electorate: keys,
        effect: None,
        revises: None,
    })
}

pub fn with_effect(body: Body, effect: Effect) -> Body {
    match body {
        Body::ProposalOpen(mut open) => {
            open.effect = Some(effect);
            Body::ProposalOpen(open)
        }
        other => other,
    }
}

pub fn vote(proposal: &Record, seq: u64, vote: Vote) -> Body {
    Body::Ballot(Ballot {
        proposal: proposal.id(),
        seq,
        choice: Choice::Vote(vote),
    })
}

pub fn proxy(proposal: &Record, holder: &Person, seq: u64) -> Body {
    Body::ProxyGrant(ProxyGrant {
        proposal: proposal.id(),
        holder: holder.key.public(),
        seq,
    })
}

pub fn close(proposal: &Record, ballots: &[&Record], proxies: &[&Record]) -> Body {
    let mut ballots: Vec<_> = ballots.iter().map(|r| r.id()).collect();
    ballots.sort();
    let mut proxies: Vec<_> = proxies.iter().map(|r| r.id()).collect();
    proxies.sort();
    Body::ProposalClose(ProposalClose {
        proposal: proposal.id(),
        ballots,
        proxies,
    })
}

/// Five members; returns the people and the records admitting them.
pub fn five() -> (Vec<Person>, Vec<Record>) {
    let people: Vec<Person> = (1..=5).map(person).collect();
    let g = genesis(&people[0]);
    let coop = g.id();
    let mut records = vec![g];
    for (i, p) in people.iter().enumerate().skip(1) {
        let last = records.last().expect("genesis").clone();
        records.push(record(
            coop,
            &people[0],
            &[&last],
            1_000 + i as i64,
            admit(p, "M"),
        ));
    }
    (people, records)
}
