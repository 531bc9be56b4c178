//! Governance end to end: five homes vote by bundles and agree before and after the close.

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::Home;

/// Every home exports everything it has and imports everyone else's bundle.
fn exchange(homes: &[&Home], dir: &std::path::Path, round: &str) {
    let files: Vec<String> = homes
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let file = dir
                .join(format!("{round}-{i}.bundle"))
                .to_string_lossy()
                .into_owned();
            h.ok(&["bundle", "export", &file]);
            file
        })
        .collect();
    for (i, home) in homes.iter().enumerate() {
        for (j, file) in files.iter().enumerate() {
            if i != j {
                home.ok(&["bundle", "import", file]);
            }
        }
    }
}

/// Asha founds River Bakery and admits Bo, Cy, Dee and Eli; every home has the co-op and
/// every device: the five homes and their member keys.
fn five_members(dir: &std::path::Path) -> (Vec<Home>, Vec<String>) {
    let names = ["asha", "bo", "cy", "dee", "eli"];
    let homes: Vec<Home> = names.iter().map(|n| Home::new(dir, n)).collect();
    let keys: Vec<String> = homes
        .iter()
        .zip(names)
        .map(|(h, n)| h.identity(n))
        .collect();
    homes[0].ok(&["coop", "create", "River Bakery"]);
    for (key, name) in keys.iter().zip(names).skip(1) {
        homes[0].ok(&["member", "admit", key, "--name", name]);
    }
    let founding = export(&homes[0], dir, "founding");
    let all: Vec<&Home> = homes.iter().collect();
    for home in &all[1..] {
        home.ok(&["bundle", "import", &founding]);
    }
    exchange(&all, dir, "devices");
    (homes, keys)
}

fn tallies(homes: &[&Home], id: &str) -> Vec<Value> {
    homes.iter().map(|h| h.json(&["tally", id])).collect()
}

#[test]
fn five_homes_vote_with_changed_votes_and_a_proxy_and_agree_before_and_after_close() {
    let tmp = TempDir::new().expect("tmp");
    let (homes, keys) = five_members(tmp.path());
    let all: Vec<&Home> = homes.iter().collect();
    let (asha, bo, cy, dee, eli) = (&homes[0], &homes[1], &homes[2], &homes[3], &homes[4]);

    let id = asha
        .ok(&[
            "propose",
            "--title",
            "Buy the oven",
            "--text",
            "4,000 EUR from the co-op down the road.",
            "--method",
            "yes-no",
            "--threshold",
            "2/3",
            "--quorum",
            "50",
            "--closes-in",
            "7d",
        ])
        .trim()
        .to_owned();
    exchange(&all, tmp.path(), "proposal");

    // Ids by the one rule: 4 hex characters name it, 3 are refused even though unique.
    let short = asha.fails(&["vote", &id[..3], "yes"]);
    assert!(short.contains("first 4 hex characters"), "{short}");
    asha.ok(&["vote", &id[..4], "yes"]);
    bo.ok(&["vote", &id, "no"]);
    bo.ok(&["vote", &id, "yes"]); // Bo changes his mind.
    cy.ok(&["vote", &id, "yes"]);
    cy.ok(&["vote", &id, "no"]); // So does Cy.
    dee.ok(&["proxy", &id, &keys[0][..12]]); // Dee lets Asha vote for her.
    exchange(&all, tmp.path(), "votes");

    let before = tallies(&all, &id);
    for t in &before[1..] {
        assert_eq!(t, &before[0], "every home shows the same provisional tally");
    }
    let t = &before[0];
    assert_eq!(t["status"], "provisional");
    // Yes: Asha, her proxy for Dee, Bo = 3; no: Cy = 1. 3/4 reaches 2/3; 4 of 5 took part.
    assert_eq!(t["counts"]["yes"], 3);
    assert_eq!(t["counts"]["no"], 1);
    assert_eq!(t["represented"], 1);
    assert_eq!(t["outcome"], json!({"kind": "passed"}));

    // Eli has not voted and the deadline is days away: no early close.
    let refused = asha.fails(&["close", &id]);
    assert!(refused.contains("every elector"), "{refused}");
    eli.ok(&["vote", &id, "abstain"]);
    exchange(&all, tmp.path(), "last-vote");
    let closed = eli.json(&["close", &id]);
    assert_eq!(closed["status"], "closed");
    exchange(&all, tmp.path(), "close");

    let after = tallies(&all, &id);
    for t in &after[1..] {
        assert_eq!(t, &after[0], "every home shows the same closed tally");
    }
    assert_eq!(after[0]["status"], "closed");
    assert_eq!(after[0]["outcome"], json!({"kind": "passed"}));
    assert_eq!(after[0]["counts"]["yes"], 3);
    assert_eq!(after[0]["counts"]["abstain"], 1);
    assert_eq!(after[0]["ballots_counted"], 4);
    assert_eq!(after[0]["closes"].as_array().expect("closes").len(), 1);
    assert!(after[0]["late"].as_array().expect("late").is_empty());
    // A closed proposal takes no more votes.
    assert!(bo.fails(&["vote", &id, "no"]).contains("closed"));
}

