"""Judging records where written, and the fold.

Implements docs/protocol.md:
  - "Membership rules": causal past, context (authority records in the causal past),
    depth, (depth, id) order, views, "Judging where written" steps 1-5, the void
    rules, profiles, the 2P rule, admission under the bylaws;
  - "Kinds": each kind's where-written rule and fold;
  - "Governance": open in a context, the rules of proposal.open, ballot,
    proxy.grant, proxy.revoke, proposal.close (incl. the early-close count) and
    proposal.withdraw; "Effects" (applied at a proposal's first close, tallied with
    every valid close in the view's set of records, with their void rules);
    "Counting" (tally.py) for the final state.

Sets of records are Python ints used as bitsets; bit i is the i-th record in
(depth, id) order, so "later in order" is "higher bit". A view is memoised by the
set of valid authority records it folds, and built by continuing a dep's view when
the extra records all come later in order (which gives the same result as folding
from scratch, except when an extra record is a further close of a proposal whose
first close the base view already applied: then the view is folded from scratch,
because that first close's tally must count every close of the set).
"""

from tally import ProposalInfo, tally as compute_tally

CURRENT, LEFT, REMOVED = "current", "left", "removed"


class Refused(Exception):
    pass


def bits(mask):
    """Positions of the set bits, ascending."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class View:
    """The state a set of valid authority records folds to."""

    __slots__ = ("members", "current", "devices", "bylaws", "closed", "void", "mask")

    def __init__(self):
        self.members = {}    # key -> (standing, name, admitted_by, admitted_at)
        self.current = 0     # number of current members
        self.devices = {}    # device -> (owner, revoked)
        self.bylaws = None
        self.closed = {}     # proposal id -> id of its first close in order
        self.void = set()    # ids of records (closes for effects) void in this view
        self.mask = 0        # the set of valid authority records folded

    def copy(self):
        v = View()
        v.members = dict(self.members)
        v.current = self.current
        v.devices = dict(self.devices)
        v.bylaws = self.bylaws
        v.closed = dict(self.closed)
        v.void = set(self.void)
        v.mask = self.mask
        return v

    def is_current(self, key):
        m = self.members.get(key)
        return m is not None and m[0] == CURRENT

    def current_members(self):
        return sorted(k for k, m in self.members.items() if m[0] == CURRENT)

    def set_standing(self, key, standing):
        m = self.members[key]
        if m[0] == CURRENT and standing != CURRENT:
            self.current -= 1
        self.members[key] = (standing,) + m[1:]

    def admit(self, key, name, by, at):
        self.members[key] = (CURRENT, name, by, at)
        self.current += 1


class Fold:
    def __init__(self, recs, coop):
        """`recs`: well-formed records with distinct ids whose deps are all among
        them (report steps 4 to 8). `coop`: the co-op id."""
        self.coop = coop
        self.by_id = {r.id: r for r in recs}
        self._depths(recs)
        self.order = sorted(recs, key=lambda r: (r.depth, r.id))
        for i, r in enumerate(self.order):
            r.pos = i
        n = len(self.order)
        self.anc = [0] * n                  # causal past (all records), as a bitset
        self.auth_mask = 0
        for r in self.order:
            a = 0
            for d in r.deps:
                dp = self.by_id[d].pos
                a |= self.anc[dp] | (1 << dp)
            self.anc[r.pos] = a
            if r.kind in AUTHORITY:
                self.auth_mask |= 1 << r.pos
        self.closes_of = {}                 # account -> positions of its ledger.close records
        self.reversals_of = {}              # entry id -> positions of entries reversing it
        for r in self.order:
            if r.kind == "ledger.close":
                self.closes_of.setdefault(r.body["account"], []).append(r.pos)
            if r.kind == "ledger.entry" and r.body.get("reverses") is not None:
                self.reversals_of.setdefault(r.body["reverses"], []).append(r.pos)
        self.valid = [None] * n             # verdict per position
        self.reason = [None] * n
        self.valid_mask = 0
        self.valid_auth = 0
        self.opens = {}                     # proposal id -> ProposalInfo (valid opens)
        self.ballots = {}                   # proposal id -> bitset of valid ballots
        self.proxies = {}                   # proposal id -> bitset of valid proxy records
        self.closes = {}                    # proposal id -> bitset of valid closes
        self.withdraws = {}                 # proposal id -> bitset of valid withdrawals
        self.view_memo = {}                 # valid-authority bitset -> View
        self.view_incl = [None] * n         # view of a record's past including itself
        self.outcome_memo = {}              # (proposal, closes bitset) -> outcome
        self.genesis_pos = None
        self._judge_all()

    # --- order ----------------------------------------------------------------

    def _depths(self, recs):
        done = {}
        for r in recs:
            if r.id in done:
                continue
            stack = [r]
            while stack:
                top = stack[-1]
                if top.id in done:
                    stack.pop()
                    continue
                pending = [self.by_id[d] for d in top.deps if d not in done]
                if pending:
                    stack.extend(pending)
                    if len(stack) > 4 * len(recs) + 8:
                        raise ValueError("the deps form a cycle")
                    continue
                top.depth = 0 if not top.deps else 1 + max(done[d] for d in top.deps)
                done[top.id] = top.depth
                stack.pop()

    def rec_at(self, pos):
        return self.order[pos]

    def recs_of(self, mask):
        return [self.order[p] for p in bits(mask)]

    # --- views -----------------------------------------------------------------

    def view_of(self, vmask, hints=()):
        """The view of the valid authority records in `vmask`. `hints`: positions
        of records whose view_incl may be a prefix of it."""
        v = self.view_memo.get(vmask)
        if v is not None:
            return v
        base = None
        for h in hints:
            cand = self.view_incl[h]
            if cand is not None and (cand.mask & ~vmask) == 0 and (
                    base is None or cand.mask.bit_count() > base.mask.bit_count()):
                base = cand
        v = None
        if base is not None:
            extras = vmask & ~base.mask
            if extras == 0:
                v = base
            elif (extras & -extras).bit_length() - 1 > base.mask.bit_length() - 1:
                later = self.recs_of(extras)
                if not any(x.kind == "proposal.close" and x.body["proposal"] in base.closed
                           for x in later):
                    v = base.copy()
                    for x in later:
                        self._apply(v, x, vmask)
                    v.mask = vmask
        if v is None:
            v = View()
            for x in self.recs_of(vmask):
                self._apply(v, x, vmask)
            v.mask = vmask
        self.view_memo[vmask] = v
        return v

    def _apply(self, v, r, vmask):
        """Fold one valid authority record into view `v` whose set is `vmask`."""
        k = r.kind
        b = r.body
        if k == "coop.genesis":
            v.admit(r.author, b["founder_name"], r.id, r.at)
            if b["device"] not in v.devices:
                v.devices[b["device"]] = (r.author, False)
            v.bylaws = b["bylaws"]
        elif k == "member.admit":
            if b["member"] in v.members:
                v.void.add(r.id)                        # duplicate admission
            else:
                v.admit(b["member"], b["name"], r.id, r.at)
        elif k == "member.leave":
            if not v.is_current(r.author) or v.current <= 1:
                v.void.add(r.id)
            else:
                v.set_standing(r.author, LEFT)
        elif k == "member.remove":
            if not v.is_current(r.author) or not v.is_current(b["member"]):
                v.void.add(r.id)
            else:
                v.set_standing(b["member"], REMOVED)
        elif k == "device.add":
            if b["device"] in v.devices:
                v.void.add(r.id)                        # device bound twice
            else:
                v.devices[b["device"]] = (r.author, False)
        elif k == "device.revoke":
            d = v.devices.get(b["device"])
            if d is not None and d[0] == r.author:
                v.devices[b["device"]] = (d[0], True)
        elif k == "proposal.close":
            p = b["proposal"]
            if p in v.closed:
                return                                  # later closes do nothing more
            v.closed[p] = r.id
            prop = self.opens[p]
            if prop.effect is None:
                return
            if self.outcome_in(p, vmask) != "passed":
                return
            kind, e = next(iter(prop.effect.items()))
            if kind == "admit":
                if e["member"] in v.members:
                    v.void.add(r.id)
                else:
                    v.admit(e["member"], e["name"], r.id, r.at)
            elif kind == "remove":
                if not v.is_current(e["member"]) or v.current <= 1:
                    v.void.add(r.id)
                else:
                    v.set_standing(e["member"], REMOVED)
            elif kind == "bylaws":
                v.bylaws = e
            # settings (the co-op's relay) and withdraw_listing (read by the listing):
            # nothing a report checks depends on them
        # proposal.open and proposal.withdraw change nothing by themselves

    def outcome_in(self, p, vmask):
        """Outcome of proposal p counting every valid close of it in `vmask`."""
        cmask = self.closes.get(p, 0) & vmask
        key = (p, cmask)
        out = self.outcome_memo.get(key)
        if out is None:
            out = self.tally_closed(p, self.recs_of(cmask))[0]["outcome"]
            self.outcome_memo[key] = out
        return out

    def tally_closed(self, p, closes):
        """The tally of p with these closes (status closed)."""
        prop = self.opens[p]
        named_b = set()
        named_p = set()
        for c in closes:
            named_b.update(c.body["ballots"])
            named_p.update(c.body["proxies"])
        # Every id a valid close names is a valid ballot / proxy record of p in its
        # causal past (the close's rule where written), so these are all valid.
        ballots = [self.by_id[i] for i in sorted(named_b) if i in self.by_id]
        proxies = [self.by_id[i] for i in sorted(named_p) if i in self.by_id]
        return compute_tally(prop, ballots, proxies, closes, False)

    # --- judging where written ---------------------------------------------------

    def _judge_all(self):
        for r in self.order:
            pos = r.pos
            ctx_valid = self.anc[pos] & self.valid_auth
            view = self.view_of(ctx_valid, [self.by_id[d].pos for d in r.deps])
            try:
                self._judge(r, view)
                ok, why = True, None
            except Refused as exc:
                ok, why = False, str(exc)
            self.valid[pos] = ok
            self.reason[pos] = why
            bit = 1 << pos
            if ok:
                self.valid_mask |= bit
                self._index(r, view)
            if ok and r.kind in AUTHORITY:
                self.valid_auth |= bit
                incl = view.copy()
                self._apply(incl, r, ctx_valid | bit)
                incl.mask = ctx_valid | bit
                self.view_incl[pos] = incl
                self.view_memo.setdefault(incl.mask, incl)
            else:
                self.view_incl[pos] = view

    def _index(self, r, view):
        k = r.kind
        bit = 1 << r.pos
        if k == "coop.genesis":
            self.genesis_pos = r.pos
        elif k == "proposal.open":
            self.opens[r.id] = ProposalInfo(r, view.bylaws)
        elif k == "ballot":
            p = r.body["proposal"]
            self.ballots[p] = self.ballots.get(p, 0) | bit
        elif k in ("proxy.grant", "proxy.revoke"):
            p = r.body["proposal"]
            self.proxies[p] = self.proxies.get(p, 0) | bit
        elif k == "proposal.close":
            p = r.body["proposal"]
            self.closes[p] = self.closes.get(p, 0) | bit
        elif k == "proposal.withdraw":
            p = r.body["proposal"]
            self.withdraws[p] = self.withdraws.get(p, 0) | bit

    def _judge(self, r, view):
        """"Judging where written", steps 1 to 5, in the view of r's context."""
        # 1. its co-op is this co-op
        own_coop = r.id if r.kind == "coop.genesis" else r.coop
        if own_coop != self.coop:
            raise Refused("the record belongs to another co-op")
        # 2. a genesis is valid if its id is the co-op id
        if r.kind == "coop.genesis":
            return
        # 3. the genesis is in the context
        if self.genesis_pos is None or not (self.anc[r.pos] >> self.genesis_pos) & 1:
            raise Refused("the record does not reach the co-op's genesis")
        # 4. the author is a current member in the view of the context
        if not view.is_current(r.author):
            raise Refused("the author is not a current member where this was written")
        # 5. the kind's own rule
        RULES[r.kind](self, r, view)

    # Kinds ("Kinds")

    def _rule_admit(self, r, view):
        b = r.body
        if view.bylaws["admission"] != "any_member":
            raise Refused("the bylaws require a passed proposal to admit a member")
        m = view.members.get(b["member"])
        if m is not None:
            if m[0] == CURRENT:
                raise Refused("%s is already a member" % b["member"])
            raise Refused("%s already joined this co-op once" % b["member"])

    def _rule_leave(self, r, view):
        if view.current <= 1:
            raise Refused("the last member cannot leave the co-op")

    def _rule_remove(self, r, view):
        b = r.body
        if view.bylaws["admission"] != "any_member":
            raise Refused("the bylaws require a passed proposal to remove a member")
        if b["member"] == r.author:
            raise Refused("a member cannot remove themselves (leave instead)")
        if not view.is_current(b["member"]):
            raise Refused("%s is not a current member" % b["member"])

    def _rule_none(self, r, view):
        pass

    def _listing_in_past(self, r):
        """"Marketplace": the listing is a valid listing.post in the record's past."""
        lid = r.body["listing"]
        post = self.by_id.get(lid)
        if (post is None or post.kind != "listing.post" or not self.valid[post.pos]
                or not (self.anc[r.pos] >> post.pos) & 1):
            raise Refused("listing %s is not known where this was written" % lid[:12])
        return post

    def _rule_listing_change(self, r, view):
        if self._listing_in_past(r).author != r.author:
            raise Refused("only the listing's author may change it")

    def _rule_listing_respond(self, r, view):
        self._listing_in_past(r)

    def _valid_in_past(self, r, rid, kind):
        x = self.by_id.get(rid)
        return (x is not None and x.kind == kind and self.valid[x.pos]
                and (self.anc[r.pos] >> x.pos) & 1)

    def _keeps_books(self, r, view):
        treasurers = view.bylaws.get("ledger", {}).get("treasurers", [])
        if treasurers and r.author not in treasurers:
            raise Refused("the bylaws name treasurers, and %s is not one of them" % r.author[:12])

    def _closed_in_past(self, r, account):
        return any(self.valid[pos] and (self.anc[r.pos] >> pos) & 1
                   for pos in self.closes_of.get(account, ()))

    def _rule_ledger_close(self, r, view):
        self._keeps_books(r, view)
        a = r.body["account"]
        if not self._valid_in_past(r, a, "ledger.account"):
            raise Refused("account %s is not known where this was written" % a[:12])
        if self._closed_in_past(r, a):
            raise Refused("account %s was closed" % a[:12])

    def _rule_ledger_account(self, r, view):
        self._keeps_books(r, view)
        m = r.body.get("member")
        if m is not None and m not in view.members:
            raise Refused("%s is not a member" % m[:12])

    def _rule_ledger_entry(self, r, view):
        """"Ledger": the author keeps the books; accounts in the past and not closed
        there; over the bylaws' limit, a cited proposal; a reversal negates its entry
        exactly."""
        self._keeps_books(r, view)
        for p in r.body["postings"]:
            if not self._valid_in_past(r, p["account"], "ledger.account"):
                raise Refused("account %s is not known where this was written" % p["account"][:12])
            if self._closed_in_past(r, p["account"]):
                raise Refused("account %s was closed" % p["account"][:12])
            if p.get("member") is not None and p["member"] not in view.members:
                raise Refused("%s is not a member" % p["member"][:12])
        limits = view.bylaws.get("ledger", {}).get("approval_over", {})
        if r.body.get("reverses") is None and r.body.get("approved_by") is None:
            for c, limit in sorted(limits.items()):
                moved = sum(p["amount"] for p in r.body["postings"]
                            if p["commodity"] == c and p["amount"] > 0)
                if moved > limit:
                    raise Refused("the bylaws require a passed proposal for an entry moving "
                                  "over %d minor units of %s" % (limit, c))
        ap = r.body.get("approved_by")
        if ap is not None and not (ap in self.opens and (self.anc[r.pos] >> self.by_id[ap].pos) & 1):
            raise Refused("proposal %s is not known where this was written" % ap[:12])
        rev = r.body.get("reverses")
        if rev is not None:
            if not self._valid_in_past(r, rev, "ledger.entry"):
                raise Refused("entry %s is not known where this was written" % rev[:12])
            if self.by_id[rev].body.get("reverses") is not None:
                raise Refused("a reversal cannot be reversed: post the entry again instead")
            if any(self.valid[pos] and (self.anc[r.pos] >> pos) & 1
                   for pos in self.reversals_of.get(rev, ())):
                raise Refused("entry %s is already reversed" % rev[:12])
            key = lambda p, sign: (p["account"], sign * p["amount"], p["commodity"],
                                   p.get("member") or "")
            mine = sorted(key(p, 1) for p in r.body["postings"])
            theirs = sorted(key(p, -1) for p in self.by_id[rev].body["postings"])
            if mine != theirs:
                raise Refused("a reversal must post exactly the reversed entry's amounts, negated")

    def _rule_coop_settings(self, r, view):
        raise Refused("the co-op's relay is changed only by a passed proposal")

    def _rule_device_add(self, r, view):
        if r.body["device"] in view.devices:
            raise Refused("the device is already bound")

    def _rule_device_revoke(self, r, view):
        d = view.devices.get(r.body["device"])
        if d is None or d[0] != r.author:
            raise Refused("the author does not own this device")
        if d[1]:
            raise Refused("the device is already revoked")

    # Governance ("Governance")

    def _require_open(self, r, p):
        """"open in a context": a valid proposal.open in the context, no valid close
        or withdrawal of it in the context."""
        ctx = self.anc[r.pos]
        prop = self.opens.get(p)
        if prop is None or not (ctx >> prop.record.pos) & 1:
            raise Refused("proposal %s is not known where this was written" % p)
        if self.closes.get(p, 0) & ctx:
            raise Refused("the proposal was already closed")
        if self.withdraws.get(p, 0) & ctx:
            raise Refused("the proposal was withdrawn")
        return prop

    def _rule_open(self, r, view):
        b = r.body
        if not b["closes_at"] > r.at:
            raise Refused("the deadline must be after the proposal opens")
        if b["electorate"] != view.current_members():
            raise Refused("the electorate must be exactly the current members when the "
                          "proposal opens")
        voting = view.bylaws["voting"]
        if not (b["quorum_pct"] >= voting["quorum_pct"] and
                b["threshold"]["num"] * voting["threshold"]["den"] >=
                voting["threshold"]["num"] * b["threshold"]["den"]):
            raise Refused("a proposal's quorum and threshold may not be below the bylaws'")
        effect = b.get("effect")
        if effect is not None and b["method"] not in ("yes_no", "consent"):
            raise Refused("invalid effect: only yes/no and consent proposals can carry "
                          "an effect")
        if "nominated" in b:
            self._nominated(r)
        if "revises" in b:
            rv = self.opens.get(b["revises"])
            if rv is None or not (self.anc[r.pos] >> rv.record.pos) & 1:
                raise Refused("the revised proposal is not a valid proposal where this "
                              "was written")
        if effect is not None:
            kind, e = next(iter(effect.items()))
            if kind == "admit":
                m = view.members.get(e["member"])
                if m is not None:
                    if m[0] == CURRENT:
                        raise Refused("invalid effect: %s is already a member" % e["member"])
                    raise Refused("invalid effect: %s already joined this co-op once"
                                  % e["member"])
            elif kind == "remove":
                if not view.is_current(e["member"]):
                    raise Refused("invalid effect: %s is not a current member" % e["member"])
            elif kind == "withdraw_listing":
                post = self.by_id.get(e["listing"])
                if (post is None or post.kind != "listing.post" or not self.valid[post.pos]
                        or not (self.anc[r.pos] >> post.pos) & 1):
                    raise Refused("listing %s is not known where this was written"
                                  % e["listing"][:12])

    # "Nominations".

    def _call(self, r, call_id):
        """The valid nomination.call `call_id` in r's past."""
        c = self.by_id.get(call_id)
        if (c is None or c.kind != "nomination.call" or not self.valid[c.pos]
                or not (self.anc[r.pos] >> c.pos) & 1):
            raise Refused("call for nominations %s is not known where this was written"
                          % call_id[:12])
        return c

    def _about_call(self, r, call_id):
        """The valid records about the call in r's past, in (depth, id) order."""
        out = []
        for x in self.order[:r.pos]:
            if not self.valid[x.pos] or not (self.anc[r.pos] >> x.pos) & 1:
                continue
            b = x.body
            if ((x.kind in ("nomination", "nomination.answer") and b["call"] == call_id) or
                    (x.kind == "proposal.open" and b.get("nominated", {}).get("call") == call_id)):
                out.append(x)
        return out

    def _rule_call(self, r, view):
        if not r.body["closes_at"] > r.at:
            raise Refused("the deadline must be after the proposal opens")

    def _rule_nomination(self, r, view):
        c = self._call(r, r.body["call"])
        if r.at >= c.body["closes_at"]:
            raise Refused("nominations for this election had closed")
        if not view.is_current(r.body["nominee"]):
            raise Refused("%s is not a current member" % r.body["nominee"])

    def _rule_answer(self, r, view):
        c = self._call(r, r.body["call"])
        if r.at >= c.body["closes_at"]:
            raise Refused("nominations for this election had closed")
        if not any(x.kind == "nomination" and x.body["nominee"] == r.author
                   for x in self._about_call(r, c.id)):
            raise Refused("%s was not nominated on this call" % r.author)

    def _nominated(self, r):
        """Step 5 of a proposal.open that elects from a call: the caller, after the
        close, once, the call's method and seats, and exactly its candidates: those
        nominated whose own latest answer (highest seq, then lowest id) is accept, in
        the order of each one's first nomination."""
        b = r.body
        c = self._call(r, b["nominated"]["call"])
        about = self._about_call(r, c.id)
        if c.author != r.author or any(x.kind == "proposal.open" for x in about):
            raise Refused("only the caller opens the election from a call, once")
        if r.at < c.body["closes_at"]:
            raise Refused("an election opens from its call only once nominations have closed")
        mismatch = Refused("the election's candidates must be exactly those who accepted "
                           "their nomination, in the order they were first nominated")
        if b["method"] != c.body["method"] or b.get("seats") != c.body["seats"]:
            raise mismatch
        latest = {}
        for x in about:
            if x.kind != "nomination.answer":
                continue
            cur = latest.get(x.author)
            if (cur is None or x.body["seq"] > cur.body["seq"] or
                    (x.body["seq"] == cur.body["seq"] and x.id < cur.id)):
                latest[x.author] = x
        candidates = []
        for x in about:
            n = x.body.get("nominee") if x.kind == "nomination" else None
            if n is None or n in candidates:
                continue
            a = latest.get(n)
            if a is not None and a.body["answer"] == "accept":
                candidates.append(n)
        # A nominee first nominated, then accepted: listed once, at their first nomination.
        if candidates != b["nominated"]["candidates"]:
            raise mismatch

    def _rule_template(self, r, view):
        """A co-op template: refused when a valid one of the same id is in its past."""
        for x in self.order[:r.pos]:
            if (x.kind == "template.add" and self.valid[x.pos] and x.body["id"] == r.body["id"]
                    and (self.anc[r.pos] >> x.pos) & 1):
                raise Refused("the co-op already keeps a template %r" % r.body["id"])

    def _rule_ballot(self, r, view):
        prop = self._require_open(r, r.body["proposal"])
        if r.author not in prop.electorate_set:
            raise Refused("%s is not in this proposal's electorate" % r.author)
        problem = choice_problem(prop, r.body["choice"])
        if problem:
            raise Refused("invalid choice: " + problem)

    def _rule_grant(self, r, view):
        prop = self._require_open(r, r.body["proposal"])
        if r.author not in prop.electorate_set:
            raise Refused("%s is not in this proposal's electorate" % r.author)
        h = r.body["holder"]
        if h == r.author or h not in prop.electorate_set:
            raise Refused("invalid proxy: the holder must be another member of the electorate")

    def _rule_revoke(self, r, view):
        prop = self._require_open(r, r.body["proposal"])
        if r.author not in prop.electorate_set:
            raise Refused("%s is not in this proposal's electorate" % r.author)

    def _rule_close(self, r, view):
        p = r.body["proposal"]
        prop = self._require_open(r, p)
        past = self.anc[r.pos]
        vb = self.ballots.get(p, 0) & past
        vp = self.proxies.get(p, 0) & past
        for ids, mask in ((r.body["ballots"], vb), (r.body["proxies"], vp)):
            for i in ids:
                x = self.by_id.get(i)
                if x is None or not (mask >> x.pos) & 1:
                    raise Refused("the close names %s, which is not a valid ballot or proxy "
                                  "of this proposal in its past" % i)
        if r.at < prop.closes_at:
            t, _ = self.tally_closed(p, [r])
            if t["ballots_counted"] + t["represented"] < len(prop.electorate):
                raise Refused("before the deadline a proposal closes only when every "
                              "elector has voted or is represented")

    def _rule_withdraw(self, r, view):
        p = r.body["proposal"]
        prop = self._require_open(r, p)
        if r.author != prop.author:
            raise Refused("only the proposer may withdraw a proposal")
        if self.ballots.get(p, 0) & self.anc[r.pos]:
            raise Refused("a proposal cannot be withdrawn once someone has voted")

    # --- results -----------------------------------------------------------------

    def final_view(self):
        return self.view_of(self.valid_auth, [r.pos for r in self.order])

    def context_view(self, rec):
        return self.view_of(self.anc[rec.pos] & self.valid_auth,
                            [self.by_id[d].pos for d in rec.deps])

    def tally(self, p):
        """The proposal's tally among all the records ("Counting")."""
        prop = self.opens[p]
        ballots = self.recs_of(self.ballots.get(p, 0))
        proxies = self.recs_of(self.proxies.get(p, 0))
        closes = self.recs_of(self.closes.get(p, 0))
        return compute_tally(prop, ballots, proxies, closes, bool(self.withdraws.get(p, 0)))

    def profiles(self):
        """Final names and contacts ("Profiles")."""
        v = self.final_view()
        names = {k: m[1] for k, m in v.members.items()}
        contacts = {}
        for r in self.order:
            if r.kind == "member.update" and self.valid[r.pos]:
                if "name" in r.body:
                    names[r.author] = r.body["name"]
                if "contact" in r.body:
                    contacts[r.author] = r.body["contact"]
        return names, contacts


