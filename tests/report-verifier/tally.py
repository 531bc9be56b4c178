"""A proposal's tally.

Implements docs/protocol.md, "Governance" / "Counting": status (provisional,
closed, withdrawn) and what is considered, counted ballots (highest seq, then lowest
id), late ballots, contested ballots, proxies (latest record per author, standing
grants, the per-holder cap, weights), quorum, and the six methods: yes_no, consent,
choice, approval, score and ranked (instant runoff with its tie-break); and
"Counting an election": an election's counts, outcome and `election` object (the
count itself is stv.py's).

Input records are `records.Record`s already judged valid where written (fold.py).
"""

import stv


class ProposalInfo:
    """What counting needs from a valid proposal.open: its body, and the bylaws in
    force in its context ("the bylaws in force where the proposal was written")."""

    __slots__ = ("id", "author", "record", "method", "options", "electorate",
                 "electorate_set", "quorum_pct", "num", "den", "closes_at", "effect",
                 "seats", "proxies_per_holder", "consent_blocks")

    def __init__(self, rec, bylaws):
        b = rec.body
        self.id = rec.id
        self.author = rec.author
        self.record = rec
        self.method = b["method"]
        self.options = b["options"]
        self.electorate = b["electorate"]
        self.electorate_set = frozenset(b["electorate"])
        self.quorum_pct = b["quorum_pct"]
        self.num = b["threshold"]["num"]
        self.den = b["threshold"]["den"]
        self.closes_at = b["closes_at"]
        self.effect = b.get("effect")
        self.seats = b.get("seats")
        self.proxies_per_holder = bylaws["proxies_per_holder"]
        self.consent_blocks = bylaws["consent_blocks"]


def _best(recs):
    """Highest seq; equal seq goes to the lowest record id."""
    best = None
    for r in recs:
        if best is None or r.body["seq"] > best.body["seq"] or (
                r.body["seq"] == best.body["seq"] and r.id < best.id):
            best = r
    return best


def _by_author(recs):
    groups = {}
    for r in recs:
        groups.setdefault(r.author, []).append(r)
    return groups


def tally(prop, valid_ballots, valid_proxies, valid_closes, withdrawn_valid):
    """The tally object of "Reports" / "The file", plus details for display.

    valid_ballots / valid_proxies: every valid ballot / proxy record of the proposal
    in the set of records; valid_closes: its valid closes; withdrawn_valid: whether
    a valid withdrawal of it is in the set."""
    closes = sorted(valid_closes, key=lambda r: r.id)
    if closes:
        status = "closed"
        named_b = set()
        named_p = set()
        for c in closes:
            named_b.update(c.body["ballots"])
            named_p.update(c.body["proxies"])
        considered_b = [b for b in valid_ballots if b.id in named_b]
        considered_p = [p for p in valid_proxies if p.id in named_p]
    else:
        status = "withdrawn" if (withdrawn_valid and not valid_ballots) else "provisional"
        considered_b = list(valid_ballots)
        considered_p = list(valid_proxies)

    # Counted ballots
    counted_by_author = {a: _best(rs) for a, rs in _by_author(considered_b).items()}
    counted = sorted(counted_by_author.values(), key=lambda r: r.id)

    # Late ballots (closed only)
    late = []
    contested = []
    if status == "closed":
        for b in valid_ballots:
            if b.id in named_b:
                continue
            c = counted_by_author.get(b.author)
            superseded = c is not None and (
                c.body["seq"] > b.body["seq"] or
                (c.body["seq"] == b.body["seq"] and c.id < b.id))
            if not superseded:
                late.append(b.id)
        late.sort()
        every = set(closes[0].body["ballots"])
        for c in closes[1:]:
            every &= set(c.body["ballots"])
        contested = sorted(named_b - every)

    # Proxies
    latest = {a: _best(rs) for a, rs in _by_author(considered_p).items()}
    standing = sorted((g for g in latest.values()
                       if g.kind == "proxy.grant"
                       and g.author not in counted_by_author
                       and g.body["holder"] in counted_by_author),
                      key=lambda r: r.id)
    kept = []
    held = {}
    for g in standing:
        h = g.body["holder"]
        if held.get(h, 0) < prop.proxies_per_holder:
            held[h] = held.get(h, 0) + 1
            kept.append(g)
    weight = {b.id: 1 + held.get(b.author, 0) for b in counted}
    represented = len(kept)

    # Quorum
    size = len(prop.electorate)
    participation = len(counted) + represented
    quorum_met = participation >= 1 and 100 * participation >= prop.quorum_pct * size

    counts, rounds, method_outcome, election = count_method(
        prop, [(b, weight[b.id]) for b in counted])
    if status == "withdrawn":
        outcome = "failed"
    elif not quorum_met:
        outcome = "no_quorum"
    else:
        outcome = method_outcome

    result = {
        "status": status,
        "outcome": outcome,
        "counts": counts,
        "rounds": rounds,
        "electorate_size": size,
        "ballots_counted": len(counted),
        "represented": represented,
        "quorum_met": quorum_met,
        "counted": [b.id for b in counted],
        "proxies": sorted(g.id for g in kept),
        "late": late,
        "closes": [c.id for c in closes],
        "contested": contested,
    }
    if election is not None:
        result["election"] = election
    details = {"counted": counted, "weight": weight, "kept": kept}
    return result, details


