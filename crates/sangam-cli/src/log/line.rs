//! `sangam log`'s line for each record, in English: core hands over the record's body as
//! signed, and this says what it does. The one match over every kind outside the model,
//! where it belongs: wording is a front end's.

use sangam_core::{Body, LogEntryDto, PublicKey};

/// What `entry` does, in a line; `name_of` names the members its body mentions.
pub fn log_line(entry: &LogEntryDto, name_of: &dyn Fn(&PublicKey) -> Option<String>) -> String {
    match Body::from_value(entry.kind, entry.body.clone()) {
        Ok(body) => summarize(&body, name_of),
        Err(e) => format!("(a body this build cannot read: {e})"),
    }
}

fn summarize(body: &Body, name_of: &dyn Fn(&PublicKey) -> Option<String>) -> String {
    let who = |key: &PublicKey| name_of(key).unwrap_or_else(|| key.short());
    match body {
        Body::CoopGenesis(g) => format!("founded {:?} ({})", g.name, g.currency),
        Body::MemberAdmit(a) => format!("admitted {} ({})", a.name, a.member.short()),
        Body::MemberLeave(_) => "left the co-op".to_owned(),
        Body::MemberRemove(r) => format!("removed {}: {}", who(&r.member), r.reason),
        Body::MemberUpdate(u) => match (&u.name, &u.contact) {
            (Some(n), _) => format!("now called {n}"),
            (None, Some(_)) => "updated contact".to_owned(),
            (None, None) => "updated profile".to_owned(),
        },
        Body::DeviceAdd(d) => format!("added device {} ({})", d.name, d.device.short()),
        Body::DeviceRevoke(d) => format!("revoked device {}", d.device.short()),
        Body::ProposalOpen(p) => format!("proposed {:?} ({})", p.title, p.method.as_str()),
        Body::Ballot(b) => format!("voted on {} (ballot {})", b.proposal.short(), b.seq),
        Body::ProxyGrant(g) => format!(
            "gave a proxy on {} to {}",
            g.proposal.short(),
            who(&g.holder)
        ),
        Body::ProxyRevoke(r) => format!("revoked a proxy on {}", r.proposal.short()),
        Body::ProposalClose(c) => format!(
            "closed {} counting {} ballot(s)",
            c.proposal.short(),
            c.ballots.len()
        ),
        Body::ProposalWithdraw(w) => format!("withdrew {}", w.proposal.short()),
        Body::TemplateAdd(t) => format!("added the template {:?} ({})", t.name, t.id),
        Body::NominationCall(c) => format!(
            "called for nominations for {:?} ({} seat(s))",
            c.title, c.seats
        ),
        Body::Nomination(n) => format!("nominated {} on call {}", who(&n.nominee), n.call.short()),
        Body::NominationAnswer(a) => {
            format!("answered {} on call {}", a.answer.as_str(), a.call.short())
        }
        Body::ListingPost(p) => format!("posted a {} listing {:?}", p.0.kind.as_str(), p.0.title),
        Body::ListingRevise(r) => format!("revised listing {}", r.listing.short()),
        Body::ListingStatusChange(s) => {
            format!("marked listing {} {}", s.listing.short(), s.status.as_str())
        }
        Body::ListingRespond(r) => format!("responded to listing {}", r.listing.short()),
        Body::LedgerAccount(a) => format!("opened the account {:?}", a.name),
        Body::LedgerEntry(e) => format!("posted the entry {:?} of {}", e.description, e.date),
        Body::LedgerClose(c) => format!("closed the account {}", c.account.short()),
        Body::LabourLog(l) => format!("logged {} minutes of work on {}", l.minutes, l.date),
        Body::CoopSettings(c) => match &c.relay {
            Some(url) => format!("set the co-op's relay to {url} alone (only a vote may)"),
            None => {
                "set the co-op's relay to n0's public relays alone (only a vote may)".to_owned()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_worded_and_an_unreadable_one_says_so() {
        let entry = |kind: sangam_core::Kind, body: serde_json::Value| LogEntryDto {
            id: "00".repeat(32),
            kind,
            author: "11".repeat(32),
            author_name: None,
            at: 0,
            body,
            status: sangam_core::RecordStatus::Valid,
        };
        let renamed = entry(
            sangam_core::Kind::MemberUpdate,
            serde_json::json!({"name": "Asha R"}),
        );
        assert_eq!(log_line(&renamed, &|_| None), "now called Asha R");
        let odd = entry(
            sangam_core::Kind::LabourLog,
            serde_json::json!({"minutes": "lots"}),
        );
        assert!(log_line(&odd, &|_| None).starts_with("(a body this build cannot read"));
    }
}
