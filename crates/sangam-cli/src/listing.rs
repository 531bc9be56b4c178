//! `sangam listing …`: the marketplace from the terminal.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use sangam_core::{
    CoopId, Home, ListingDraft, ListingDto, ListingFilter, ListingKind, ListingStatus,
    ListingSummaryDto,
};

use crate::output::Output;
use crate::show::{api, print, table, when};
use crate::{resolve, words};

/// A listing's text, for posting and revising.
#[derive(Args)]
pub struct ListingArgs {
    /// Short title.
    #[arg(long)]
    pub title: String,
    /// The full description.
    #[arg(long, default_value = "")]
    pub description: String,
    /// A category, such as tools or food.
    #[arg(long)]
    pub category: Option<String>,
    /// The price: an amount and a commodity, like "15.50 EUR".
    #[arg(
        long,
        conflicts_with = "by_arrangement",
        value_name = "AMOUNT COMMODITY"
    )]
    pub price: Option<String>,
    /// No set price (the default, and always so for a gift).
    #[arg(long)]
    pub by_arrangement: bool,
    /// How many.
    #[arg(long)]
    pub quantity: Option<u32>,
    /// Where.
    #[arg(long)]
    pub location: Option<String>,
    /// How long it stands, e.g. 30d or 12h (default: until you change it).
    #[arg(long, value_name = "DURATION")]
    pub expires_in: Option<String>,
}

/// Which listings `sangam listing list` shows.
#[derive(Args)]
pub struct FilterArgs {
    /// Only offers, wants or gifts.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only this category.
    #[arg(long)]
    pub category: Option<String>,
    /// Only open, reserved, done, withdrawn or expired.
    #[arg(long)]
    pub status: Option<String>,
    /// Words to find in titles, descriptions and categories (any script).
    #[arg(long, allow_hyphen_values = true)]
    pub search: Option<String>,
    /// Only this member's listings (a key or a unique prefix of one).
    #[arg(long, value_name = "MEMBER")]
    pub by: Option<String>,
}

