//! Newcomers joining by invite ticket over `sangam/join/1`, on loopback with relays off.

use std::time::Duration;

use sangam_core::{ErrorCode, Home, ProposalDraft, SystemClock};
use sangam_model::CoopId;
use sangam_net::{Invite, JoinRequest, NetError, Relays};
use tempfile::TempDir;

use crate::net::{Laptop, coop_of, key};

/// A home with no identity yet, its endpoint running: a newcomer's fresh laptop.
async fn fresh(dir: &TempDir, name: &str) -> Laptop {
    let node =
        Home::open_with_clock(&dir.path().join(name), Box::<SystemClock>::default()).expect("open");
    let config = node.net_config(Relays::Disabled, Some("127.0.0.1:0".parse().expect("addr")));
    let shared = node;
    let net = shared.start_net(config).await.expect("net");
    Laptop { shared, net }
}

/// The inviter's home, serving: its address is what invites carry.
async fn inviter(dir: &TempDir) -> (CoopId, Laptop) {
    let (coop, mut homes) = coop_of(dir, &["asha"]).await;
    let asha = homes.remove(0);
    asha.shared
        .record_serve_addr(&asha.net.addr())
        .expect("serve addr");
    (coop, asha)
}

fn invite(home: &Laptop, coop: CoopId, expires_in: Duration, uses: u32) -> String {
    home.shared
        .create_invite(coop, expires_in, uses)
        .expect("invite")
        .ticket
}

