//! The proposal templates Sangam ships: a title, headed questions the proposer answers,
//! and defaults (method, seats, quorum, threshold, how long the vote runs). A proposal
//! records the template it came from (`ProposalOpen::template`), and its text holds each
//! question as a `## ` heading followed by the answer, so every member sees the
//! questions with their answers, in any app. The texts here are English; the window
//! shows them in the member's language by the template's id.

use serde::Serialize;

use sangam_model::body::{Fraction, Method, TemplateAdd};
use sangam_model::{Body, CoopId};

use crate::ApiError;
use crate::home::Home;
use crate::problem::{ProblemKey, problem};

/// A template, as the CLI and the window read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TemplateDto {
    /// Its id, recorded in the proposal (`client_project`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for, in a line.
    pub purpose: String,
    /// The title a proposal starts with.
    pub title: String,
    /// The questions the proposer answers, in order.
    pub questions: Vec<String>,
    /// The voting method.
    pub method: Method,
    /// An election's seats.
    pub seats: Option<u32>,
    /// The quorum (percent), when the template asks more than the bylaws.
    pub quorum_pct: Option<u8>,
    /// The threshold, when the template asks more than the bylaws.
    pub threshold: Option<Fraction>,
    /// How many days the vote runs.
    pub days: u32,
    /// Options to start from (an election's candidates are added by the proposer).
    pub options: Vec<String>,
    /// Who added it to the co-op (their name), for a template the co-op keeps; `None`
    /// for a starter Sangam ships (whose words the window has in every language).
    pub by: Option<String>,
}

/// A template a member adds to the co-op: the record's body as the member writes it (the
/// window sends it as it is).
pub type TemplateDraft = TemplateAdd;

struct Starter {
    id: &'static str,
    name: &'static str,
    purpose: &'static str,
    title: &'static str,
    questions: &'static [&'static str],
    method: Method,
    seats: Option<u32>,
    quorum_pct: Option<u8>,
    threshold: Option<(u32, u32)>,
    days: u32,
    options: &'static [&'static str],
}

const STARTERS: &[Starter] = &[
    Starter {
        id: "advice",
        name: "Advice",
        purpose: "You will decide, after asking those affected and those who know",
        title: "Advice: ",
        questions: &[
            "What I intend to decide",
            "Who it affects, and who knows most about it",
            "The advice I ask for",
        ],
        method: Method::Consent,
        seats: None,
        quorum_pct: Some(0),
        threshold: None,
        days: 7,
        options: &[],
    },
    Starter {
        id: "consent",
        name: "Consent",
        purpose: "Go ahead unless someone has a reasoned objection",
        title: "",
        questions: &["The proposal", "Why now", "What happens if we do nothing"],
        method: Method::Consent,
        seats: None,
        quorum_pct: None,
        threshold: None,
        days: 7,
        options: &[],
    },
    Starter {
        id: "consensus",
        name: "Consensus",
        purpose: "Everyone who answers agrees; a block stops it",
        title: "",
        questions: &[
            "The proposal",
            "Concerns heard so far, and how it answers them",
            "When and how we review it",
        ],
        method: Method::Consent,
        seats: None,
        quorum_pct: None,
        threshold: Some((1, 1)),
        days: 14,
        options: &[],
    },
    Starter {
        id: "question_round",
        name: "Question round",
        purpose: "Hear where everyone stands before proposing anything",
        title: "Question: ",
        questions: &["The question", "What each option means"],
        method: Method::Approval,
        seats: None,
        quorum_pct: Some(0),
        threshold: None,
        days: 7,
        options: &[],
    },
    Starter {
        id: "election",
        name: "Election",
        purpose: "Fill seats by single transferable vote",
        title: "Election: ",
        questions: &[
            "The role and its term",
            "What the role involves",
            "How the candidates stood",
        ],
        method: Method::Stv,
        seats: Some(3),
        quorum_pct: None,
        threshold: None,
        days: 14,
        options: &[],
    },
    Starter {
        id: "client_project",
        name: "Take on a client project",
        purpose: "Decide a client project by the ten questions",
        title: "Client project: ",
        questions: &[
            "Who is the client?",
            "What are their requirements?",
            "Could the project harm the co-op's values?",
            "Is it purely technocratic?",
            "Does it have anti-scientific requirements?",
            "Are Free Software, Free Hardware and Open Data allowed?",
            "How would it disrupt stakeholders?",
            "What is its socio-economic impact, and does it empower disadvantaged communities?",
            "If it is underpaid, is it worth it as a portfolio piece?",
            "What time, resources and skills does it need?",
        ],
        method: Method::Consent,
        seats: None,
        quorum_pct: None,
        threshold: None,
        days: 5,
        options: &[],
    },
];

fn dto(s: &Starter) -> TemplateDto {
    TemplateDto {
        id: s.id.into(),
        name: s.name.into(),
        purpose: s.purpose.into(),
        title: s.title.into(),
        questions: s.questions.iter().map(|q| (*q).into()).collect(),
        method: s.method,
        seats: s.seats,
        quorum_pct: s.quorum_pct,
        threshold: s.threshold.map(|(num, den)| Fraction { num, den }),
        days: s.days,
        options: s.options.iter().map(|o| (*o).into()).collect(),
        by: None,
    }
}