#[test]
fn a_ranked_choice_election_from_the_command_line() {
    let tmp = TempDir::new().expect("tmp");
    let asha = Home::new(tmp.path(), "asha");
    asha.identity("Asha");
    asha.ok(&["coop", "create", "River Bakery"]);
    let id = asha
        .ok(&[
            "propose",
            "--title",
            "Name the bread",
            "--text",
            "Pick a name.",
            "--method",
            "ranked",
            "--option",
            "Sourdough",
            "--option",
            "Rye",
            "--option",
            "Spelt",
            "--closes-in",
            "1h",
        ])
        .trim()
        .to_owned();
    assert!(
        asha.fails(&["vote", &id, "Wheat"])
            .contains("not an option")
    );
    assert!(asha.fails(&["vote", &id, "Rye", "Rye"]).contains("twice"));
    let t = asha.json(&["vote", &id, "Spelt", "Rye"]);
    assert_eq!(t["outcome"], json!({"kind": "winner", "option": "Spelt"}));
    let shown = asha.json(&["proposal", "show", &id]);
    assert_eq!(shown["my_vote"]["rank"][0], "Spelt");
    assert_eq!(
        asha.json(&["proposal", "list", "--open"])
            .as_array()
            .expect("list")
            .len(),
        1
    );
    asha.ok(&["close", &id]);
    assert_eq!(
        asha.json(&["proposal", "list", "--closed"])
            .as_array()
            .expect("list")
            .len(),
        1
    );
}

#[test]
fn a_passed_proposal_admits_a_member_and_can_switch_admission_to_votes_only() {
    let tmp = TempDir::new().expect("tmp");
    let asha = Home::new(tmp.path(), "asha");
    let nia = Home::new(tmp.path(), "nia");
    asha.identity("Asha");
    let nia_key = nia.identity("Nia");
    asha.ok(&["coop", "create", "River Bakery"]);
    let admit = format!("admit={nia_key}:Nia");
    let id = asha
        .ok(&[
            "propose",
            "--title",
            "Admit Nia",
            "--text",
            "Nia bakes.",
            "--method",
            "yes-no",
            "--closes-in",
            "1d",
            "--effect",
            &admit,
        ])
        .trim()
        .to_owned();
    assert!(
        asha.json(&["member", "list"])
            .as_array()
            .expect("list")
            .len()
            == 1,
        "not before the vote"
    );
    asha.ok(&["vote", &id, "yes"]);
    asha.ok(&["close", &id]);
    let members = asha.json(&["member", "list"]);
    assert!(
        members
            .as_array()
            .expect("list")
            .iter()
            .any(|m| m["key"] == nia_key.as_str() && m["name"] == "Nia")
    );

    let id = asha
        .ok(&[
            "propose",
            "--title",
            "Votes only",
            "--text",
            "Admit by vote from now on.",
            "--method",
            "yes-no",
            "--closes-in",
            "1d",
            "--effect",
            "admission=proposal",
        ])
        .trim()
        .to_owned();
    asha.ok(&["vote", &id, "yes"]);
    // Nia has not voted and the deadline is a day off: the close is refused, so Nia's
    // proxy-less absence keeps the rule as it was.
    assert!(asha.fails(&["close", &id]).contains("every elector"));
    let bundle = tmp.path().join("a.bundle").to_string_lossy().into_owned();
    asha.ok(&["bundle", "export", &bundle]);
    nia.ok(&["bundle", "import", &bundle]);
    nia.ok(&["vote", &id, "yes"]);
    let back = tmp.path().join("n.bundle").to_string_lossy().into_owned();
    nia.ok(&["bundle", "export", &back]);
    asha.ok(&["bundle", "import", &back]);
    asha.ok(&["close", &id]);
    assert_eq!(asha.json(&["coop", "show"])["admission"], "proposal");
    let someone = Home::new(tmp.path(), "someone").identity("Someone");
    let refused = asha.fails(&["member", "admit", &someone, "--name", "Someone"]);
    assert!(refused.contains("passed proposal"), "{refused}");
}

