"""Counting an election: Meek STV, Scottish STV and approval for k seats.

Implements docs/protocol.md, "Counting an election": the numbers (fixed places,
rounded once where the rule says), the tie rule (earlier rounds, then the lot),
Meek STV in 9 places, Scottish STV in 5, approval for k seats, and "The count":
the `election` object of a tally, built here exactly as a report writes it
(decimals as strings with all their places, `null` for an excluded candidate).

Why integers and not floats: an exclusion or a tie can turn on the last digit of
a transfer, and a verifier that rounded otherwise than Sangam would refuse honest
reports (or accept edited ones). Every figure is an int counting 10^-places
units; a product or quotient of two figures is formed exactly and rounded once.
Python's ints do not overflow, so Sangam's 64-bit bound (at most 10^9 papers) is
checked as a rule, to refuse the same elections Sangam refuses.
"""

import hashlib

MEEK_PLACES = 9
SCOTTISH_PLACES = 5
MAX_BALLOTS = 1_000_000_000

HOPEFUL, ELECTED, EXCLUDED = "hopeful", "elected", "excluded"


class ElectionError(ValueError):
    """An election that cannot be counted (Sangam's count refuses it too)."""


# --- numbers ("Numbers") ----------------------------------------------------------

def div_down(n, d):
    """n / d rounded down (towards minus infinity, as Rust's div_euclid for d > 0)."""
    return n // d


def div_up(n, d):
    """n / d, plus one unit when there is a remainder."""
    return -(-n // d)


def decimal(units, places):
    """A figure as a report writes it: every place, "1381.00000"; no point at 0 places."""
    if places == 0:
        return str(units)
    scale = 10 ** places
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), scale)
    return "%s%d.%0*d" % (sign, whole, places, frac)


# --- the election ---------------------------------------------------------------

class Election:
    """Candidates 0..n-1, the seats, and the papers: (weight, ranking) with the ranking
    a tuple of candidate numbers, most preferred first (for approval, those approved).
    `withdrawn` candidates (ballot files only) stand for nothing."""

    def __init__(self, candidates, seats, ballots, withdrawn=()):
        self.candidates = list(candidates)
        self.seats = seats
        self.ballots = [(w, tuple(r)) for w, r in ballots]
        self.withdrawn = frozenset(withdrawn)

    @property
    def n(self):
        return len(self.candidates)

    def stands(self, c):
        return c not in self.withdrawn

    def papers(self):
        """The valid papers P: the weight of the papers listing anyone."""
        return sum(w for w, r in self.ballots if r)

    def check(self):
        """What Sangam's count checks before counting, in its order."""
        names = set()
        for name in self.candidates:
            if name in names:
                raise ElectionError("two candidates are named %r" % name)
            names.add(name)
        for w in sorted(self.withdrawn):
            if w >= self.n:
                raise ElectionError("candidate %d is withdrawn, but there is no such "
                                    "candidate" % (w + 1))
        standing = self.n - len(self.withdrawn)
        if not 1 <= self.seats <= standing:
            raise ElectionError("%d seats cannot be filled from %d candidates standing"
                                % (self.seats, standing))
        total = 0
        for b, (w, ranking) in enumerate(self.ballots, 1):
            seen = set()
            for c in ranking:
                if not 0 <= c < self.n:
                    raise ElectionError("ballot %d ranks candidate %d, but there are only %d"
                                        % (b, c + 1, self.n))
                if c in seen:
                    raise ElectionError("ballot %d ranks candidate %d twice" % (b, c + 1))
                seen.add(c)
            total += w
        if total > MAX_BALLOTS:
            raise ElectionError("%d ballots are more than %d" % (total, MAX_BALLOTS))


# --- ties ("Ties") ----------------------------------------------------------------

