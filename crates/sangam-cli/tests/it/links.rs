//! Linking a member's second laptop: `sangam device link` on a laptop that holds the key
//! (its serve running), `sangam id link` on the new one, which then acts as the same member
//! with a device key of its own; used, expired, altered and mistaken tickets are refused
//! with what went wrong.

use tempfile::TempDir;

use crate::serve::serve;
use crate::support::{Home, offline};

#[test]
fn a_second_laptop_links_by_ticket_and_acts_as_the_same_member() {
    let tmp = TempDir::new().expect("tmp");
    let home = |name: &str| {
        let h = Home::new(tmp.path(), name);
        offline(&h);
        h
    };
    let (first, second, stranger) = (home("asha-1"), home("asha-2"), home("stranger"));
    let asha = first.identity("Asha");
    first.ok(&["coop", "create", "River Bakery"]);
    // Before serving there is no address to put in a ticket.
    assert!(first.fails(&["device", "link"]).contains("serv"));
    let (_serving, _) = serve(&first);
    let long = first.fails(&["device", "link", "--expires-in", "2h"]);
    assert!(long.contains("at most an hour"), "{long}");
    let link = first.json(&["device", "link", "--expires-in", "10m"]);
    let ticket = link["ticket"].as_str().expect("ticket").to_owned();
    assert!(ticket.starts_with("SANGAMLINK1"), "{ticket}");
    let shown = first.ok(&["device", "link", "--expires-in", "5m"]);
    assert!(
        shown.contains('█') && shown.contains("sangam id link SANGAMLINK1"),
        "{shown}"
    );

    // A link ticket is not an invite, nor the other way round.
    let as_join = stranger.fails(&["join", &ticket, "--name", "Sly"]);
    assert!(as_join.contains("not an invite"), "{as_join}");
    let mut altered = ticket.clone();
    altered.truncate(ticket.len() - 4);
    let damaged = second.fails(&["id", "link", &altered]);
    assert!(damaged.contains("damaged or was altered"), "{damaged}");

    let linked = second.json(&["id", "link", &ticket]);
    assert_eq!(linked["member"], asha.as_str(), "the same member key");
    assert_eq!(linked["coops"][0]["name"], "River Bakery");
    assert_eq!(
        second.json(&["id", "show"])["member"],
        asha.as_str(),
        "the key is stored on the new laptop"
    );
    assert_ne!(
        second.json(&["id", "show"])["device"],
        first.json(&["id", "show"])["device"],
        "each laptop keeps a device key of its own"
    );
    // Both laptops know both devices, bound to Asha.
    for laptop in [&first, &second] {
        let devices = laptop.json(&["device", "list"]);
        let devices = devices.as_array().expect("devices");
        assert_eq!(devices.len(), 2, "{devices:?}");
        assert!(devices.iter().all(|d| d["member"] == asha.as_str()));
    }
    // The new laptop writes as Asha and syncs with the first.
    second.ok(&["member", "update", "--contact", "asha@river.example"]);
    second.ok(&["sync"]);
    let members = first.json(&["member", "list"]);
    assert_eq!(members[0]["contact"], "asha@river.example", "{members}");

    // One use only.
    let used = stranger.fails(&["id", "link", &ticket]);
    assert!(used.contains("already been used"), "{used}");
    // A laptop of another member cannot take Asha's key.
    stranger.identity("Sly");
    let fresh = first.json(&["device", "link"])["ticket"]
        .as_str()
        .expect("ticket")
        .to_owned();
    let other = stranger.fails(&["id", "link", &fresh]);
    assert!(
        other.contains("already holds a member's identity"),
        "{other}"
    );
    // Refused before dialling, so the ticket is still good for a fresh home.
    let after_refusal = home("asha-4").json(&["id", "link", &fresh]);
    assert_eq!(after_refusal["member"], asha.as_str());
    // An expired ticket is refused before anything is dialled.
    let brief = first.json(&["device", "link", "--expires-in", "1s"])["ticket"]
        .as_str()
        .expect("ticket")
        .to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let late = home("asha-3").fails(&["id", "link", &brief]);
    assert!(late.contains("expired"), "{late}");
}