fn heads(home: &Laptop, coop: CoopId) -> Vec<String> {
    home.shared.coop(coop).expect("show").heads
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_joins_by_ticket_and_ends_with_the_inviters_state() {
    let dir = TempDir::new().expect("tmp");
    let (coop, asha) = inviter(&dir).await;
    asha.shared
        .update_profile(coop, None, Some("asha@example.org"))
        .expect("profile");
    let ticket = invite(&asha, coop, Duration::from_secs(3600), 1);
    let dee = fresh(&dir, "dee").await;
    let joined = dee
        .shared
        .join_over(&dee.net, &ticket, Some("Dee"))
        .await
        .expect("join");
    assert_eq!(joined.status, sangam_core::JoinStatus::Member);
    assert_eq!(joined.name.as_deref(), Some("River Bakery"));
    assert!(joined.received >= 3, "{joined:?}");
    // Same document on both laptops: Asha's admit of Dee and Dee's device binding included.
    assert_eq!(heads(&asha, coop), heads(&dee, coop));
    assert_eq!(
        asha.shared.state(coop).expect("a"),
        dee.shared.state(coop).expect("d")
    );
    let dee_key = key(&dee);
    let members = asha.shared.members(coop).expect("members");
    assert!(members.iter().any(|m| m.key == dee_key && m.name == "Dee"));
    // Dee's device is now one the co-op knows: ordinary sync works both ways.
    dee.shared
        .update_profile(coop, None, Some("dee@example.org"))
        .expect("write");
    let summary = dee
        .net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("sync after joining");
    assert_eq!(summary.sent, 1);
    assert_eq!(heads(&asha, coop), heads(&dee, coop));
    // The inviter is remembered, so `sangam sync` needs no address next time.
    let peers = dee.shared.peers(coop).expect("peers");
    assert_eq!(peers.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_an_expired_a_tampered_and_a_forged_ticket_are_refused() {
    let dir = TempDir::new().expect("tmp");
    let (coop, asha) = inviter(&dir).await;
    let ticket = invite(&asha, coop, Duration::from_secs(3600), 1);
    let dee = fresh(&dir, "dee").await;
    dee.shared
        .join_over(&dee.net, &ticket, Some("Dee"))
        .await
        .expect("first use");
    let before = heads(&asha, coop);

    // Reused: the one use is gone.
    let eli = fresh(&dir, "eli").await;
    let reused = eli.shared.join_over(&eli.net, &ticket, Some("Eli")).await;
    let err = reused.expect_err("a used ticket is refused");
    assert_eq!(err.code, ErrorCode::Refused);
    assert!(err.message.contains("already been used"), "{}", err.message);

    // Expired.
    let short = invite(&asha, coop, Duration::from_millis(1), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let err = eli
        .shared
        .join_over(&eli.net, &short, Some("Eli"))
        .await
        .expect_err("an expired ticket is refused");
    assert_eq!(err.code, ErrorCode::Refused);
    assert!(err.message.contains("expired"), "{}", err.message);

    // Tampered: one character changed, anywhere, fails the inviter's signature.
    let good = invite(&asha, coop, Duration::from_secs(3600), 1);
    let at = good.len() / 2;
    let flipped = if &good[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{flipped}{}", &good[..at], &good[at + 1..]);
    let err = eli
        .shared
        .join_over(&eli.net, &tampered, Some("Eli"))
        .await
        .expect_err("a tampered ticket is refused");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("damaged or was altered"),
        "{}",
        err.message
    );

    // Forged: the right address, a secret the inviter never issued.
    let real = Invite::from_text(&good).expect("parses");
    let eli_device = eli.net.id();
    let someone = sangam_model::SecretKey::from_seed([0x77; 32]);
    let request = JoinRequest::new(coop, [0x5a; 32], &someone, "Eli".into(), &eli_device);
    let forged = eli.net.join(&real, request).await;
    assert!(
        matches!(&forged, Err(NetError::Refused(r)) if r.contains("no such invite")),
        "{forged:?}"
    );

    // Dee's used ticket, asked for again in the name of Dee's member key by someone who
    // does not hold it (it would otherwise hand over the whole co-op, as to Dee).
    let used = Invite::from_text(&ticket).expect("parses");
    let dee_key: sangam_model::PublicKey = key(&dee).parse().expect("key");
    let mut claim = JoinRequest::new(coop, used.secret, &someone, "Dee".into(), &eli_device);
    claim.member = dee_key;
    let claimed = eli.net.join(&used, claim).await;
    assert!(
        matches!(&claimed, Err(NetError::Refused(r)) if r.contains("not signed by the member key")),
        "{claimed:?}"
    );

    // None of it touched the inviter's document, and Eli holds nothing.
    assert_eq!(heads(&asha, coop), before);
    assert!(eli.shared.coops().expect("coops").is_empty());
    // The good ticket still works after all that.
    let joined = eli
        .shared
        .join_over(&eli.net, &good, None)
        .await
        .expect("the untouched ticket");
    assert_eq!(joined.status, sangam_core::JoinStatus::Member);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_bylaws_ask_for_a_vote_the_newcomer_waits_for_it_then_joins() {
    let dir = TempDir::new().expect("tmp");
    let (coop, asha) = inviter(&dir).await;
    let day = asha.shared.now() + 86_400_000;
    let rule = asha
        .shared
        .propose(
            coop,
            ProposalDraft {
                title: "Admit by vote".into(),
                text: String::new(),
                method: sangam_core::Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: day,
                effect: Some(sangam_core::EffectDraft::Admission(
                    sangam_core::Admission::Proposal,
                )),
            },
        )
        .expect("propose");
    asha.shared
        .vote(
            coop,
            crate::rid(&rule.id),
            sangam_core::Choice::Vote(sangam_core::Vote::Yes),
        )
        .expect("vote");
    asha.shared
        .close(coop, crate::rid(&rule.id))
        .expect("close");
    assert_eq!(
        asha.shared.coop(coop).expect("show").admission,
        sangam_core::Admission::Proposal
    );
    let ticket = invite(&asha, coop, Duration::from_secs(3600), 1);
    let dee = fresh(&dir, "dee").await;
    let pending = dee
        .shared
        .join_over(&dee.net, &ticket, Some("Dee"))
        .await
        .expect("join");
    assert_eq!(pending.status, sangam_core::JoinStatus::Pending);
    let proposal = pending.proposal.expect("the admission proposal");
    // Not a member yet: nothing of the co-op on Dee's laptop, and sync is refused.
    assert!(dee.shared.coops().expect("coops").is_empty());
    let dee_key = key(&dee);
    assert!(
        !asha
            .shared
            .members(coop)
            .expect("members")
            .iter()
            .any(|m| m.key == dee_key)
    );
    // Asking again changes nothing and uses nothing up.
    let again = dee
        .shared
        .join_over(&dee.net, &ticket, None)
        .await
        .expect("join again");
    assert_eq!(again.proposal.as_deref(), Some(proposal.as_str()));
    // The members vote (Asha is the electorate) and the proposal passes.
    asha.shared
        .vote(
            coop,
            crate::rid(&proposal),
            sangam_core::Choice::Vote(sangam_core::Vote::Yes),
        )
        .expect("vote");
    asha.shared
        .close(coop, crate::rid(&proposal))
        .expect("close");
    let joined = dee
        .shared
        .join_over(&dee.net, &ticket, None)
        .await
        .expect("join after the vote");
    assert_eq!(joined.status, sangam_core::JoinStatus::Member);
    assert_eq!(heads(&asha, coop), heads(&dee, coop));
}

/// A bare endpoint with a fresh key on loopback: a stranger on the network.
async fn stranger() -> iroh::Endpoint {
    iroh::Endpoint::builder(iroh::endpoint::presets::Minimal)
        .secret_key(iroh::SecretKey::from_bytes(&[0x42; 32]))
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .expect("addr")
        .bind()
        .await
        .expect("bind")
}

/// Sends `bytes` on a join stream and returns how the connection ended.
async fn raw_join(from: &iroh::Endpoint, to: &Laptop, bytes: &[u8]) -> String {
    let conn = from
        .connect(to.net.addr(), sangam_net::JOIN_ALPN)
        .await
        .expect("anyone may dial the join protocol");
    // A refusal can come before the stream is even open.
    if let Ok((mut send, mut recv)) = conn.open_bi().await
        && send.write_all(bytes).await.is_ok()
    {
        let _ = tokio::time::timeout(Duration::from_secs(10), recv.read_to_end(1 << 16)).await;
    }
    let reason = tokio::time::timeout(Duration::from_secs(10), conn.closed())
        .await
        .expect("closed");
    format!("{reason:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_oversized_join_requests_are_cut_off_and_change_nothing() {
    let dir = TempDir::new().expect("tmp");
    let (coop, asha) = inviter(&dir).await;
    let ticket = invite(&asha, coop, Duration::from_secs(3600), 1);
    let before = heads(&asha, coop);
    let endpoint = stranger().await;
    let garbage = raw_join(&endpoint, &asha, &[0, 0, 0, 5, b'{', b'x', 0xff, 0, 1]).await;
    assert!(
        garbage.contains("400") && garbage.contains("malformed"),
        "{garbage}"
    );
    let oversized = raw_join(&endpoint, &asha, &u32::MAX.to_be_bytes()).await;
    assert!(
        oversized.contains("400") && oversized.contains("over the limit"),
        "{oversized}"
    );
    let unknown_field = br#"{"coop":"00","secret":[],"member":"00","name":"x","admin":true}"#;
    let mut framed = (unknown_field.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(unknown_field);
    let odd = raw_join(&endpoint, &asha, &framed).await;
    assert!(odd.contains("400"), "{odd}");
    endpoint.close().await;
    assert_eq!(heads(&asha, coop), before);
    // The ticket was not used up by any of it.
    let dee = fresh(&dir, "dee").await;
    let joined = dee.shared.join_over(&dee.net, &ticket, Some("Dee")).await;
    assert_eq!(
        joined.expect("join").status,
        sangam_core::JoinStatus::Member
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newcomers_who_never_speak_cannot_hold_more_than_a_few_join_slots() {
    let dir = TempDir::new().expect("tmp");
    let (coop, asha) = inviter(&dir).await;
    let endpoint = stranger().await;
    // Open every slot with a connection that never sends its request.
    let mut silent = Vec::new();
    for _ in 0..sangam_net::MAX_JOINS_AT_ONCE {
        let conn = endpoint
            .connect(asha.net.addr(), sangam_net::JOIN_ALPN)
            .await
            .expect("connect");
        let (send, recv) = conn.open_bi().await.expect("stream");
        silent.push((conn, send, recv));
    }
    // Wait until the inviter has accepted them all (each holds a slot once accepted).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let busy = raw_join(&endpoint, &asha, b"").await;
    assert!(busy.contains("503"), "{busy}");
    // The silent ones are cut off after the request timeout, and their slots come back.
    tokio::time::sleep(sangam_net::JOIN_REQUEST_TIMEOUT + Duration::from_secs(1)).await;
    for (conn, _, _) in &silent {
        let reason = format!("{:?}", conn.close_reason());
        assert!(reason.contains("400"), "{reason}");
    }
    let ticket = invite(&asha, coop, Duration::from_secs(60), 1);
    let dee = fresh(&dir, "dee").await;
    let joined = dee.shared.join_over(&dee.net, &ticket, Some("Dee")).await;
    assert_eq!(
        joined.expect("a slot is free again").status,
        sangam_core::JoinStatus::Member
    );
    drop(silent);
    endpoint.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_second_laptop_joins_by_invite_and_once_revoked_is_cut_off_and_refused() {
    let dir = TempDir::new().expect("tmp");
    let (coop, mut homes) = coop_of(&dir, &["asha", "bo"]).await;
    let bo = homes.remove(1);
    let asha = homes.remove(0);
    asha.shared
        .record_serve_addr(&asha.net.addr())
        .expect("serve addr");
    // Bo's phone: a new home holding Bo's member key (as a member moving their key would).
    let bo_identity = sangam_store::Store::open(&dir.path().join("bo").join(sangam_core::DB_FILE))
        .expect("bo's store")
        .member_key()
        .expect("read")
        .expect("bo has a key");
    let phone_dir = dir.path().join("bo-phone");
    std::fs::create_dir_all(&phone_dir).expect("dir");
    sangam_store::Store::open(&phone_dir.join(sangam_core::DB_FILE))
        .expect("phone store")
        .set_member_key(&bo_identity.key, &bo_identity.name, 0)
        .expect("copy the key");
    let phone = fresh(&dir, "bo-phone").await;
    let ticket = invite(&asha, coop, Duration::from_secs(3600), 1);
    let joined = phone
        .shared
        .join_over(&phone.net, &ticket, None)
        .await
        .expect("a member's new device joins");
    assert_eq!(joined.status, sangam_core::JoinStatus::Member);
    let members_before = asha.shared.members(coop).expect("members").len();
    assert_eq!(
        members_before, 2,
        "no one new was admitted: Bo was a member already"
    );
    let phone_device = phone.shared.identity().expect("id").device;
    assert!(
        asha.shared
            .devices(coop)
            .expect("devices")
            .iter()
            .any(|d| d.key == phone_device && !d.revoked)
    );

    // The phone keeps a live session with Asha's laptop.
    let live = {
        let (dialer, addr) = (phone.net.dialer(), asha.net.addr());
        tokio::spawn(async move { dialer.sync_with(addr, coop, true).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The phone is lost: Bo's laptop learns of it from Asha's, revokes it, and syncs back.
    bo.net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("bo catches up");
    bo.shared
        .revoke_device(coop, crate::pk(&phone_device))
        .expect("revoke");
    bo.net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("bo syncs");
    let ended = tokio::time::timeout(Duration::from_secs(10), live)
        .await
        .expect("the phone is cut off")
        .expect("task");
    assert!(
        matches!(ended, Err(NetError::Refused(_))),
        "ended: {ended:?}"
    );
    let again = phone.net.sync_with(asha.net.addr(), coop, false).await;
    assert!(again.is_err(), "refused from then on: {again:?}");
    // What the lost phone writes now never reaches the co-op.
    let before = heads(&asha, coop);
    let _ = phone.shared.update_profile(coop, Some("Mallory"), None);
    let _ = phone.net.sync_with(asha.net.addr(), coop, false).await;
    assert_eq!(heads(&asha, coop), before);
}