fn coop_dto(t: &TemplateAdd, by: String) -> TemplateDto {
    TemplateDto {
        id: t.id.clone(),
        name: t.name.clone(),
        purpose: t.purpose.clone(),
        title: t.title.clone(),
        questions: t.questions.clone(),
        method: t.method,
        seats: t.seats,
        quorum_pct: None,
        threshold: None,
        days: t.days,
        options: Vec::new(),
        by: Some(by),
    }
}

impl Home {
    /// The templates a proposal of `coop` may start from: the starters, then the ones
    /// the co-op keeps, oldest first.
    pub fn templates_of(&self, coop: CoopId) -> Result<Vec<TemplateDto>, ApiError> {
        let mut node = self.node();
        let state = node.state(coop)?;
        let fold = node.replica(coop)?.fold();
        let name = |p: &sangam_model::fold::Placed| {
            let key = p.record.author();
            state
                .member(&key)
                .map_or_else(|| key.short(), |m| m.name.clone())
        };
        let mut all = templates();
        all.extend(
            fold.templates()
                .into_iter()
                .map(|(p, t)| coop_dto(t, name(p))),
        );
        Ok(all)
    }

    /// A template of `coop` by id: a starter, or one the co-op keeps.
    pub fn template_of(&self, coop: CoopId, id: &str) -> Result<Option<TemplateDto>, ApiError> {
        Ok(self.templates_of(coop)?.into_iter().find(|t| t.id == id))
    }

    /// Adds a template to the co-op, for every member's proposals.
    pub fn add_template(
        &self,
        coop: CoopId,
        draft: TemplateDraft,
    ) -> Result<TemplateDto, ApiError> {
        let id = draft.id.trim().to_owned();
        if template(&id).is_some() {
            return Err(problem(ProblemKey::TemplateIsStarter)
                .with("id", &id)
                .into());
        }
        let body = Body::TemplateAdd(TemplateAdd {
            id: id.clone(),
            name: draft.name.trim().to_owned(),
            purpose: draft.purpose.trim().to_owned(),
            title: draft.title.trim().to_owned(),
            questions: draft
                .questions
                .iter()
                .map(|q| q.trim().to_owned())
                .collect(),
            method: draft.method,
            seats: draft.seats,
            days: draft.days,
        });
        self.node().write(coop, body)?;
        self.template_of(coop, &id)?
            .ok_or_else(|| crate::error::damaged("the template was not kept after writing"))
    }
}

/// The starters, in the order they are offered.
pub fn templates() -> Vec<TemplateDto> {
    STARTERS.iter().map(dto).collect()
}

/// A starter by its id.
pub fn template(id: &str) -> Option<TemplateDto> {
    STARTERS.iter().find(|s| s.id == id).map(dto)
}

/// A proposal's text from a template's questions and the proposer's answers: each
/// question a `## ` heading, its answer below it.
pub fn text_from_answers(questions: &[String], answers: &[String]) -> String {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answer = answers.get(i).map_or("", |a| a.trim());
            format!("## {q}\n\n{answer}\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The questions and answers in a proposal's text written from a template: every `## `
/// heading and the text below it up to the next. Text before the first heading is
/// returned under an empty question.
pub fn answers_in(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(q) = line.strip_prefix("## ") {
            out.push((q.trim().to_owned(), String::new()));
        } else {
            if out.is_empty() {
                out.push((String::new(), String::new()));
            }
            let answer = &mut out.last_mut().expect("pushed").1;
            answer.push_str(line);
            answer.push('\n');
        }
    }
    for (_, a) in &mut out {
        *a = a.trim().to_owned();
    }
    out.retain(|(q, a)| !(q.is_empty() && a.is_empty()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_project_asks_the_ten_questions_and_reads_them_back() {
        let t = template("client_project").expect("a starter");
        assert_eq!(t.questions.len(), 10);
        let answers: Vec<String> = (1..=10)
            .map(|i| format!("Answer {i}\nsecond line"))
            .collect();
        let text = text_from_answers(&t.questions, &answers);
        let read = answers_in(&text);
        assert_eq!(read.len(), 10);
        assert_eq!(
            read[0],
            (t.questions[0].clone(), "Answer 1\nsecond line".into())
        );
        assert_eq!(read[9].0, "What time, resources and skills does it need?");
    }

    #[test]
    fn every_starter_is_a_valid_proposal_shape() {
        let ids: Vec<String> = templates().into_iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "advice",
                "consent",
                "consensus",
                "question_round",
                "election",
                "client_project"
            ]
        );
        for t in templates() {
            assert!(!t.questions.is_empty(), "{}", t.id);
            assert_eq!(t.seats.is_some(), t.method.is_stv(), "{}", t.id);
            sangam_model::field::check_name("template", &t.id).expect("a template id is a name");
        }
    }
}
