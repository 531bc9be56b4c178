//! The event stream: what subscribers hear, in what order, and that every public write
//! reaches a peer in a live session. Real homes, real endpoints on loopback.

use std::time::Duration;

use sangam_core::{Choice, Event, Method, Origin, ProposalDraft, PublicKey, Vote};
use tempfile::TempDir;
use tokio::sync::broadcast::Receiver;

use crate::net::{Laptop, coop_of, key};

/// The next event `keep` accepts, within a few seconds; the others are skipped.
async fn next_matching(
    events: &mut Receiver<Event>,
    what: &str,
    mut keep: impl FnMut(&Event) -> bool,
) -> Event {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(event) if keep(&event) => return event,
                Ok(_) => continue,
                Err(e) => panic!("the event stream broke off: {e}"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("never heard: {what}"))
}

/// The id of the next record of `kind` stored from `device`.
async fn from_peer(
    heard: &mut Receiver<Event>,
    kind: &str,
    device: PublicKey,
) -> sangam_core::RecordId {
    let event = next_matching(heard, kind, |e| {
        matches!(e, Event::RecordAdded { kind: k, origin, .. }
            if k.as_str() == kind && *origin == Origin::Peer { device })
    })
    .await;
    match event {
        Event::RecordAdded { id, .. } => id,
        _ => unreachable!("matched a record"),
    }
}

fn device_of(home: &Laptop) -> PublicKey {
    crate::pk(&home.shared.identity().expect("id").device)
}

fn yes_no(title: &str, closes_at: i64) -> ProposalDraft {
    ProposalDraft {
        title: title.into(),
        text: String::new(),
        method: Method::YesNo,
        options: vec![],
        seats: None,
        template: None,
        quorum_pct: None,
        threshold: None,
        closes_at,
        effect: None,
    }
}

