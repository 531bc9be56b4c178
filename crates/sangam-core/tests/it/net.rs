//! Homes syncing over real iroh endpoints on loopback, relays off (no internet).

use std::time::Duration;

use sangam_core::{Home, SystemClock};
use sangam_model::CoopId;
use sangam_net::{Net, NetError, Relays};
use tempfile::TempDir;

pub(crate) struct Laptop {
    pub(crate) shared: Home,
    pub(crate) net: Net,
}

pub(crate) async fn home(dir: &TempDir, name: &str) -> Laptop {
    let node =
        Home::open_with_clock(&dir.path().join(name), Box::<SystemClock>::default()).expect("open");
    node.create_identity(name).expect("identity");
    let config = node.net_config(Relays::Disabled, Some("127.0.0.1:0".parse().expect("addr")));
    let shared = node;
    let net = shared.start_net(config).await.expect("net");
    Laptop { shared, net }
}

pub(crate) fn key(home: &Laptop) -> String {
    home.shared.identity().expect("id").member
}

/// Asha founds and admits the others; each joins from a bundle (no network needed yet).
pub(crate) async fn coop_of(dir: &TempDir, names: &[&str]) -> (CoopId, Vec<Laptop>) {
    let mut homes = Vec::new();
    for name in names {
        homes.push(home(dir, name).await);
    }
    let founder = &homes[0];
    founder
        .shared
        .create_coop("River Bakery", "EUR")
        .expect("create");
    let coop = crate::only_coop(&founder.shared);
    for (other, name) in homes.iter().zip(names).skip(1) {
        let k = key(other);
        founder
            .shared
            .admit(coop, crate::pk(&k), name)
            .expect("admit");
    }
    let (bundle, _) = founder.shared.export_bundle(coop, None).expect("export");
    for other in &homes[1..] {
        other.shared.import_bundle(&bundle).expect("join");
        // Each newcomer's device binding goes back by bundle too: until it arrives, the
        // founder's laptop does not know that device and refuses it at the handshake.
        let (back, _) = other
            .shared
            .export_bundle(coop, Some(&bundle))
            .expect("export");
        founder.shared.import_bundle(&back).expect("binding");
    }
    (coop, homes)
}

/// Waits until `check` holds (the peers are live-connected, so it should soon).
pub(crate) async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