class TieBreak:
    """One rule for every tie: if `look_back`, the earlier rounds from the most recent
    back (the first in which exactly one of the tied has the highest, or lowest,
    total decides); else, or if none does, the first of them in `lot`."""

    def __init__(self, lot, look_back):
        self.lot = list(lot)
        self.look_back = look_back

    @classmethod
    def drawn(cls, seed, n):
        """A proposal's lot: candidates ordered by SHA-256("sangam lot" || seed || c as
        4 bytes big-endian), smallest first; earlier rounds are looked at first."""
        def draw(c):
            return hashlib.sha256(b"sangam lot" + seed + c.to_bytes(4, "big")).digest()
        return cls(sorted(range(n), key=lambda c: (draw(c), c)), look_back=True)

    @classmethod
    def in_order(cls, n, first=(), look_back=False):
        """The lot in a given order (`first`, then the rest as listed): how published
        reference counts break ties (a ballot file's `[tie ...]`, else its order)."""
        first = list(first)
        return cls(first + [c for c in range(n) if c not in first], look_back)

    def choose(self, tied, history, highest):
        """(chosen, by) among `tied` (two or more); `history` holds each recorded round's
        votes, oldest first, None for a candidate not shown (counts as 0)."""
        if self.look_back:
            for r in range(len(history) - 1, -1, -1):
                totals = [history[r][c] or 0 for c in tied]
                best = max(totals) if highest else min(totals)
                at_best = [c for c, t in zip(tied, totals) if t == best]
                if len(at_best) == 1:
                    return at_best[0], {"by": "earlier_round", "round": r + 1}
        chosen = next((c for c in self.lot if c in tied), tied[0])
        return chosen, {"by": "lot"}


def _tie(round_no, tie_for, among, chosen, by):
    return {"round": round_no, "tie_for": tie_for, "among": list(among), "chosen": chosen,
            "by": by}


def _round(action, quota, votes, keep, exhausted, elected):
    return {"action": action, "quota": quota, "votes": votes, "keep": keep,
            "exhausted": exhausted, "elected": list(elected)}


def _count(method, election, papers, rounds, elected, ties):
    return {"method": method, "seats": election.seats, "ballots": papers, "rounds": rounds,
            "elected": list(elected), "ties": ties}


class _Counting:
    """What STV counts share: candidates' status and votes, the rounds recorded, the
    votes of each (the history ties look back on), the elected, the ties broken."""

    places = 0

    def __init__(self, election, ties):
        election.check()
        self.election = election
        self.tiebreak = ties
        self.papers = election.papers()
        self.one = 10 ** self.places
        n = election.n
        self.status = [HOPEFUL if election.stands(c) else EXCLUDED for c in range(n)]
        self.votes = [0] * n
        self.quota = 0
        self.exhausted = 0
        self.rounds = []
        self.history = []
        self.elected = []
        self.ties = []

    def hopeful(self):
        return [c for c, s in enumerate(self.status) if s == HOPEFUL]

    def shown(self, figures):
        """Figures in candidate order, None once excluded."""
        return [None if s == EXCLUDED else f for s, f in zip(self.status, figures)]

    def record(self, action, elected=(), keep=None):
        votes = self.shown(self.votes)
        dec = lambda v: None if v is None else decimal(v, self.places)  # noqa: E731
        self.rounds.append(_round(action, decimal(self.quota, self.places),
                                  [dec(v) for v in votes],
                                  [] if keep is None else [dec(k) for k in self.shown(keep)],
                                  decimal(self.exhausted, self.places), elected))
        self.history.append(votes)

    def break_tie(self, tied, tie_for):
        """The one of `tied` (ascending) chosen; a tie broken is listed."""
        if len(tied) == 1:
            return tied[0]
        chosen, by = self.tiebreak.choose(tied, self.history, highest=tie_for == "surplus")
        self.ties.append(_tie(len(self.rounds) + 1, tie_for, tied, chosen, by))
        return chosen


# --- Meek STV ("Meek STV", 9 places) -------------------------------------------------