#[test]
fn five_homes_elect_two_of_four_by_stv_with_a_proxy_and_agree_on_every_round() {
    let tmp = TempDir::new().expect("tmp");
    let (homes, keys) = five_members(tmp.path());
    let all: Vec<&Home> = homes.iter().collect();
    let (asha, bo, cy, dee, eli) = (&homes[0], &homes[1], &homes[2], &homes[3], &homes[4]);

    let propose = |method: &str, seats: &str| {
        asha.ok(&[
            "propose",
            "--title",
            "Board 2027",
            "--text",
            "Two seats on the board.",
            "--method",
            method,
            "--seats",
            seats,
            "--candidate",
            "Asha",
            "--candidate",
            "Bo",
            "--candidate",
            "Cy",
            "--candidate",
            "Dee",
            "--closes-in",
            "7d",
        ])
        .trim()
        .to_owned()
    };
    // An election needs its seats, and no more of them than candidates.
    assert!(propose_fails(asha, &["--method", "stv"]).contains("seats"));
    assert!(propose_fails(asha, &["--method", "stv", "--seats", "5"]).contains("seats"));
    let id = propose("stv", "2");
    exchange(&all, tmp.path(), "proposal");

    // Asha ranks herself then Bo, and holds Dee's proxy (weight 2); Bo ranks himself then
    // Asha; Cy and Eli put Cy first. P = 5 papers, quota 5/3: Asha (2) and Cy (2) are
    // elected in the first round, though Bo had the most second preferences.
    assert!(asha.fails(&["vote", &id, "Asha", "Asha"]).contains("twice"));
    asha.ok(&["vote", &id, "Asha", "Bo"]);
    bo.ok(&["vote", &id, "Bo", "Asha"]);
    cy.ok(&["vote", &id, "Cy", "Bo"]);
    eli.ok(&["vote", &id, "Dee"]);
    eli.ok(&["vote", &id, "Cy", "Dee"]); // Eli changes the ranking.
    dee.ok(&["proxy", &id, &keys[0][..12]]);
    exchange(&all, tmp.path(), "votes");
    let closed = eli.json(&["close", &id]);
    assert_eq!(closed["status"], "closed");
    exchange(&all, tmp.path(), "close");

    let after = tallies(&all, &id);
    for t in &after[1..] {
        assert_eq!(
            t, &after[0],
            "every home counts the same election, round for round"
        );
    }
    let t = &after[0];
    assert_eq!(t["outcome"], json!({"kind": "elected"}));
    let election = &t["election"];
    assert_eq!(election["elected"], serde_json::json!(["Asha", "Cy"]));
    assert_eq!(election["ballots"], 5);
    assert_eq!(election["rounds"][0]["quota"], "1.666666667");
    assert_eq!(
        election["rounds"][0]["votes"][1], "1.000000000",
        "Bo's first preferences"
    );
    assert_eq!(t["counts"]["Asha"], 2, "first preferences with the proxy");
    // The human form names the winners and the rounds.
    let shown = bo.ok(&["tally", &id]);
    assert!(
        shown.contains("elected: Asha, Cy (2 of 2 seats, 5 ballots)"),
        "{shown}"
    );
    assert!(
        shown.contains("round 1 (keep factors settled; quota 1.666666667)"),
        "{shown}"
    );

    // The ballots as a BLT file, counted again from the file alone (as another STV
    // counter would): the same quota, figures and winners.
    let file = tmp.path().join("board.blt");
    bo.ok(&["election", "blt", &id, "--out", &file.to_string_lossy()]);
    let blt = std::fs::read_to_string(&file).expect("written");
    assert!(blt.starts_with("4 2\n"), "{blt}");
    assert!(
        blt.contains("2 1 2 0\n"),
        "Asha's ranking with Dee's proxy: {blt}"
    );
    let recount: Value = serde_json::from_str(&bo.ok(&[
        "election",
        "count",
        &file.to_string_lossy(),
        "--method",
        "stv",
        "--json",
    ]))
    .expect("json");
    assert_eq!(recount["elected"], serde_json::json!([0, 2]));
    assert_eq!(
        recount["rounds"][0]["quota"],
        election["rounds"][0]["quota"]
    );
    assert_eq!(
        recount["rounds"][0]["votes"],
        election["rounds"][0]["votes"]
    );
    // Only a regular file is read: a device is refused with what it is.
    let refused = bo.fails(&["election", "count", "/dev/zero"]);
    assert!(refused.contains("ballot file"), "{refused}");
    let yes_no = first_yes_no(asha, &all, tmp.path());
    assert!(
        bo.fails(&["election", "blt", &yes_no, "--out", "x.blt"])
            .contains("not an STV election")
    );

    // The same ballots by Scottish STV: quota ⌊5/3⌋ + 1 = 2, Asha and Cy elected with
    // exactly the quota (no surplus to transfer).
    let scottish = propose("scottish-stv", "2");
    exchange(&all, tmp.path(), "scottish");
    for (home, ranking) in [
        (asha, ["Asha", "Bo"]),
        (bo, ["Bo", "Asha"]),
        (cy, ["Cy", "Bo"]),
        (eli, ["Cy", "Dee"]),
    ] {
        home.ok(&["vote", &scottish, ranking[0], ranking[1]]);
    }
    dee.ok(&["proxy", &scottish, &keys[0][..12]]);
    exchange(&all, tmp.path(), "scottish-votes");
    let t = bo.json(&["tally", &scottish]);
    assert_eq!(t["election"]["rounds"][0]["quota"], "2.00000");
    assert_eq!(t["election"]["elected"], serde_json::json!(["Asha", "Cy"]));
    assert_eq!(t["election"]["rounds"][0]["votes"][0], "2.00000");
}