def choice_problem(prop, choice):
    """"the choice fits the proposal's method and options" (the ballot table)."""
    (form, x), = choice.items()
    m = prop.method
    opts = prop.options
    if form == "vote":
        if x == "abstain":
            return None
        if x in ("yes", "no"):
            return None if m == "yes_no" else "%r is a yes/no answer" % x
        return None if m == "consent" else "%r is a consent answer" % x
    if form == "option":
        if m != "choice":
            return "an option choice is only for choice proposals"
        return None if x in opts else "%r is not one of the options" % x
    if form in ("approve", "rank"):
        want = ("approval",) if form == "approve" else ("ranked", "stv", "scottish_stv")
        if m not in want:
            return "%s is only for %s proposals" % (form, " or ".join(want))
        if not 1 <= len(x) <= 64:
            return "%s lists 1 to 64 options" % form
        seats = prop.seats
        if form == "approve" and seats is not None and len(x) > seats:
            return "approve at most %d candidates (one per seat)" % seats
        if len(set(x)) != len(x):
            return "%s lists an option twice" % form
        for o in x:
            if o not in opts:
                return "%r is not one of the options" % o
        return None
    # scores
    if m != "score":
        return "scores are only for score proposals"
    for o, n in x.items():
        if o not in opts:
            return "%r is not one of the options" % o
        if not 0 <= n <= 5:
            return "a score is 0 to 5"
    return None


