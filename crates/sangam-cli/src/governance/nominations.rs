//! `sangam nomination …` and `sangam nominate`: calling for candidates, putting members
//! forward, answering, and opening the election once nominations have closed.

use anyhow::Result;
use clap::{Args, Subcommand};
use sangam_core::NominationReply;
use sangam_core::{CallDraft, Home, NominationCallDto};

use crate::output::Output;
use crate::show::{api, print, table, when};
use crate::{resolve, words};

#[derive(Subcommand)]
pub enum NominationCommand {
    /// Call for candidates for an election: members nominate until --closes-in, then you
    /// open the election with `sangam nomination open`.
    Call {
        /// What is elected ("Board 2027").
        #[arg(long)]
        title: String,
        /// Why, and what the seats are for.
        #[arg(long, default_value = "")]
        text: String,
        /// stv (Meek, the default), scottish-stv or approval.
        #[arg(long, default_value = "stv")]
        method: String,
        /// How many are elected.
        #[arg(long)]
        seats: u32,
        /// How long nominations stay open, like 7d or 48h.
        #[arg(long, value_name = "DURATION")]
        closes_in: String,
        #[command(flatten)]
        out: Output,
    },
    /// The calls for nominations, newest first.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// A call: who is nominated, by whom, and who accepted.
    Show {
        /// The call's id (any unique prefix).
        call: String,
        #[command(flatten)]
        out: Output,
    },
    /// Stand for election on a call you were nominated on.
    Accept(AnswerArgs),
    /// Do not stand.
    Decline(AnswerArgs),
    /// Stand no longer (before nominations close).
    Withdraw(AnswerArgs),
    /// Open the election from a call whose nominations have closed (the caller does): its
    /// candidates are those who accepted, in the order first nominated.
    Open {
        /// The call's id.
        call: String,
        /// How long the vote stays open, like 7d.
        #[arg(long, value_name = "DURATION")]
        closes_in: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Args)]
pub struct AnswerArgs {
    /// The call's id.
    pub call: String,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct NominateArgs {
    /// The call's id (any unique prefix).
    pub call: String,
    /// The member put forward (key or prefix; yourself too).
    pub member: String,
    #[command(flatten)]
    pub out: Output,
}

/// `sangam nominate CALL MEMBER`.
pub fn nominate(home: &Home, coop_arg: Option<&str>, args: NominateArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let call = resolve::call(home, coop, &args.call)?;
    let member = resolve::member(home, coop, &args.member)?;
    let dto = home.nominate(coop, call, member).map_err(api)?;
    print(args.out, &dto, || render_call(&dto))
}

/// `sangam nomination …`.
pub fn run(home: &Home, coop_arg: Option<&str>, command: NominationCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        NominationCommand::Call {
            title,
            text,
            method,
            seats,
            closes_in,
            out,
        } => {
            let draft = CallDraft {
                title,
                text,
                method: words::method(&method)?,
                seats,
                closes_at: words::deadline(home.now(), Some(&closes_in), None)?,
            };
            let dto = home.call_nominations(coop, draft).map_err(api)?;
            print(out, &dto, || {
                format!(
                    "Called for nominations.\n  id: {}\n\n{}",
                    dto.id,
                    render_call(&dto)
                )
            })
        }
        NominationCommand::List { out } => {
            let calls = home.nomination_calls(coop).map_err(api)?;
            let now = home.now();
            print(out, &calls, || render_calls(&calls, now))
        }
        NominationCommand::Show { call, out } => {
            let call = resolve::call(home, coop, &call)?;
            let dto = home.nomination_call(coop, call).map_err(api)?;
            print(out, &dto, || render_call(&dto))
        }
        NominationCommand::Accept(args) => answer(home, coop, args, NominationReply::Accept),
        NominationCommand::Decline(args) => answer(home, coop, args, NominationReply::Decline),
        NominationCommand::Withdraw(args) => answer(home, coop, args, NominationReply::Withdraw),
        NominationCommand::Open {
            call,
            closes_in,
            out,
        } => {
            let call = resolve::call(home, coop, &call)?;
            let closes_at = words::deadline(home.now(), Some(&closes_in), None)?;
            let p = home.open_election(coop, call, closes_at).map_err(api)?;
            print(out, &p, || {
                format!(
                    "Opened the election {:?}.\n  id: {}\n  candidates: {}",
                    p.title,
                    p.id,
                    p.options.join(", ")
                )
            })
        }
    }
}

fn answer(
    home: &Home,
    coop: sangam_core::CoopId,
    args: AnswerArgs,
    reply: NominationReply,
) -> Result<()> {
    let call = resolve::call(home, coop, &args.call)?;
    let dto = home.answer_nomination(coop, call, reply).map_err(api)?;
    print(args.out, &dto, || render_call(&dto))
}

fn answer_word(answer: Option<NominationReply>) -> &'static str {
    match answer {
        Some(NominationReply::Accept) => "stands",
        Some(NominationReply::Decline) => "declined",
        Some(NominationReply::Withdraw) => "withdrew",
        None => "not answered",
    }
}

fn render_calls(calls: &[NominationCallDto], now: i64) -> String {
    if calls.is_empty() {
        return "No calls for nominations yet: `sangam nomination call --title T --seats N --closes-in 7d`.".into();
    }
    let table = table(
        &["ID", "TITLE", "SEATS", "NOMINATIONS CLOSE", "STANDING"],
        calls.iter().map(|c| {
            let standing = c
                .nominees
                .iter()
                .filter(|n| n.answer == Some(NominationReply::Accept))
                .count();
            // `!`: you were nominated, have not answered, and nominations close within a day.
            let closes = if c.needs_reminder(now) {
                format!("{} !", when(c.closes_at))
            } else {
                when(c.closes_at)
            };
            vec![
                c.id.chars().take(12).collect(),
                c.title.clone(),
                c.seats.to_string(),
                closes,
                standing.to_string(),
            ]
        }),
    );
    if calls.iter().any(|c| c.needs_reminder(now)) {
        return format!("{table}\n! you were nominated: answer before nominations close");
    }
    table
}

fn render_call(c: &NominationCallDto) -> String {
    let mut out = format!(
        "{} ({} seat(s), {}), called by {}\n  nominations {} {}",
        c.title,
        c.seats,
        c.method.as_str(),
        c.caller_name,
        if c.open { "close" } else { "closed" },
        when(c.closes_at)
    );
    if let Some(election) = &c.election {
        out.push_str(&format!("\n  election: {election}"));
    }
    if c.nominees.is_empty() {
        out.push_str("\n\nNobody is nominated yet: `sangam nominate CALL MEMBER`.");
        return out;
    }
    out.push_str("\n\n");
    out.push_str(&table(
        &["NOMINEE", "NOMINATED BY", "ANSWER"],
        c.nominees.iter().map(|n| {
            vec![
                n.name.clone(),
                n.by.join(", "),
                answer_word(n.answer).to_owned(),
            ]
        }),
    ));
    out
}