def _fraction_passes(yes, no, num, den):
    return yes > no and yes * den >= num * (yes + no)


def count_method(prop, weighted):
    """counts, rounds, the method's own outcome ("Methods") and, for an election, its
    count (else None)."""
    if is_election(prop):
        return count_election(prop, weighted)
    counts, rounds, outcome = count_decision(prop, weighted)
    return counts, rounds, outcome, None


def count_decision(prop, weighted):
    """counts, rounds and outcome of the six methods that decide one question."""
    m = prop.method
    if m == "yes_no":
        counts = {"yes": 0, "no": 0, "abstain": 0}
        for b, w in weighted:
            counts[b.body["choice"]["vote"]] += w
        yes, no = counts["yes"], counts["no"]
        if yes + no == 0:
            outcome = "failed"
        elif yes == no:
            outcome = "tie"
        elif _fraction_passes(yes, no, prop.num, prop.den):
            outcome = "passed"
        else:
            outcome = "failed"
        return counts, [], outcome
    if m == "consent":
        counts = {"agree": 0, "abstain": 0, "disagree": 0, "block": 0}
        for b, w in weighted:
            counts[b.body["choice"]["vote"]] += w
        agree, disagree = counts["agree"], counts["disagree"]
        if prop.consent_blocks and counts["block"] > 0:
            outcome = "failed"
        elif agree + disagree == 0:
            outcome = "failed"
        elif _fraction_passes(agree, disagree, prop.num, prop.den):
            outcome = "passed"
        else:
            outcome = "failed"
        return counts, [], outcome
    if m in ("choice", "approval", "score"):
        counts = {o: 0 for o in prop.options}
        for b, w in weighted:
            ch = b.body["choice"]
            if m == "choice" and "option" in ch:
                counts[ch["option"]] += w
            elif m == "approval" and "approve" in ch:
                for o in ch["approve"]:
                    counts[o] += w
            elif m == "score" and "scores" in ch:
                for o, n in ch["scores"].items():
                    counts[o] += n * w
        top = max(counts.values())
        if top == 0:
            outcome = "failed"
        else:
            leaders = [o for o in prop.options if counts[o] == top]
            outcome = leaders[0] if len(leaders) == 1 else "tie"
        return counts, [], outcome
    if m == "ranked":
        return instant_runoff(prop.options, weighted)
    raise ValueError("unknown method %r" % m)


ELECTION_METHODS = {"stv": "meek", "scottish_stv": "scottish", "approval": "approval"}


def is_election(prop):
    """stv and scottish_stv always; approval only with seats ("Counting an election")."""
    return prop.method in ("stv", "scottish_stv") or (
        prop.method == "approval" and prop.seats is not None)


def count_election(prop, weighted):
    """counts (first preferences, or approvals), no rounds, the outcome, and the count.

    Each counted ballot is a paper of its weight listing candidates by their place in
    `options`; an abstention lists nobody. Sangam counts a valid proposal's valid
    ballots always; were its count to refuse (stv.ElectionError), the outcome is
    failed and there is no `election`, as in Sangam."""
    method = ELECTION_METHODS[prop.method]
    index = {o: i for i, o in enumerate(prop.options)}
    papers = []
    counts = {o: 0 for o in prop.options}
    for b, w in weighted:
        choice = b.body["choice"]
        listed = choice.get("rank", choice.get("approve", []))
        papers.append((w, [index[o] for o in listed]))
        for o in (listed if method == "approval" else listed[:1]):
            counts[o] += w
    election = stv.Election(prop.options, prop.seats or 1, papers)
    ties = stv.TieBreak.drawn(bytes.fromhex(prop.id), len(prop.options))
    try:
        counted = stv.count(election, method, ties)
    except stv.ElectionError:
        return counts, [], "failed", None
    return counts, [], ("elected" if counted["ballots"] else "failed"), counted


def instant_runoff(options, weighted):
    race = list(options)
    rounds = []
    while True:
        totals = {o: 0 for o in race}
        for b, w in weighted:
            for o in b.body["choice"].get("rank", ()):
                if o in totals:
                    totals[o] += w
                    break
        rounds.append(totals)
        active = sum(totals.values())
        if active == 0:
            outcome = "failed"
            break
        winners = [o for o in race if 2 * totals[o] > active]
        if winners:
            outcome = winners[0]
            break
        if len(set(totals.values())) == 1:
            outcome = "tie"
            break
        least = min(totals.values())
        tied = [o for o in race if totals[o] == least]
        back = len(rounds) - 2
        while len(tied) > 1 and back >= 0:
            earlier = rounds[back]
            low = min(earlier[o] for o in tied)
            tied = [o for o in tied if earlier[o] == low]
            back -= 1
        if len(tied) > 1:
            loser = max(tied, key=options.index)     # the one listed last leaves
        else:
            loser = tied[0]
        race.remove(loser)
    return dict(rounds[0]), [dict(r) for r in rounds], outcome
