//! What a window sends and reads: the founding bylaws are the ones chosen, a proposal
//! form with a mistake is refused with words that name it, writing nothing, and a
//! proposal's detail says who voted what.

use sangam_core::{
    Admission, CoopForm, EffectForm, ErrorCode, Fraction, Home, Method, ProposalFilter,
    ProposalForm,
};
use tempfile::TempDir;

fn home(dir: &TempDir) -> Home {
    let home = Home::open(&dir.path().join("asha")).expect("opens");
    home.create_identity("Asha").expect("identity");
    home
}

fn form(method: Method, options: &[&str], effect: Option<EffectForm>) -> ProposalForm {
    ProposalForm {
        title: "Market day".into(),
        text: "Which day?".into(),
        method,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        seats: None,
        template: None,
        quorum_pct: None,
        threshold: None,
        closes_at: sangam_core::LATEST_TIME - 1,
        effect,
    }
}

#[test]
fn a_co_op_founded_from_a_form_keeps_the_bylaws_chosen() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    let coop = home
        .found_coop(&CoopForm {
            name: "River Co-op".into(),
            currency: "inr".into(),
            admission: Admission::Proposal,
            quorum_pct: 60,
            threshold: Fraction { num: 2, den: 3 },
        })
        .expect("founded");
    assert_eq!(coop.admission, Admission::Proposal);
    assert_eq!(coop.quorum_pct, 60);
    assert_eq!(coop.threshold, Fraction { num: 2, den: 3 });
    assert_eq!(coop.currency, "INR");
}

#[test]
fn impossible_founding_bylaws_are_refused_and_no_co_op_is_made() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    let err = home
        .found_coop(&CoopForm {
            name: "River Co-op".into(),
            currency: "INR".into(),
            admission: Admission::AnyMember,
            quorum_pct: 150,
            threshold: Fraction { num: 1, den: 2 },
        })
        .expect_err("a quorum over 100%");
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert!(home.coops().expect("coops").is_empty());
}

#[test]
fn a_proposal_form_drops_blank_option_lines_and_names_a_bad_key() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Co-op", "INR").expect("founded");
    let coop = home.coops().expect("coops")[0].id.parse().expect("id");

    // A textarea's trailing newline is not an option.
    let draft = form(Method::Choice, &["Saturday", "Sunday", "  "], None)
        .try_into()
        .expect("reads");
    let opened = home.propose(coop, draft).expect("opens");
    assert_eq!(opened.options, ["Saturday", "Sunday"]);

    let bad = form(
        Method::YesNo,
        &[],
        Some(EffectForm::Remove {
            member: "not-a-key".into(),
        }),
    );
    let err = sangam_core::ProposalDraft::try_from(bad).expect_err("a bad key");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("the member to remove"),
        "{}",
        err.message
    );
    assert_eq!(
        home.proposals(coop, ProposalFilter::All)
            .expect("list")
            .len(),
        1,
        "nothing more was written"
    );
}

#[test]
fn a_proposal_says_who_voted_what_and_who_has_not_yet() {
    let dir = TempDir::new().expect("tmp");
    let asha = home(&dir);
    let bo = Home::open(&dir.path().join("bo")).expect("opens");
    let bo_key = bo.create_identity("Bo").expect("identity").member;
    asha.create_coop("River Co-op", "INR").expect("founded");
    let coop = asha.coops().expect("coops")[0].id.parse().expect("id");
    asha.admit(coop, bo_key.parse().expect("key"), "Bo")
        .expect("admitted");
    let draft = form(Method::YesNo, &[], None).try_into().expect("reads");
    let id = asha
        .propose(coop, draft)
        .expect("opens")
        .id
        .parse()
        .expect("id");
    asha.vote(coop, id, sangam_core::Choice::Vote(sangam_core::Vote::Yes))
        .expect("voted");

    let shown = asha.proposal(coop, id).expect("shown");
    let asha_key = asha.identity().expect("identity").member;
    let by_key = |key: &str| {
        shown
            .voters
            .iter()
            .find(|v| v.member == key)
            .unwrap_or_else(|| panic!("{key} is in the electorate"))
    };
    assert_eq!(shown.voters.len(), 2);
    assert_eq!(by_key(&asha_key).name.as_deref(), Some("Asha"));
    assert_eq!(
        by_key(&asha_key).choice,
        Some(sangam_core::Choice::Vote(sangam_core::Vote::Yes))
    );
    assert_eq!(by_key(&bo_key).name.as_deref(), Some("Bo"));
    assert_eq!(by_key(&bo_key).choice, None, "Bo has not voted yet");
}