/// A yes/no proposal every home has.
fn first_yes_no(asha: &Home, all: &[&Home], dir: &std::path::Path) -> String {
    let id = asha
        .ok(&[
            "propose",
            "--title",
            "Paint",
            "--text",
            "Green.",
            "--method",
            "yes-no",
            "--closes-in",
            "7d",
        ])
        .trim()
        .to_owned();
    exchange(all, dir, "paint");
    id
}

fn export(home: &Home, dir: &std::path::Path, name: &str) -> String {
    let file = dir
        .join(format!("{name}.bundle"))
        .to_string_lossy()
        .into_owned();
    home.ok(&["bundle", "export", &file]);
    file
}

fn propose_fails(home: &Home, method: &[&str]) -> String {
    let mut args = vec![
        "propose",
        "--title",
        "Board",
        "--text",
        "Seats.",
        "--candidate",
        "Asha",
        "--candidate",
        "Bo",
        "--closes-in",
        "7d",
    ];
    args.extend_from_slice(method);
    home.fails(&args)
}

#[test]
fn a_vote_closing_within_a_day_is_marked_until_the_member_answers_it() {
    let tmp = TempDir::new().expect("tmp");
    let asha = Home::new(tmp.path(), "asha");
    let bo = Home::new(tmp.path(), "bo");
    let asha_key = asha.identity("Asha");
    let bo_key = bo.identity("Bo");
    asha.ok(&["coop", "create", "River Bakery"]);
    asha.ok(&["member", "admit", &bo_key, "--name", "Bo"]);
    let propose = |title: &str, closes_in: &str| {
        asha.ok(&[
            "propose",
            "--title",
            title,
            "--text",
            "Yes or no.",
            "--method",
            "yes-no",
            "--closes-in",
            closes_in,
        ])
        .trim()
        .to_owned()
    };
    let soon = propose("Fix the oven", "3h");
    let later = propose("Paint the shed", "7d");
    let founding = export(&asha, tmp.path(), "all");
    bo.ok(&["bundle", "import", &founding]);

    let listed = |home: &Home| -> Vec<Value> {
        home.json(&["proposal", "list"])
            .as_array()
            .expect("list")
            .clone()
    };
    let row =
        |list: &[Value], id: &str| list.iter().find(|p| p["id"] == id).expect("listed").clone();
    let list = listed(&bo);
    assert_eq!(row(&list, &soon)["you_may_vote"], true);
    assert_eq!(row(&list, &soon)["you_answered"], false);
    let text = bo.ok(&["proposal", "list"]);
    assert!(
        text.contains("! 1 closing within 24 hours that you have not voted on"),
        "{text}"
    );
    // Only the one closing within a day is marked.
    let marked: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_end().ends_with(" !"))
        .collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert!(marked[0].contains("Fix the oven"), "{text}");

    // A proxy answers it as a ballot does.
    bo.ok(&["proxy", &soon, &asha_key[..12]]);
    assert_eq!(row(&listed(&bo), &soon)["you_answered"], true);
    assert!(
        !bo.ok(&["proposal", "list"])
            .contains("closing within 24 hours")
    );
    // Taking the proxy back leaves it unanswered again; a ballot answers it for good.
    bo.ok(&["proxy", "revoke", &soon]);
    assert_eq!(row(&listed(&bo), &soon)["you_answered"], false);
    bo.ok(&["vote", &soon, "yes"]);
    assert_eq!(row(&listed(&bo), &soon)["you_answered"], true);
    assert_eq!(row(&listed(&bo), &later)["you_answered"], false);
}