fn name_of(home: &Laptop, coop: CoopId, key: &str) -> Option<String> {
    let members = home.shared.members(coop).expect("members");
    members.into_iter().find(|m| m.key == key).map(|m| m.name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_sync_brings_a_home_up_to_date_both_ways() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    // Asha renames herself; Bo changes his contact line: each has news for the other.
    bo.shared
        .update_profile(coop, None, Some("bo@example.org"))
        .expect("bo");
    asha.shared
        .update_profile(coop, Some("Asha A"), None)
        .expect("rename");
    let summary = bo
        .net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("sync");
    assert!(summary.received >= 1 && summary.sent >= 1, "{summary:?}");
    let a = asha.shared.state(coop).expect("state");
    let b = bo.shared.state(coop).expect("state");
    assert_eq!(a, b);
    assert_eq!(
        asha.shared.coop(coop).expect("a").heads,
        bo.shared.coop(coop).expect("b").heads
    );
    // Already in sync: nothing moves.
    let again = bo
        .net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("sync");
    assert_eq!((again.received, again.sent), (0, 0));
    let peers = asha.shared.peers(coop).expect("peers");
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].path, sangam_core::PeerPath::Lan);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_homes_see_each_others_writes_live_and_converge() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo", "cy"]).await;
    let (asha, bo, cy) = (&homes[0], &homes[1], &homes[2]);
    // Bo and Cy stay connected to Asha (a star, as at a meetup around one laptop).
    for (home, name) in [(bo, "bo"), (cy, "cy")] {
        let net_addr = asha.net.addr();
        let shared = home.shared.clone();
        let config =
            shared.net_config(Relays::Disabled, Some("127.0.0.1:0".parse().expect("addr")));
        let live = shared.start_net(config).await.expect("net");
        tokio::spawn(async move {
            let result = live.sync_with(net_addr, coop, true).await;
            panic!("{name}'s live session ended: {result:?}");
        });
    }
    let bo_key = key(bo);
    let cy_key = key(cy);
    bo.shared
        .update_profile(coop, Some("Bo B"), None)
        .expect("bo");
    eventually("Cy sees Bo's rename through Asha", || {
        name_of(cy, coop, &bo_key).as_deref() == Some("Bo B")
    })
    .await;
    // Concurrent writes on all three.
    for i in 0..5 {
        asha.shared
            .update_profile(coop, None, Some(&format!("a{i}")))
            .expect("a");
        bo.shared
            .update_profile(coop, None, Some(&format!("b{i}")))
            .expect("b");
        cy.shared
            .update_profile(coop, Some(&format!("Cy {i}")), None)
            .expect("c");
    }
    let heads = |h: &Laptop| h.shared.coop(coop).expect("show").heads;
    eventually("all three converge", || {
        heads(asha) == heads(bo) && heads(bo) == heads(cy)
    })
    .await;
    assert_eq!(
        asha.shared.state(coop).expect("a"),
        cy.shared.state(coop).expect("c")
    );
    assert_eq!(name_of(asha, coop, &cy_key).as_deref(), Some("Cy 4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_device_is_refused_at_the_handshake() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha"]).await;
    let stranger = home(&dir, "stranger").await;
    let before = homes[0].shared.coop(coop).expect("show").heads;
    let result = stranger
        .net
        .sync_with(homes[0].net.addr(), coop, false)
        .await;
    assert!(
        matches!(result, Err(NetError::Refused(_)) | Err(NetError::Sync(_))),
        "{result:?}"
    );
    assert_eq!(homes[0].shared.coop(coop).expect("show").heads, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_members_device_is_cut_off_and_refused_from_then_on() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo", "cy"]).await;
    let (asha, cy) = (&homes[0], &homes[2]);
    let asha_addr = asha.net.addr();
    let live = {
        let net_cy = cy.shared.clone();
        let config =
            net_cy.net_config(Relays::Disabled, Some("127.0.0.1:0".parse().expect("addr")));
        let net = net_cy.start_net(config).await.expect("net");
        tokio::spawn(async move { net.sync_with(asha_addr, coop, true).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cy_key = key(cy);
    asha.shared
        .remove(coop, crate::pk(&cy_key), "left the bakery")
        .expect("remove");
    let ended = tokio::time::timeout(Duration::from_secs(10), live)
        .await
        .expect("cut off")
        .expect("task");
    assert!(
        matches!(ended, Err(NetError::Refused(_))),
        "the live session ended with a refusal: {ended:?}"
    );
    let again = cy.net.sync_with(asha.net.addr(), coop, false).await;
    assert!(again.is_err(), "refused from then on: {again:?}");
}

/// Connects as `home`'s device with a bare endpoint, sends Hello then `bytes`, and returns
/// the error the connection ends with.
async fn raw_session(home: &Laptop, to: &Laptop, coop: CoopId, bytes: &[u8]) -> String {
    let secret = home.shared.net_config(Relays::Disabled, None).secret;
    let endpoint = iroh::Endpoint::builder(iroh::endpoint::presets::Minimal)
        .secret_key(iroh::SecretKey::from_bytes(&secret))
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .expect("addr")
        .bind()
        .await
        .expect("bind");
    let conn = endpoint
        .connect(to.net.addr(), sangam_net::SYNC_ALPN)
        .await
        .expect("connect");
    let (mut send, mut recv) = conn.open_bi().await.expect("stream");
    let hello = sangam_replica::sync::Frame::Hello { coop, live: false }.encode();
    send.write_all(&hello).await.expect("hello");
    send.write_all(bytes).await.expect("garbage");
    let outcome = tokio::time::timeout(Duration::from_secs(10), recv.read_to_end(1 << 20)).await;
    let reason = tokio::time::timeout(Duration::from_secs(10), conn.closed())
        .await
        .expect("closed");
    endpoint.close().await;
    format!("{outcome:?} / {reason:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_sending_garbage_or_oversized_frames_is_disconnected_and_harms_nothing() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    let before = asha.shared.coop(coop).expect("show").heads;
    let garbage = [0, 0, 0, 3, 9, 9, 9];
    let closed = raw_session(bo, asha, coop, &garbage).await;
    assert!(closed.contains("400"), "{closed}");
    let oversized = u32::MAX.to_be_bytes();
    let closed = raw_session(bo, asha, coop, &oversized).await;
    assert!(closed.contains("400"), "{closed}");
    assert_eq!(asha.shared.coop(coop).expect("show").heads, before);
    // Asha's laptop still syncs with Bo afterwards.
    bo.shared
        .update_profile(coop, Some("Bo B"), None)
        .expect("rename");
    bo.net
        .sync_with(asha.net.addr(), coop, false)
        .await
        .expect("a normal sync still works");
    let bo_key = key(bo);
    assert_eq!(name_of(asha, coop, &bo_key).as_deref(), Some("Bo B"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_homes_with_no_direct_route_sync_through_a_local_relay() {
    // A plain-HTTP relay on loopback, started by the test: nothing leaves this machine.
    let mut config = iroh_relay::server::ServerConfig::default();
    config.relay = Some(iroh_relay::server::RelayConfig::new((
        std::net::Ipv4Addr::LOCALHOST,
        0,
    )));
    let relay = iroh_relay::server::Server::spawn(config)
        .await
        .expect("relay");
    let url = format!("http://{}", relay.http_addr().expect("http"));

    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let mut relayed = Vec::new();
    for home in &homes {
        let mut config = home.shared.net_config(Relays::Custom(url.clone()), None);
        config.direct = false; // no IP transports at all: the relay is the only way.
        let net = home.shared.start_net(config).await.expect("net");
        assert!(
            net.online(Duration::from_secs(20)).await,
            "reached the local relay"
        );
        relayed.push(net);
    }
    let asha_addr = relayed[0].addr();
    assert!(
        asha_addr.addrs.iter().all(|a| a.is_relay()),
        "only a relay address: {asha_addr:?}"
    );
    homes[1]
        .shared
        .update_profile(coop, Some("Bo via relay"), None)
        .expect("w");
    let summary = relayed[1]
        .sync_with(asha_addr, coop, false)
        .await
        .expect("sync through the relay");
    assert!(summary.sent >= 1, "{summary:?}");
    let bo_key = key(&homes[1]);
    assert_eq!(
        name_of(&homes[0], coop, &bo_key).as_deref(),
        Some("Bo via relay")
    );
    let peers = homes[1].shared.peers(coop).expect("peers");
    assert_eq!(peers[0].path, sangam_core::PeerPath::Relay);
    for net in relayed {
        net.shutdown().await;
    }
    relay.shutdown().await.expect("relay stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coops_relay_changes_by_a_passed_proposal_reaches_every_laptop_and_a_laptop_may_opt_out()
 {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    let relays = |h: &Laptop| h.shared.relays().expect("relays");
    assert_eq!(
        relays(bo),
        Relays::Default,
        "n0's relays until the co-op names one"
    );
    let bad = asha
        .shared
        .propose_coop_relay(coop, Some("relay.example.org"));
    assert_eq!(
        bad.expect_err("no scheme").code,
        sangam_core::ErrorCode::InvalidInput
    );
    let bad_port = asha
        .shared
        .propose_coop_relay(coop, Some("https://[::1]:99999"));
    assert_eq!(
        bad_port.expect_err("no such port").code,
        sangam_core::ErrorCode::InvalidInput
    );
    // Both members vote for the relay; it changes at the close, not before.
    let pass = |url: Option<&str>| {
        let proposal = asha.shared.propose_coop_relay(coop, url).expect("proposed");
        crate::rid(&proposal.id)
    };
    let sync = || async {
        bo.net
            .sync_with(asha.net.addr(), coop, false)
            .await
            .expect("sync");
    };
    let yes = sangam_core::Choice::Vote(sangam_core::Vote::Yes);
    let url = "https://relay.example.org";
    let id = pass(Some(url));
    assert_eq!(relays(asha), Relays::Default, "proposed is not decided");
    asha.shared.vote(coop, id, yes.clone()).expect("vote");
    sync().await;
    bo.shared.vote(coop, id, yes.clone()).expect("vote");
    sync().await;
    assert_eq!(relays(asha), Relays::Default, "voted is not closed");
    asha.shared.close(coop, id).expect("everyone voted: close");
    assert_eq!(relays(asha), Relays::Custom(url.into()));
    sync().await;
    assert_eq!(relays(bo), Relays::Custom(url.into()), "learnt by sync");
    bo.shared.set_relays_used(false).expect("off");
    assert_eq!(relays(bo), Relays::Disabled);
    assert_eq!(
        relays(asha),
        Relays::Custom(url.into()),
        "a home-level choice"
    );
    bo.shared.set_relays_used(true).expect("on");
    let back = pass(None);
    asha.shared.vote(coop, back, yes.clone()).expect("vote");
    sync().await;
    bo.shared.vote(coop, back, yes).expect("vote");
    sync().await;
    asha.shared.close(coop, back).expect("close");
    sync().await;
    assert_eq!(relays(bo), Relays::Default, "back to n0's by the next vote");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_device_cannot_hold_more_than_a_few_sessions_at_once() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    let mut live = Vec::new();
    for _ in 0..sangam_net::MAX_SESSIONS_PER_DEVICE {
        let (dialer, addr) = (bo.net.dialer(), asha.net.addr());
        live.push(tokio::spawn(async move {
            dialer.sync_with(addr, coop, true).await
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let extra = bo.net.sync_with(asha.net.addr(), coop, false).await;
    assert!(
        matches!(&extra, Err(NetError::Refused(r)) if r.contains("too many sessions")),
        "{extra:?}"
    );
    for session in &live {
        assert!(!session.is_finished(), "the first sessions stay up");
    }
    for session in live {
        session.abort();
    }
}

/// "Sync now" on a laptop that serves goes through its serving endpoint, not a second one
/// under the same device key (which a relay would let only one of hold); once serving has
/// stopped it opens one of its own again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_while_serving_goes_through_the_serving_endpoint() {
    let dir = TempDir::new().expect("tmp");
    let (coop, homes) = coop_of(&dir, &["asha", "bo"]).await;
    let (asha, bo) = (&homes[0], &homes[1]);
    // Asha learns where Bo listens by syncing with him once.
    asha.net
        .sync_with(bo.net.addr(), coop, false)
        .await
        .expect("a first sync");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = asha.shared.serve(&asha.net, vec![], async {
        let _ = stopped.await;
    });
    let sync_now = async {
        bo.shared
            .update_profile(coop, None, Some("by the mill"))
            .expect("bo writes");
        let before = asha.shared.endpoints_started();
        let report = asha
            .shared
            .sync_now(coop, None, Some(Relays::Disabled))
            .await
            .expect("sync now");
        assert!(report.failures.is_empty(), "{report:?}");
        assert_eq!(
            asha.shared.endpoints_started(),
            before,
            "no second endpoint while serving"
        );
        eventually("bo's contact reaches asha", || {
            asha.shared
                .members(coop)
                .expect("members")
                .iter()
                .any(|m| m.contact.as_deref() == Some("by the mill"))
        })
        .await;
        stop.send(()).expect("serving waits");
    };
    tokio::join!(serving, sync_now);
    let before = asha.shared.endpoints_started();
    asha.shared
        .sync_now(coop, None, Some(Relays::Disabled))
        .await
        .expect("sync now, not serving");
    assert_eq!(asha.shared.endpoints_started(), before + 1);
}
