//! The marketplace across homes: a listing posted on one, found by full-text search on
//! another after a bundle, revised by its author only, answered, its status changed; and
//! search over Tamil and accented text with punctuation, quotes and FTS5 operators typed
//! as a member would, never an error or a wrong match.

use tempfile::TempDir;

use crate::support::{Home, asha_and_bo};

fn carry(from: &Home, to: &Home, file: &std::path::Path) {
    let file = file.to_string_lossy();
    from.ok(&["bundle", "export", &file]);
    to.ok(&["bundle", "import", &file]);
}

fn found(home: &Home, query: &str) -> Vec<String> {
    home.json(&["listing", "list", "--search", query])
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| l["title"].as_str().expect("title").to_owned())
        .collect()
}

#[test]
fn a_listing_travels_is_found_revised_answered_and_closed() {
    let tmp = TempDir::new().expect("tmp");
    let (a, b) = asha_and_bo(tmp.path());
    let file = |n: &str| tmp.path().join(n);
    let drill = a
        .ok(&[
            "listing",
            "post",
            "--kind",
            "offer",
            "--title",
            "Cordless drill",
            "--description",
            "Weekend loans; bring it back charged.",
            "--category",
            "tools",
            "--price",
            "3.50 EUR",
            "--quantity",
            "1",
            "--expires-in",
            "30d",
        ])
        .trim()
        .to_owned();
    a.ok(&[
        "listing",
        "post",
        "--kind",
        "gift",
        "--title",
        "தேன் விற்பனை",
        "--description",
        "காட்டுத் தேன், இரண்டு ஜாடிகள்",
        "--category",
        "food",
    ]);
    a.ok(&[
        "listing",
        "post",
        "--kind",
        "want",
        "--title",
        "Café crème machine",
        "--description",
        "Une machine à café d'occasion (\"espresso\").",
    ]);
    // Errors that say what is wrong, and write nothing.
    let too_precise = a.fails(&[
        "listing",
        "post",
        "--kind",
        "offer",
        "--title",
        "X",
        "--price",
        "1.005 EUR",
    ]);
    assert!(too_precise.contains("2 decimal place"), "{too_precise}");
    let gift_price = a.fails(&[
        "listing", "post", "--kind", "gift", "--title", "X", "--price", "1 EUR",
    ]);
    assert!(gift_price.contains("a gift has no price"), "{gift_price}");
    assert_eq!(
        a.json(&["listing", "list"]).as_array().expect("list").len(),
        3
    );

    carry(&a, &b, &file("1.bundle"));
    assert_eq!(found(&b, "drill"), ["Cordless drill"]);
    assert_eq!(
        found(&b, "DRILL charged"),
        ["Cordless drill"],
        "every word, any case"
    );
    assert_eq!(found(&b, "தேன்"), ["தேன் விற்பனை"], "Tamil, as a word");
    assert_eq!(found(&b, "ஜாடி"), ["தேன் விற்பனை"], "Tamil, inside a word");
    assert_eq!(
        found(&b, "cafe"),
        ["Café crème machine"],
        "accents do not matter"
    );
    assert_eq!(found(&b, "é"), ["Café crème machine"], "one letter");
    assert_eq!(
        found(&b, "\"espresso\""),
        ["Café crème machine"],
        "quotes are text"
    );
    for query in [
        "NEAR(drill",
        "drill*",
        "-drill",
        "drill AND",
        "\"",
        "'",
        "%",
        "_",
        "(",
        "^",
        ":",
        "tools OR food",
    ] {
        let got = found(&b, query);
        assert!(got.len() <= 1, "{query:?} matched {got:?}");
    }
    assert!(
        found(&b, "%").is_empty() && found(&b, "_").is_empty(),
        "LIKE wildcards are text"
    );
    assert!(found(&b, "hammer").is_empty());
    let by = |home: &Home, who: &str| {
        home.json(&["listing", "list", "--by", who])
            .as_array()
            .expect("a list")
            .len()
    };
    let asha_key = a.json(&["id", "show"])["member"]
        .as_str()
        .expect("key")
        .to_owned();
    let bo_key = b.json(&["id", "show"])["member"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_eq!(by(&b, &asha_key[..10]), 3, "Asha posted all three");
    assert_eq!(by(&b, &bo_key[..10]), 0);

    // Only Asha changes her listing.
    let refused = b.fails(&["listing", "status", &drill[..10], "done"]);
    assert!(refused.contains("only the listing's author"), "{refused}");
    b.ok(&[
        "listing",
        "respond",
        &drill[..10],
        "--message",
        "Saturday, please?",
    ]);
    carry(&b, &a, &file("2.bundle"));
    a.ok(&[
        "listing",
        "revise",
        &drill[..10],
        "--title",
        "Cordless drill (two batteries)",
        "--category",
        "tools",
        "--price",
        "4 EUR",
    ]);
    a.ok(&["listing", "status", &drill[..10], "reserved"]);
    let shown = a.json(&["listing", "show", &drill[..10]]);
    assert_eq!(shown["listing"]["title"], "Cordless drill (two batteries)");
    assert_eq!(shown["listing"]["price"], "4.00 EUR");
    assert_eq!(shown["listing"]["status"], "reserved");
    assert_eq!(shown["responses"][0]["message"], "Saturday, please?");
    assert_eq!(shown["responses"][0]["author_name"], "Bo");
    carry(&a, &b, &file("3.bundle"));
    assert_eq!(
        b.json(&["listing", "show", &drill[..10]]),
        shown,
        "both homes agree"
    );
    assert_eq!(
        b.json(&["listing", "list", "--status", "reserved"])
            .as_array()
            .expect("list")
            .len(),
        1
    );
    assert_eq!(
        found(&b, "batteries"),
        ["Cordless drill (two batteries)"],
        "the index follows revisions"
    );

    // Bo cannot change Asha's listing, but the members can withdraw it by vote.
    let effect = format!("withdraw-listing={drill}");
    let id = b
        .ok(&[
            "propose",
            "--title",
            "Withdraw the drill listing",
            "--text",
            "It is not ours to lend.",
            "--method",
            "yes-no",
            "--closes-in",
            "7d",
            "--effect",
            &effect,
        ])
        .trim()
        .to_owned();
    carry(&b, &a, &file("4.bundle"));
    a.ok(&["vote", &id, "yes"]);
    carry(&a, &b, &file("5.bundle"));
    b.ok(&["vote", &id, "yes"]);
    b.ok(&["close", &id]);
    carry(&b, &a, &file("6.bundle"));
    for home in [&a, &b] {
        assert_eq!(
            home.json(&["listing", "show", &drill[..10]])["listing"]["status"],
            "withdrawn"
        );
        let withdrawn = home.json(&["listing", "list", "--status", "withdrawn"]);
        assert_eq!(
            withdrawn.as_array().expect("list").len(),
            1,
            "the projection follows the vote"
        );
    }
    let bad = b.fails(&[
        "propose",
        "--title",
        "X",
        "--text",
        "",
        "--method",
        "yes-no",
        "--closes-in",
        "1d",
        "--effect",
        "withdraw-listing=abc",
    ]);
    assert!(bad.contains("full id"), "{bad}");
}
