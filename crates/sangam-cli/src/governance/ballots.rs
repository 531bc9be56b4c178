//! `sangam vote`, `proxy`, `close`, `withdraw` and `tally`: a proposal's ballots, from
//! casting one to the count.

use anyhow::Result;
use clap::Args;
use sangam_core::{Home, TallyDto};

use super::render::tally_text;
use crate::output::Output;
use crate::show::{api, outln, print};
use crate::{resolve, words};

#[derive(Args)]
pub struct VoteArgs {
    /// The proposal id (any unique prefix).
    pub id: String,
    /// Your answer.
    #[arg(required = true, num_args = 1..)]
    pub choice: Vec<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct ProxyArgs {
    /// `ID MEMBER`, or `revoke ID`.
    #[arg(required = true, num_args = 2)]
    pub args: Vec<String>,
}

#[derive(Args)]
pub struct CloseArgs {
    /// The proposal id.
    pub id: String,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct WithdrawArgs {
    /// The proposal id.
    pub id: String,
}

#[derive(Args)]
pub struct TallyArgs {
    /// The proposal id.
    pub id: String,
    #[command(flatten)]
    pub out: Output,
}

/// `sangam vote`: the ballot read for the proposal's method.
pub fn vote(home: &Home, coop_arg: Option<&str>, args: VoteArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let id = resolve::proposal(home, coop, &args.id)?;
    let method = home.proposal(coop, id).map_err(api)?.method;
    let choice = words::choice(method, &args.choice)?;
    let tally = home.vote(coop, id, choice).map_err(api)?;
    print(args.out, &tally, || render_voted(&tally))
}

/// `sangam proxy ID MEMBER` or `sangam proxy revoke ID`.
pub fn proxy(home: &Home, coop_arg: Option<&str>, ProxyArgs { args }: ProxyArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    if args[0] == "revoke" {
        let id = resolve::proposal(home, coop, &args[1])?;
        home.proxy_revoke(coop, id).map_err(api)?;
        outln("Proxy revoked: nobody votes for you on this proposal now.")
    } else {
        let id = resolve::proposal(home, coop, &args[0])?;
        let holder = resolve::member(home, coop, &args[1])?;
        home.proxy(coop, id, holder).map_err(api)?;
        outln("Proxy given. Your own ballot, if you cast one, still overrides it.")
    }
}

/// `sangam close`.
pub fn close(home: &Home, coop_arg: Option<&str>, args: CloseArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let tally = home
        .close(coop, resolve::proposal(home, coop, &args.id)?)
        .map_err(api)?;
    print(args.out, &tally, || render_closed(&tally))
}

/// `sangam withdraw`.
pub fn withdraw(home: &Home, coop_arg: Option<&str>, args: WithdrawArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    home.withdraw(coop, resolve::proposal(home, coop, &args.id)?)
        .map_err(api)?;
    outln("Withdrawn.")
}

/// `sangam tally`.
pub fn tally(home: &Home, coop_arg: Option<&str>, args: TallyArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let tally = home
        .tally(coop, resolve::proposal(home, coop, &args.id)?)
        .map_err(api)?;
    print(args.out, &tally, || tally_text(&tally))
}

fn render_voted(tally: &TallyDto) -> String {
    format!(
        "Vote recorded. You can change it until the proposal closes.\n{}",
        tally_text(tally)
    )
}

fn render_closed(tally: &TallyDto) -> String {
    format!("Closed.\n{}", tally_text(tally))
}
