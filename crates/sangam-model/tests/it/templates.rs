//! The co-op's own templates: any member adds one; a later one of an id already in its
//! past is refused; of two concurrent ones, every laptop keeps the same.

use sangam_model::body::{Method, TemplateAdd};
use sangam_model::{Body, Refusal};

use crate::support::*;

fn template(id: &str, title: &str) -> Body {
    Body::TemplateAdd(TemplateAdd {
        id: id.into(),
        name: "Buying equipment".into(),
        purpose: "Before we spend on a machine".into(),
        title: title.into(),
        questions: vec!["What it costs".into(), "Who will use it".into()],
        method: Method::YesNo,
        seats: None,
        days: 7,
    })
}

#[test]
fn a_template_id_is_kept_once_and_concurrent_ones_agree() {
    let a = person(1);
    let b = person(2);
    let g = genesis(&a);
    let coop = g.id();
    let admit_b = record(coop, &a, &[&g], 1_001, admit(&b, "Bo"));
    let first = record(coop, &a, &[&admit_b], 2_000, template("equipment", "Buy:"));
    // Bo, having seen Asha's, cannot add the same id again.
    let again = record(
        coop,
        &b,
        &[&first],
        2_100,
        template("equipment", "Purchase:"),
    );
    // Two concurrent ones of another id: both valid where written, one kept.
    let c1 = record(coop, &a, &[&admit_b], 2_200, template("hire", "Hire:"));
    let c2 = record(coop, &b, &[&admit_b], 2_200, template("hire", "Hiring:"));
    let records = [
        g,
        admit_b,
        first.clone(),
        again.clone(),
        c1.clone(),
        c2.clone(),
    ];
    let mut kept = None;
    for order in permutations(&records[2..]) {
        let mut all = records[..2].to_vec();
        all.extend(order);
        let f = fold(coop, all);
        assert_eq!(
            f.get(&again.id()).expect("placed").verdict,
            Err(Refusal::TemplateExists("equipment".into()))
        );
        assert_eq!(f.get(&c1.id()).expect("placed").verdict, Ok(()));
        assert_eq!(f.get(&c2.id()).expect("placed").verdict, Ok(()));
        let ids: Vec<(String, String)> = f
            .templates()
            .iter()
            .map(|(_, t)| (t.id.clone(), t.title.clone()))
            .collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ("equipment".into(), "Buy:".into()));
        let hire = f.template("hire").expect("kept").1.title.clone();
        assert_eq!(
            *kept.get_or_insert(hire.clone()),
            hire,
            "every order keeps the same"
        );
    }
    // A template whose vote runs no day does not read.
    let mut bad = template("x", "X:");
    if let Body::TemplateAdd(t) = &mut bad {
        t.days = 0;
    }
    let value = match &bad {
        Body::TemplateAdd(t) => serde_json::to_value(t).expect("json"),
        _ => unreachable!(),
    };
    assert!(Body::from_value(sangam_model::Kind::TemplateAdd, value).is_err());
}