class _Meek(_Counting):
    places = MEEK_PLACES
    omega = 1000           # 0.000001 in 10^-9 units

    def __init__(self, election, ties):
        super().__init__(election, ties)
        grouped = {}                 # identical rankings count alike: one pass each
        for w, r in election.ballots:
            if r:
                grouped[r] = grouped.get(r, 0) + w
        self.grouped = sorted(grouped.items())
        self.keep = [self.one if s == HOPEFUL else 0 for s in self.status]

    def run(self):
        seats = self.election.seats
        while True:
            left = seats - len(self.elected)
            hopeful = self.hopeful()
            if left == 0 or len(hopeful) <= left:
                if left > 0:
                    self.distribute()
                    self.record({"kind": "last_seats_filled"}, hopeful, self.keep)
                    self.declare(hopeful)
                break
            newly, surplus = self.settle()
            if newly:
                self.elected.extend(newly)
                self.record({"kind": "settled"}, newly, self.keep)
            else:
                self.exclude(self.lowest(surplus))
        return _count("meek", self.election, self.papers, self.rounds, self.elected,
                      self.ties)

    def declare(self, candidates):
        for c in candidates:
            self.status[c] = ELECTED
            self.elected.append(c)

    def distribute(self):
        """Step 1.1 and 1.2: each paper's weight given out by the keep factors; then the
        quota and the exhausted votes."""
        one = self.one
        votes = [0] * len(self.status)
        kept_in_all = 0
        for ranking, w in self.grouped:
            left = one
            for c in ranking:
                kf = self.keep[c]
                if kf == 0:
                    continue
                kept = div_up(left * kf, one)
                votes[c] += kept * w
                kept_in_all += kept * w
                left -= kept
                if left <= 0:
                    break
        self.votes = votes
        self.exhausted = self.papers * one - kept_in_all
        self.quota = div_down(kept_in_all, self.election.seats + 1) + 1

    def settle(self):
        """Step 1: iterate until someone reaches the quota -> (newly elected, None), or
        the surplus settles -> ([], surplus)."""
        last = self.papers * self.one
        while True:
            self.distribute()
            newly = [c for c in self.hopeful() if self.votes[c] >= self.quota]
            if newly:
                for c in newly:
                    self.status[c] = ELECTED
                return newly, None
            elected = [c for c, s in enumerate(self.status) if s == ELECTED]
            surplus = max(0, sum(self.votes[c] - self.quota for c in elected))
            if surplus < self.omega or surplus >= last:
                return [], surplus
            last = surplus
            for c in elected:
                kept = div_up(self.keep[c] * self.quota, self.one)
                self.keep[c] = div_up(kept * self.one, self.votes[c])

    def lowest(self, surplus):
        """Step 2: the hopeful with the fewest votes; tied with it, every hopeful within
        the surplus of it."""
        hopeful = self.hopeful()
        least = min(self.votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.votes[c] <= least + surplus]
        return self.break_tie(tied, "exclusion")

    def exclude(self, c):
        self.status[c] = EXCLUDED
        self.keep[c] = 0
        self.votes[c] = 0
        self.record({"kind": "excluded", "candidate": c}, (), self.keep)


# --- Scottish STV ("Scottish STV", 5 places) -----------------------------------------

