//! `sangam listing …`: the marketplace from the terminal.

use anyhow::{Result, bail};
use sangam_core::{
    CoopId, Home, ListingDraft, ListingDto, ListingFilter, ListingKind, ListingStatus,
    ListingSummaryDto,
};

use crate::args::{ListingArgs, ListingCommand};
use crate::show::{api, print, table, when};
use crate::{resolve, words};

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

fn line(l: &ListingSummaryDto) -> Vec<String> {
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

fn shown(dto: &ListingDto) -> String {
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

pub fn run(home: &Home, coop: CoopId, command: ListingCommand) -> Result<()> {
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
            print(out, &dto, || format!("Revised.\n{}", shown(&dto)))
        }
        ListingCommand::Status { id, status: s, out } => {
            let id = resolve::listing(home, coop, &id)?;
            let dto = home
                .set_listing_status(coop, id, status(&s)?)
                .map_err(api)?;
            print(out, &dto, || format!("Now {}.", dto.listing.status))
        }
        ListingCommand::List {
            kind: k,
            category,
            status: s,
            search,
            by,
            out,
        } => {
            let author = by
                .map(|m| resolve::member(home, coop, &m))
                .transpose()?
                .map(|k| k.to_string());
            if let Some(s) = &s
                && s != "expired"
            {
                status(s)?;
            }
            let filter = ListingFilter {
                search,
                kind: k.as_deref().map(kind).transpose()?,
                category,
                status: s,
                author,
            };
            let list = home.listings(coop, &filter).map_err(api)?;
            print(out, &list, || {
                if list.is_empty() {
                    return "No listings.".to_owned();
                }
                table(
                    &["ID", "KIND", "TITLE", "PRICE", "STATUS", "BY", "RESPONSES"],
                    list.iter().map(line),
                )
            })
        }
        ListingCommand::Show { id, out } => {
            let id = resolve::listing(home, coop, &id)?;
            let dto = home.listing(coop, id).map_err(api)?;
            print(out, &dto, || shown(&dto))
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
