//! The marketplace on a large co-op: 50,000 listings on a real home (a SQLite file, the
//! projection with its full-text index built as they were imported), then searches from
//! the projection (a word in many listings, a rare one, Tamil, two letters) and posting
//! one listing (sign, durably commit, project and index it).
//! Run: `cargo bench -p sangam-core --bench market`.

mod support;

use std::time::{Duration, Instant};

use sangam_core::{ListingDraft, ListingFilter};
use sangam_model::Body;
use sangam_model::market::{ListingKind, ListingPost, ListingText};
use sangam_testkit::bundle_of;

const LISTINGS: u32 = 50_000;
const RUNS: usize = 30;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const THINGS: [&str; 10] = [
    "drill",
    "bicycle",
    "seedlings",
    "sewing machine",
    "ladder",
    "தேன்",
    "jam jars",
    "tent",
    "guitar lessons",
    "café table",
];

fn main() {
    let support::Setup {
        _dir,
        home: node,
        founder,
        mut replica,
        now,
    } = support::setup();
    let started = Instant::now();
    for i in 0..LISTINGS {
        let thing = THINGS[i as usize % THINGS.len()];
        let text = ListingText {
            kind: [ListingKind::Offer, ListingKind::Want, ListingKind::Gift][i as usize % 3],
            title: format!("{thing} no. {i}"),
            description: format!("A {thing} for the co-op, listing {i}; ask at the counter."),
            category: Some(["tools", "food", "skills"][i as usize % 3].into()),
            price: None,
            quantity: None,
            location: None,
            expires_at: None,
        };
        replica
            .write(
                Body::ListingPost(ListingPost(text)),
                &founder.member,
                &founder.device,
                now + 10 + i64::from(i),
            )
            .expect("write");
    }
    let bundle = bundle_of(&mut replica);
    drop(replica);
    println!("built {LISTINGS} listings in {:.1?}", started.elapsed());
    let started = Instant::now();
    let imported = node.import_bundle(&bundle).expect("import");
    println!("imported and indexed them in {:.1?}", started.elapsed());
    let coop = imported.coop.parse().expect("coop id");

    for query in ["drill", "no. 4242", "தேன்", "ca", "sewing machine counter"] {
        let filter = ListingFilter {
            search: Some(query.into()),
            ..ListingFilter::default()
        };
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            found = node.listings(coop, &filter).expect("search").len();
            times.push(t.elapsed());
        }
        println!(
            "search {query:?}: {found} listing(s) (at most 500 shown), median {:.2?}, max {:.2?}",
            median(times.clone()),
            times.iter().max().expect("runs")
        );
    }
    let mut posts = Vec::new();
    for i in 0..RUNS {
        let draft = ListingDraft {
            kind: Some(ListingKind::Offer),
            title: format!("Wheelbarrow {i}"),
            description: "Sturdy.".into(),
            ..ListingDraft::default()
        };
        let t = Instant::now();
        node.post_listing(coop, &draft).expect("post");
        posts.push(t.elapsed());
    }
    println!(
        "post one listing: median {:.2?}, max {:.2?}",
        median(posts.clone()),
        posts.iter().max().expect("posts")
    );
}