class _Scottish(_Counting):
    places = SCOTTISH_PLACES

    def __init__(self, election, ties):
        super().__init__(election, ties)
        self.quota = (self.papers // (election.seats + 1) + 1) * self.one
        self.piles = [[] for _ in self.status]
        self.untransferred = []

    def run(self):
        seats = self.election.seats
        for b, (_, ranking) in enumerate(self.election.ballots):
            if ranking:
                self.place(b, 0, self.one)
        self.record({"kind": "first_preferences"})
        while True:
            self.elect_with_quota()
            left = seats - len(self.elected)
            hopeful = self.hopeful()
            if left == 0 or len(hopeful) <= left:
                if left > 0:
                    self.record({"kind": "last_seats_filled"})
                    self.declare(self.most_votes_first(hopeful))
                break
            source = self.largest_surplus()
            if source is not None:
                amount = self.votes[source] - self.quota
                self.transfer_surplus(source)
                self.record({"kind": "surplus", "from": source,
                             "amount": decimal(amount, self.places)})
                continue
            c = self.lowest()
            self.exclude(c)
            self.record({"kind": "excluded", "candidate": c})
        return _count("scottish", self.election, self.papers, self.rounds, self.elected,
                      self.ties)

    def place(self, b, at, value):
        """A paper (ballot b, at its place `at`, of `value` per unit of weight) goes to
        its next continuing preference, or is non-transferable."""
        weight, ranking = self.election.ballots[b]
        while at < len(ranking):
            c = ranking[at]
            if self.status[c] == HOPEFUL:
                self.votes[c] += value * weight
                self.piles[c].append((b, at, value))
                return
            at += 1
        self.exhausted += value * weight

    def most_votes_first(self, candidates):
        return sorted(candidates, key=lambda c: (-self.votes[c], c))

    def declare(self, candidates):
        """Elected at the end of the last recorded stage."""
        for c in candidates:
            self.status[c] = ELECTED
            self.elected.append(c)
            self.rounds[-1]["elected"].append(c)

    def elect_with_quota(self):
        reached = [c for c in self.hopeful() if self.votes[c] >= self.quota]
        reached = self.most_votes_first(reached)
        self.declare(reached)
        self.untransferred.extend(c for c in reached if self.votes[c] > self.quota)

    def largest_surplus(self):
        if not self.untransferred:
            return None
        most = max(self.votes[c] for c in self.untransferred)
        tied = sorted(c for c in self.untransferred if self.votes[c] == most)
        source = self.break_tie(tied, "surplus")
        self.untransferred.remove(source)
        return source

    def lowest(self):
        hopeful = self.hopeful()
        least = min(self.votes[c] for c in hopeful)
        return self.break_tie([c for c in hopeful if self.votes[c] == least], "exclusion")

    def transfer_surplus(self, source):
        """Every paper takes value x surplus / votes (rounded down) and moves on; the
        candidate keeps exactly the quota."""
        total = self.votes[source]
        surplus = total - self.quota
        pile, self.piles[source] = self.piles[source], []
        for b, at, value in pile:
            self.place(b, at + 1, div_down(value * surplus, total))
        self.votes[source] = self.quota

    def exclude(self, c):
        self.status[c] = EXCLUDED
        pile, self.piles[c] = self.piles[c], []
        for b, at, value in pile:
            self.place(b, at + 1, value)
        self.votes[c] = 0


# --- approval for k seats ------------------------------------------------------------

def approval(election, ties):
    """The k most approved; equal totals in the order of the lot. Where candidates with
    the k-th total are both elected and not, each of them elected is a tie (`seat`)."""
    election.check()
    seats = election.seats
    totals = [0] * election.n
    for b, (w, ranking) in enumerate(election.ballots, 1):
        if len(ranking) > seats:
            raise ElectionError("ballot %d approves %d candidates, but at most %d may be "
                                "approved" % (b, len(ranking), seats))
        for c in ranking:
            if election.stands(c):
                totals[c] += w
    place = {c: i for i, c in enumerate(ties.lot)}
    order = sorted((c for c in range(election.n) if election.stands(c)),
                   key=lambda c: (-totals[c], place.get(c, c)))
    elected = order[:seats]
    found = []
    last = totals[elected[-1]]
    among = sorted(c for c in order if totals[c] == last)
    if any(c not in elected for c in among):
        found = [_tie(1, "seat", among, c, {"by": "lot"}) for c in elected if totals[c] == last]
    votes = [str(totals[c]) if election.stands(c) else None for c in range(election.n)]
    rounds = [_round({"kind": "first_preferences"}, "0", votes, [], "0", elected)]
    return _count("approval", election, election.papers(), rounds, elected, found)


METHODS = {"meek": lambda e, t: _Meek(e, t).run(),
           "scottish": lambda e, t: _Scottish(e, t).run(),
           "approval": approval}


def count(election, method, ties):
    """The count of `election` by `method` ("meek", "scottish" or "approval"), as the
    `election` object of a tally. Raises ElectionError where Sangam's count refuses."""
    return METHODS[method](election, ties)