#[test]
fn a_client_project_proposed_from_its_template_keeps_the_ten_questions_with_their_answers() {
    let tmp = TempDir::new().expect("tmp");
    let asha = Home::new(tmp.path(), "asha");
    asha.identity("Asha");
    asha.ok(&["coop", "create", "Coopon"]);
    let list = asha.ok(&["template", "list"]);
    for id in [
        "advice",
        "consent",
        "consensus",
        "question_round",
        "election",
        "client_project",
    ] {
        assert!(list.contains(id), "{list}");
    }
    // The questions as headings, answered below each, make the proposal's text.
    let skeleton = asha.ok(&["template", "show", "client-project", "--skeleton"]);
    assert_eq!(skeleton.matches("## ").count(), 10, "{skeleton}");
    let answered = skeleton.replace(
        "## Who is the client?\n",
        "## Who is the client?\n\nThe river authority's flood team.\n",
    );
    let file = tmp.path().join("answers.md");
    std::fs::write(&file, answered).expect("write");
    let id = asha
        .ok(&[
            "propose",
            "--template",
            "client-project",
            "--title",
            "Client project: flood maps",
            "--text-file",
            &file.to_string_lossy(),
        ])
        .trim()
        .to_owned();
    let shown = asha.json(&["proposal", "show", &id]);
    assert_eq!(shown["template"], "client_project");
    assert_eq!(shown["method"], "consent", "the template's method");
    let days = (shown["tally"]["closes_at"].as_i64().expect("closes_at")
        - shown["opened_at"].as_i64().expect("opened_at")
        + 43_200_000)
        / 86_400_000;
    assert_eq!(days, 5, "the template's five days");
    assert!(
        shown["text"]
            .as_str()
            .expect("text")
            .contains("## Who is the client?\n\nThe river authority's flood team.")
    );
    // A template that does not exist, or a proposal with neither method nor template.
    assert!(
        asha.fails(&[
            "propose",
            "--template",
            "nope",
            "--title",
            "X",
            "--text",
            "Y"
        ])
        .contains("no template")
    );
    assert!(
        asha.fails(&[
            "propose",
            "--title",
            "X",
            "--text",
            "Y",
            "--closes-in",
            "1d"
        ])
        .contains("--method")
    );
}