/// Opens a live session from `from` to `to` for `coop`, kept until the test ends.
fn live(from: &Laptop, to: &Laptop, coop: sangam_core::CoopId) {
    let (net, addr) = (from.net.dialer(), to.net.addr());
    tokio::spawn(async move {
        let _ = net.sync_with(addr, coop, true).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_hears_the_peer_then_progress_then_the_record_then_the_tally() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    let day = asha.shared.now() + 86_400_000;
    let proposal = asha
        .shared
        .propose(coop, yes_no("Buy an oven", day))
        .expect("propose");
    let proposal = crate::rid(&proposal.id);
    let asha_device = device_of(asha);
    let mut heard = bo.shared.subscribe();
    live(bo, asha, coop);

    let first = next_matching(&mut heard, "peer connected", |e| {
        matches!(e, Event::PeerConnected { .. })
    })
    .await;
    assert!(
        matches!(first, Event::PeerConnected { device, member: Some(_), .. } if device == asha_device),
        "{first:?}"
    );
    // The proposal Asha opened before the session comes across first.
    next_matching(
        &mut heard,
        "the proposal",
        |e| matches!(e, Event::RecordAdded { kind, .. } if kind.as_str() == "proposal.open"),
    )
    .await;

    let ballot = asha
        .shared
        .vote(coop, proposal, Choice::Vote(Vote::Yes))
        .expect("vote");
    assert_eq!(ballot.ballots_counted, 1);
    // In order: the changes arriving, the ballot stored (from Asha's device), its tally.
    let progress = next_matching(&mut heard, "sync progress", |e| {
        matches!(e, Event::SyncProgress { .. } | Event::RecordAdded { .. })
    })
    .await;
    assert!(
        matches!(progress, Event::SyncProgress { device, received, .. } if device == asha_device && received > 0),
        "progress comes before the record: {progress:?}"
    );
    let record = next_matching(&mut heard, "the ballot", |e| {
        matches!(e, Event::RecordAdded { .. } | Event::TallyChanged { .. })
    })
    .await;
    match record {
        Event::RecordAdded {
            coop: c,
            kind,
            author,
            origin,
            ..
        } => {
            assert_eq!(c, coop);
            assert_eq!(kind.as_str(), "ballot");
            assert_eq!(author, crate::pk(&key(asha)));
            assert_eq!(
                origin,
                Origin::Peer {
                    device: asha_device
                }
            );
        }
        other => panic!("the record comes before its tally: {other:?}"),
    }
    let tally = next_matching(&mut heard, "the tally", |e| {
        matches!(e, Event::TallyChanged { .. })
    })
    .await;
    assert_eq!(
        tally,
        Event::TallyChanged { coop, proposal },
        "the ballot's proposal"
    );
    assert_eq!(
        bo.shared
            .tally(coop, proposal)
            .expect("tally")
            .ballots_counted,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_write_reaches_a_peer_in_a_live_session() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo", "cy"]).await;
    let (asha, bo, cy) = (&homes[0], &homes[1], &homes[2]);
    let asha_device = device_of(asha);
    let mut heard = bo.shared.subscribe();
    live(bo, asha, coop);
    next_matching(&mut heard, "the session", |e| {
        matches!(e, Event::PeerConnected { .. })
    })
    .await;
    // Each write on Asha's laptop must reach Bo's as a record from her device, without
    // anything but the write being done.
    let day = asha.shared.now() + 86_400_000;
    asha.shared
        .update_profile(coop, Some("Asha A"), None)
        .expect("rename");
    from_peer(&mut heard, "member.update", asha_device).await;
    let oven = crate::rid(
        &asha
            .shared
            .propose(coop, yes_no("Oven", day))
            .expect("p")
            .id,
    );
    assert_eq!(
        from_peer(&mut heard, "proposal.open", asha_device).await,
        oven
    );
    asha.shared
        .vote(coop, oven, Choice::Vote(Vote::Yes))
        .expect("vote");
    from_peer(&mut heard, "ballot", asha_device).await;
    asha.shared
        .proxy(coop, oven, crate::pk(&key(bo)))
        .expect("proxy");
    from_peer(&mut heard, "proxy.grant", asha_device).await;
    asha.shared.proxy_revoke(coop, oven).expect("revoke");
    from_peer(&mut heard, "proxy.revoke", asha_device).await;
    let shed = crate::rid(
        &asha
            .shared
            .propose(coop, yes_no("Shed", day))
            .expect("p")
            .id,
    );
    from_peer(&mut heard, "proposal.open", asha_device).await;
    asha.shared.withdraw(coop, shed).expect("withdraw");
    from_peer(&mut heard, "proposal.withdraw", asha_device).await;
    let (news, _) = asha.shared.export_bundle(coop, None).expect("export");
    cy.shared.import_bundle(&news).expect("cy catches up");
    for other in [bo, cy] {
        other
            .shared
            .vote(coop, oven, Choice::Vote(Vote::Yes))
            .expect("vote");
    }
    // Cy's ballot reaches Asha by bundle: importing is a write like any other.
    let (bundle, _) = cy.shared.export_bundle(coop, None).expect("export");
    asha.shared.import_bundle(&bundle).expect("import");
    let bo_ballot_here = async || {
        for _ in 0..100 {
            if asha
                .shared
                .tally(coop, oven)
                .expect("tally")
                .ballots_counted
                == 3
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("Bo's ballot never reached Asha");
    };
    bo_ballot_here().await;
    next_matching(&mut heard, "Cy's ballot, passed on", |e| {
        matches!(e, Event::RecordAdded { kind, author, .. }
            if kind.as_str() == "ballot" && *author == crate::pk(&key(cy)))
    })
    .await;
    asha.shared.close(coop, oven).expect("close");
    from_peer(&mut heard, "proposal.close", asha_device).await;
    asha.shared
        .propose_coop_relay(coop, Some("https://relay.example.org"))
        .expect("relay proposed");
    from_peer(&mut heard, "proposal.open", asha_device).await;
    let newcomer = sangam_model::SecretKey::from_seed([9; 32]).public();
    asha.shared.admit(coop, newcomer, "Dee").expect("admit");
    from_peer(&mut heard, "member.admit", asha_device).await;
    asha.shared
        .remove(coop, newcomer, "never came")
        .expect("remove");
    from_peer(&mut heard, "member.remove", asha_device).await;
    asha.shared.leave(coop).expect("leave");
    from_peer(&mut heard, "member.leave", asha_device).await;
}