AUTHORITY = frozenset([
    "coop.genesis", "member.admit", "member.leave", "member.remove", "device.add",
    "device.revoke", "proposal.open", "proposal.close", "proposal.withdraw",
    "ledger.account", "ledger.close"])

RULES = {
    "member.admit": Fold._rule_admit,
    "member.leave": Fold._rule_leave,
    "member.remove": Fold._rule_remove,
    "member.update": Fold._rule_none,
    "coop.settings": Fold._rule_coop_settings,
    "device.add": Fold._rule_device_add,
    "device.revoke": Fold._rule_device_revoke,
    "proposal.open": Fold._rule_open,
    "ballot": Fold._rule_ballot,
    "proxy.grant": Fold._rule_grant,
    "proxy.revoke": Fold._rule_revoke,
    "proposal.close": Fold._rule_close,
    "proposal.withdraw": Fold._rule_withdraw,
    "nomination.call": Fold._rule_call,
    "nomination": Fold._rule_nomination,
    "nomination.answer": Fold._rule_answer,
    "template.add": Fold._rule_template,
    "listing.post": Fold._rule_none,
    "listing.revise": Fold._rule_listing_change,
    "listing.status": Fold._rule_listing_change,
    "listing.respond": Fold._rule_listing_respond,
    "ledger.account": Fold._rule_ledger_account,
    "ledger.entry": Fold._rule_ledger_entry,
    "ledger.close": Fold._rule_ledger_close,
    "labour.log": Fold._rule_none,
}