#[derive(Subcommand)]
pub enum ListingCommand {
    /// Post a listing (prints its id).
    Post {
        /// offer, want or gift.
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        text: ListingArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Revise your listing: give its whole text again.
    Revise {
        /// The listing id (any unique prefix).
        id: String,
        #[command(flatten)]
        text: ListingArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Set your listing's status: open, reserved, done or withdrawn.
    Status {
        /// The listing id.
        id: String,
        /// open, reserved, done or withdrawn.
        status: String,
        #[command(flatten)]
        out: Output,
    },
    /// List listings, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Show a listing and its responses.
    Show {
        /// The listing id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Answer a listing.
    Respond {
        /// The listing id.
        id: String,
        /// What you say.
        #[arg(long)]
        message: String,
        /// How many you want or offer.
        #[arg(long)]
        quantity: Option<u32>,
        #[command(flatten)]
        out: Output,
    },
}

fn kind(word: &str) -> Result<ListingKind> {
    Ok(match word.trim() {
        "offer" => ListingKind::Offer,
        "want" => ListingKind::Want,
        "gift" => ListingKind::Gift,
        other => bail!("a listing is an offer, a want or a gift, not {other:?}"),
    })
}

fn status(word: &str) -> Result<ListingStatus> {
    Ok(match word.trim() {
        "open" => ListingStatus::Open,
        "reserved" => ListingStatus::Reserved,
        "done" => ListingStatus::Done,
        "withdrawn" => ListingStatus::Withdrawn,
        other => bail!("a listing is open, reserved, done or withdrawn, not {other:?}"),
    })
}

fn draft(home: &Home, kind: Option<ListingKind>, text: ListingArgs) -> Result<ListingDraft> {
    let expires_at = match text.expires_in {
        Some(span) => {
            let span = words::duration(&span, "--expires-in")?;
            let at = home.now().checked_add(span.as_millis() as i64);
            Some(
                at.filter(|at| *at <= sangam_core::LATEST_TIME)
                    .ok_or_else(|| {
                        anyhow::anyhow!("a listing cannot stand beyond the year 9999")
                    })?,
            )
        }
        None => None,
    };
    Ok(ListingDraft {
        kind,
        title: text.title,
        description: text.description,
        category: text.category,
        price: if text.by_arrangement {
            None
        } else {
            text.price
        },
        quantity: text.quantity,
        location: text.location,
        expires_at,
    })
}

/// The filter as core takes it: the member resolved, the kind and status checked.
fn filter(home: &Home, coop: CoopId, f: FilterArgs) -> Result<ListingFilter> {
    let author =
        f.by.map(|m| resolve::member(home, coop, &m))
            .transpose()?
            .map(|k| k.to_string());
    if let Some(s) = &f.status
        && s != "expired"
    {
        status(s)?;
    }
    Ok(ListingFilter {
        search: f.search,
        kind: f.kind.as_deref().map(kind).transpose()?,
        category: f.category,
        status: f.status,
        author,
    })
}

fn render_listings(list: &[ListingSummaryDto]) -> String {
    if list.is_empty() {
        return "No listings.".to_owned();
    }
    table(
        &["ID", "KIND", "TITLE", "PRICE", "STATUS", "BY", "RESPONSES"],
        list.iter().map(row),
    )
}

fn row(l: &ListingSummaryDto) -> Vec<String> {
    vec![
        l.id[..12].to_owned(),
        l.kind.as_str().to_owned(),
        l.title.clone(),
        l.price.clone().unwrap_or_else(|| "by arrangement".into()),
        l.status.to_string(),
        l.author_name
            .clone()
            .unwrap_or_else(|| l.author[..12].to_owned()),
        l.responses.to_string(),
    ]
}

fn render_listing(dto: &ListingDto) -> String {
    let l = &dto.listing;
    let mut text = format!(
        "{} ({}, {})\n{}\n  by {} on {}{}",
        l.title,
        l.kind.as_str(),
        l.status,
        l.id,
        l.author_name
            .clone()
            .unwrap_or_else(|| l.author[..12].to_owned()),
        when(l.posted_at),
        l.revised_at
            .map(|at| format!(", revised {}", when(at)))
            .unwrap_or_default(),
    );
    text.push_str(&format!(
        "\n  price:   {}",
        l.price.clone().unwrap_or_else(|| "by arrangement".into())
    ));
    for (label, value) in [
        ("category", l.category.clone()),
        ("quantity", l.quantity.map(|q| q.to_string())),
        ("where", l.location.clone()),
        ("until", l.expires_at.map(when)),
    ] {
        if let Some(value) = value {
            text.push_str(&format!(
                "\n  {label}:{}{value}",
                " ".repeat(9 - label.len())
            ));
        }
    }
    if !l.description.is_empty() {
        text.push_str(&format!("\n\n{}", l.description));
    }
    text.push_str(&format!("\n\nResponses ({}):", dto.responses.len()));
    for r in &dto.responses {
        text.push_str(&format!(
            "\n  {} on {}{}: {}",
            r.author_name
                .clone()
                .unwrap_or_else(|| r.author[..12].to_owned()),
            when(r.at),
            r.quantity.map(|q| format!(" (×{q})")).unwrap_or_default(),
            // One line a response, its line breaks visible: a response cannot forge
            // another member's response below it.
            crate::show::inert_line(&r.message)
        ));
    }
    text
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: ListingCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        ListingCommand::Post { kind: k, text, out } => {
            let draft = draft(home, Some(kind(&k)?), text)?;
            let dto = home.post_listing(coop, &draft).map_err(api)?;
            print(out, &dto, || dto.listing.id.clone())
        }
        ListingCommand::Revise { id, text, out } => {
            let id = resolve::listing(home, coop, &id)?;
            let draft = draft(home, None, text)?;
            let dto = home.revise_listing(coop, id, &draft).map_err(api)?;
            print(out, &dto, || format!("Revised.\n{}", render_listing(&dto)))
        }
        ListingCommand::Status { id, status: s, out } => {
            let id = resolve::listing(home, coop, &id)?;
            let dto = home
                .set_listing_status(coop, id, status(&s)?)
                .map_err(api)?;
            print(out, &dto, || format!("Now {}.", dto.listing.status))
        }
        ListingCommand::List { filter: f, out } => {
            let filter = filter(home, coop, f)?;
            let list = home.listings(coop, &filter).map_err(api)?;
            print(out, &list, || render_listings(&list))
        }
        ListingCommand::Show { id, out } => {
            let id = resolve::listing(home, coop, &id)?;
            let dto = home.listing(coop, id).map_err(api)?;
            print(out, &dto, || render_listing(&dto))
        }
        ListingCommand::Respond {
            id,
            message,
            quantity,
            out,
        } => {
            let id = resolve::listing(home, coop, &id)?;
            let dto = home.respond(coop, id, &message, quantity).map_err(api)?;
            print(out, &dto, || {
                "Response sent (the author sees it once you sync).".into()
            })
        }
    }
}