#[test]
fn members_are_nominated_answer_and_see_who_stands_and_the_election_waits_for_the_close() {
    let tmp = TempDir::new().expect("tmp");
    let dir = tmp.path();
    let (homes, keys) = five_members(dir);
    let [asha, bo, cy] = [&homes[0], &homes[1], &homes[2]];
    let all: Vec<&Home> = homes.iter().collect();
    let call = asha.json(&[
        "nomination",
        "call",
        "--title",
        "Board 2027",
        "--seats",
        "2",
        "--closes-in",
        "7d",
    ]);
    let id = call["id"].as_str().expect("id").to_owned();
    assert_eq!(call["method"], "stv");
    assert_eq!(call["open"], true);
    exchange(&all, dir, "call");
    // Bo puts Cy forward and himself; Cy stands; Bo declines; a prefix names the call.
    bo.ok(&["nominate", &id[..8], &keys[2][..8]]);
    bo.ok(&["nominate", &id, &keys[1]]);
    exchange(&all, dir, "nominated");
    cy.ok(&["nomination", "accept", &id]);
    bo.ok(&["nomination", "decline", &id]);
    // Eli was nominated by nobody: his answer is refused and says why.
    let refused = homes[4].fails(&["nomination", "accept", &id]);
    assert!(
        refused.contains("was not nominated on this call"),
        "{refused}"
    );
    exchange(&all, dir, "answered");
    let shown = asha.json(&["nomination", "show", &id]);
    let nominees: Vec<(String, Vec<String>, Value)> = shown["nominees"]
        .as_array()
        .expect("nominees")
        .iter()
        .map(|n| {
            (
                n["name"].as_str().expect("name").to_owned(),
                n["by"]
                    .as_array()
                    .expect("by")
                    .iter()
                    .map(|b| b.as_str().expect("a name").to_owned())
                    .collect(),
                n["answer"].clone(),
            )
        })
        .collect();
    assert_eq!(
        nominees,
        vec![
            ("cy".to_owned(), vec!["bo".to_owned()], json!("accept")),
            ("bo".to_owned(), vec!["bo".to_owned()], json!("decline")),
        ]
    );
    let table = asha.ok(&["nomination", "show", &id]);
    assert!(
        table.contains("NOMINEE") && table.contains("stands") && table.contains("declined"),
        "{table}"
    );
    let listed = asha.ok(&["nomination", "list"]);
    assert!(listed.contains("Board 2027"), "{listed}");
    // Before nominations close, the election cannot open.
    let early = asha.fails(&["nomination", "open", &id, "--closes-in", "7d"]);
    assert!(
        early.contains("only once nominations have closed"),
        "{early}"
    );
    let log = asha.ok(&["log", "--limit", "6"]);
    assert!(
        log.contains("answered decline on call") && log.contains("nominated cy"),
        "{log}"
    );
}

#[test]
fn a_member_adds_a_template_every_member_proposes_from_it_and_an_id_is_kept_once() {
    let tmp = TempDir::new().expect("tmp");
    let dir = tmp.path();
    let (homes, _) = five_members(dir);
    let [asha, bo] = [&homes[0], &homes[1]];
    let all: Vec<&Home> = homes.iter().collect();
    let added = bo.json(&[
        "template",
        "add",
        "--id",
        "equipment",
        "--name",
        "Buying equipment",
        "--purpose",
        "Before we spend on a machine",
        "--title",
        "Buy:",
        "--question",
        "What it costs",
        "--question",
        "Who will use it",
        "--days",
        "5",
    ]);
    assert_eq!(added["by"], "bo");
    // A starter's id is Sangam's, and an id the co-op keeps is kept once.
    let starter = asha.fails(&[
        "template", "add", "--id", "advice", "--name", "A", "--title", "A",
    ]);
    assert!(starter.contains("a template Sangam ships"), "{starter}");
    exchange(&all, dir, "template");
    let twice = asha.fails(&[
        "template",
        "add",
        "--id",
        "equipment",
        "--name",
        "B",
        "--title",
        "B",
    ]);
    assert!(twice.contains("already keeps a template"), "{twice}");
    let listed = asha.ok(&["template", "list"]);
    assert!(
        listed.contains("advice") && listed.contains("equipment") && listed.contains("added by bo"),
        "{listed}"
    );
    let skeleton = asha.ok(&["template", "show", "equipment", "--skeleton"]);
    assert_eq!(skeleton.matches("## ").count(), 2, "{skeleton}");
    let text = dir.join("answers.md");
    std::fs::write(
        &text,
        "## What it costs\n\n400 EUR\n\n## Who will use it\n\nThe bakers\n",
    )
    .expect("written");
    let p = asha.json(&[
        "propose",
        "--title",
        "Buy: a mill",
        "--template",
        "equipment",
        "--text-file",
        text.to_str().expect("utf-8"),
    ]);
    assert_eq!(p["template"], "equipment");
    assert_eq!(p["method"], "yes_no");
    // The template's five days, counted from a moment before the record's own time.
    let span = p["tally"]["closes_at"].as_i64().expect("closes")
        - p["opened_at"].as_i64().expect("opened");
    assert_eq!((span + 43_200_000) / 86_400_000, 5);
}
