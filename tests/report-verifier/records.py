"""Checking one record.

Implements docs/protocol.md:
  - "Record envelope": the eight members, "Wire form" (one byte form), "Signing
    input", "Record id", and "Checking a record" steps 1 to 11 with their error
    classes (too_large, malformed, no_canonical_form, not_canonical,
    unsupported_version, bad_deps, bad_signature, bad_body, wrong_coop);
  - "Kinds" and "Governance": each kind's body shape and field rules (name rules,
    text rules, keys that must be strict curve points, bylaws, proposal.open
    options, ballot choices, ...). Rules that depend on other records ("where
    written") are in fold.py, not here.

`check_record(data)` returns a `Record` or raises `RecordError(cls, reason, step)`.
"""

import hashlib
import re

import canonical
import ed25519

MAX_RECORD = 1_048_576
RECORD_TAG = "sangam/record/2"
MAX_DEPS = 256
MAX_U32 = 2 ** 32 - 1

ENVELOPE = ("at", "author", "body", "coop", "deps", "kind", "sig", "v")

AUTHORITY_KINDS = frozenset([
    "coop.genesis", "member.admit", "member.leave", "member.remove", "device.add",
    "device.revoke", "proposal.open", "proposal.close", "proposal.withdraw",
    "ledger.account", "ledger.close"])

METHODS = ("yes_no", "consent", "choice", "approval", "ranked", "score", "stv", "scottish_stv")
ELECTION_METHODS = ("stv", "scottish_stv")      # always elect `seats`; approval may
VOTES = ("yes", "no", "agree", "disagree", "block", "abstain")
RESERVED_OUTCOMES = ("passed", "failed", "no_quorum", "tie", "abstain")

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HEX128 = re.compile(r"[0-9a-f]{128}\Z")
_HEX32 = re.compile(r"[0-9a-f]{32}\Z")
_CURRENCY = re.compile(r"[A-Z][A-Z0-9]{2,7}\Z")


class RecordError(Exception):
    def __init__(self, cls, reason, step):
        super().__init__("%s: %s" % (cls, reason))
        self.cls = cls
        self.reason = reason
        self.step = step


class BodyError(Exception):
    pass


class Record:
    """A well-formed record. `body` is the parsed, typed body (absent optional
    fields left out, defaults filled in)."""

    __slots__ = ("id", "wire", "signing_input", "at", "author", "body", "coop", "deps",
                 "kind", "sig", "v", "pos", "depth")

    def __repr__(self):
        return "Record(%s %s)" % (self.kind, self.id[:12])


def is_hex64(s):
    return isinstance(s, str) and _HEX64.match(s) is not None


def is_hex128(s):
    return isinstance(s, str) and _HEX128.match(s) is not None


def is_int(v):
    return type(v) is int


# --- field rules ("Kinds") --------------------------------------------------------

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
DIRECTION = frozenset(["\u200e", "\u200f", "\u061c"] + [chr(c) for c in range(0x202A, 0x202F)]
                      + [chr(c) for c in range(0x2066, 0x206A)])
# Unicode White_Space property (SPEC-QUESTIONS.md: "whitespace" is taken to be this).
WHITESPACE = frozenset([chr(c) for c in range(0x09, 0x0E)] + [" ", "\u0085", "\u00a0", "\u1680"]
                       + [chr(c) for c in range(0x2000, 0x200B)]
                       + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])


def is_cc(ch):
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F


def name_problem(s):
    """None if `s` follows the name rules, else a reason."""
    if not isinstance(s, str):
        return "must be a string"
    if not 1 <= len(s) <= 100:
        return "must be 1 to 100 characters"
    for ch in s:
        if is_cc(ch):
            return "must not contain control characters"
        if ch in DIRECTION:
            return "must not contain text-direction characters"
    if s[0] in WHITESPACE or s[-1] in WHITESPACE:
        return "must not start or end with whitespace"
    if not any(ch not in WHITESPACE and ch not in ZERO_WIDTH for ch in s):
        return "must have a visible character"
    return None


def alike_key(s):
    """Two names are alike when these are equal: zero-width characters removed,
    then lowercased (Python's full Unicode lowercase mapping; SPEC-QUESTIONS.md)."""
    return "".join(ch for ch in s if ch not in ZERO_WIDTH).lower()


def text_problem(s, limit=1000):
    if not isinstance(s, str):
        return "must be a string"
    if len(s) > limit:
        return "must be at most %d characters" % limit
    return None


def _host_ok(host):
    if host.startswith("["):
        if not host.endswith("]") or len(host) < 3:
            return False
        return re.fullmatch(r"[0-9A-Fa-f:.]+", host[1:-1]) is not None and ":" in host
    return re.fullmatch(r"[^\s/?#@:\[\]]+", host) is not None


def relay_problem(s):
    """`coop.settings` relay URL (the rule as understood; SPEC-QUESTIONS.md)."""
    if not isinstance(s, str):
        return "relay must be a string or null"
    if len(s) > 200:
        return "relay must be at most 200 characters"
    if any(ch in WHITESPACE or is_cc(ch) for ch in s):
        return "relay must not contain spaces"
    m = re.match(r"(?:http|https)://", s)
    if not m:
        return "relay must start with http:// or https://"
    rest = s[m.end():]
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i != -1 and i < cut:
            cut = i
    authority = rest[:cut]
    host, port = authority, None
    if authority.startswith("["):
        end = authority.find("]")
        if end == -1:
            return "relay has a bad IPv6 host"
        host = authority[:end + 1]
        tail = authority[end + 1:]
        if tail:
            if not tail.startswith(":"):
                return "relay has a bad host"
            port = tail[1:]
    elif ":" in authority:
        host, port = authority.rsplit(":", 1)
    if not host or not _host_ok(host):
        return "relay must name a host"
    if port is not None:
        if not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
            return "relay port must be 1 to 65535"
    return None


# --- typed body reading -----------------------------------------------------------

REQ, OPT, DEF = "required", "optional", "default"


def _struct(value, fields, what):
    """Read a JSON object with exactly `fields` [(name, REQ|OPT|DEF, default)].

    Returns {name: value or None}; absent optional fields and explicit nulls are
    None; a missing default field gets its default. A JSON array is read
    positionally in the order the spec lists the fields (the Rust reading of the
    test vector "body re-encoded as a JSON array"; SPEC-QUESTIONS.md); its
    re-written form is then an object, so step 10 refuses it (not_canonical)."""
    names = [f[0] for f in fields]
    if isinstance(value, list):
        if len(value) > len(fields):
            raise BodyError("%s has too many elements" % what)
        got = dict(zip(names, value))
    elif isinstance(value, dict):
        for k in value:
            if k not in names:
                raise BodyError("%s has an unknown field %r" % (what, k))
        got = value
    else:
        raise BodyError("%s must be an object" % what)
    out = {}
    for name, mode, default in fields:
        present = name in got
        v = got.get(name)
        if mode == REQ:
            if not present:
                raise BodyError("%s.%s is missing" % (what, name))
            out[name] = v
        elif mode == OPT:
            out[name] = v        # None when absent or null
        else:
            if not present:
                out[name] = default() if callable(default) else default
            elif v is None:
                raise BodyError("%s.%s must not be null" % (what, name))
            else:
                out[name] = v
    return out


def _need_str(v, what):
    if not isinstance(v, str):
        raise BodyError("%s must be a string" % what)
    return v


def _need_int(v, what, lo, hi):
    if not is_int(v):
        raise BodyError("%s must be an integer" % what)
    if not lo <= v <= hi:
        raise BodyError("%s must be %d to %d" % (what, lo, hi))
    return v


def _need_bool(v, what):
    if not isinstance(v, bool):
        raise BodyError("%s must be true or false" % what)
    return v


def _need_hex64(v, what):
    if not is_hex64(v):
        raise BodyError("%s must be 64 lowercase hex characters" % what)
    return v


def _need_point_key(v, what):
    _need_hex64(v, what)
    if not ed25519.key_is_strict(bytes.fromhex(v)):
        raise BodyError("%s is not a key that can sign (not a canonical curve point "
                        "of large order)" % what)
    return v


def _need_name(v, what):
    p = name_problem(v)
    if p:
        raise BodyError("%s %s" % (what, p))
    return v


def _need_text(v, what, limit=1000):
    p = text_problem(v, limit)
    if p:
        raise BodyError("%s %s" % (what, p))
    return v


def _need_ascending_ids(v, what):
    if not isinstance(v, list):
        raise BodyError("%s must be an array" % what)
    for x in v:
        _need_hex64(x, what + " entry")
    for a, b in zip(v, v[1:]):
        if not a < b:
            raise BodyError("%s must be strictly ascending" % what)
    return list(v)


def _threshold(v, what):
    t = _struct(v, [("num", REQ, None), ("den", REQ, None)], what)
    _need_int(t["num"], what + ".num", 0, MAX_U32)
    _need_int(t["den"], what + ".den", 0, MAX_U32)
    if not 0 < t["num"] <= t["den"]:
        raise BodyError("threshold must be a fraction N/D with 0 < N <= D")
    return {"num": t["num"], "den": t["den"]}


def _ledger_bylaws(v, what):
    """The ledger's part of the bylaws ("Ledger"), written as Sangam writes it: each
    part only when set, the whole only when any part is."""
    b = _struct(v, [("treasurers", DEF, []), ("approval_over", DEF, {}),
                    ("reserve_pct", DEF, 0), ("education_pct", DEF, 0)], what)
    t = b["treasurers"]
    if not isinstance(t, list):
        raise BodyError("%s.treasurers must be a list" % what)
    for k in t:
        _need_hex64(k, what + ".treasurers")
    if len(t) > 64:
        raise BodyError("the ledger's bylaws: at most 64 treasurers")
    if any(a >= b2 for a, b2 in zip(t, t[1:])):
        raise BodyError("the ledger's bylaws: treasurers are listed once each, in ascending order")
    limits = b["approval_over"]
    if not isinstance(limits, dict):
        raise BodyError("%s.approval_over must be an object" % what)
    for c, n in limits.items():
        _need_int(n, what + ".approval_over", -canonical.MAX_INT, canonical.MAX_INT)
        if not _CURRENCY.match(c):
            raise BodyError("the ledger's bylaws: an approval limit names a commodity code")
        if n < 0:
            raise BodyError("the ledger's bylaws: an approval limit is 0 to 2^53 - 1 minor units")
    _need_int(b["reserve_pct"], what + ".reserve_pct", 0, 255)
    _need_int(b["education_pct"], what + ".education_pct", 0, 255)
    if b["reserve_pct"] + b["education_pct"] > 100:
        raise BodyError("the ledger's bylaws: the reserve and education shares add up to at most 100%")
    out = {}
    if t:
        out["treasurers"] = list(t)
    if limits:
        out["approval_over"] = dict(limits)
    for k in ("reserve_pct", "education_pct"):
        if b[k]:
            out[k] = b[k]
    return out


def _bylaws(v, what="bylaws"):
    b = _struct(v, [("admission", REQ, None), ("voting", REQ, None),
                    ("proxies_per_holder", DEF, 1), ("consent_blocks", DEF, True),
                    ("ledger", DEF, {})], what)
    if b["admission"] not in ("any_member", "proposal"):
        raise BodyError("%s.admission must be \"any_member\" or \"proposal\"" % what)
    voting = _struct(b["voting"], [("quorum_pct", REQ, None), ("threshold", REQ, None)],
                     what + ".voting")
    if not is_int(voting["quorum_pct"]) or not 0 <= voting["quorum_pct"] <= 255:
        raise BodyError("%s.voting.quorum_pct must be an integer" % what)
    if voting["quorum_pct"] > 100:
        raise BodyError("quorum_pct must be at most 100")
    threshold = _threshold(voting["threshold"], what + ".voting.threshold")
    _need_int(b["proxies_per_holder"], what + ".proxies_per_holder", 0, 255)
    _need_bool(b["consent_blocks"], what + ".consent_blocks")
    ledger = _ledger_bylaws(b["ledger"], what + ".ledger")
    out = {"admission": b["admission"],
           "voting": {"quorum_pct": voting["quorum_pct"], "threshold": threshold},
           "proxies_per_holder": b["proxies_per_holder"],
           "consent_blocks": b["consent_blocks"]}
    if ledger:
        out["ledger"] = ledger
    return out


def _one_of(v, names, what):
    """An externally tagged enum: an object with exactly one member."""
    if not isinstance(v, dict) or len(v) != 1:
        raise BodyError("%s must be an object with exactly one of %s" % (what, ", ".join(names)))
    (k, x), = v.items()
    if k not in names:
        raise BodyError("%s has an unknown form %r" % (what, k))
    return k, x


def _drop_none(d):
    return {k: v for k, v in d.items() if v is not None}


def body_genesis(v):
    b = _struct(v, [("name", REQ, None), ("currency", REQ, None), ("bylaws", REQ, None),
                    ("founder_name", REQ, None), ("device", REQ, None), ("nonce", REQ, None)],
                "body")
    _need_name(b["name"], "name")
    if not isinstance(b["currency"], str) or not _CURRENCY.match(b["currency"]):
        raise BodyError("currency must be 3 to 8 characters A-Z, 0-9, starting with a letter")
    b["bylaws"] = _bylaws(b["bylaws"])
    _need_name(b["founder_name"], "founder_name")
    # The genesis `device` is not in the list of keys checked as points
    # ("Kinds": member.admit's member, device.add's device, an admission effect's
    # member), so only its form is checked (SPEC-QUESTIONS.md).
    _need_hex64(b["device"], "device")
    if not isinstance(b["nonce"], str) or not _HEX32.match(b["nonce"]):
        raise BodyError("nonce must be 32 lowercase hex characters")
    return b


def body_admit(v):
    b = _struct(v, [("member", REQ, None), ("name", REQ, None)], "body")
    _need_point_key(b["member"], "member")
    _need_name(b["name"], "name")
    return b


def body_leave(v):
    return _struct(v, [], "body")


def body_remove(v):
    b = _struct(v, [("member", REQ, None), ("reason", REQ, None)], "body")
    _need_hex64(b["member"], "member")
    _need_text(b["reason"], "reason")
    return b


def body_update(v):
    b = _struct(v, [("name", OPT, None), ("contact", OPT, None)], "body")
    if b["name"] is None and b["contact"] is None:
        raise BodyError("a profile update must set name or contact")
    if b["name"] is not None:
        _need_name(b["name"], "name")
    if b["contact"] is not None:
        _need_text(b["contact"], "contact")
    return _drop_none(b)


def body_settings(v):
    # `relay` is a string or null; a missing relay is read as null (and then
    # refused at step 10, since the one byte form writes "relay":null).
    b = _struct(v, [("relay", OPT, None)], "body")
    if b["relay"] is not None:
        p = relay_problem(b["relay"])
        if p:
            raise BodyError(p)
    return {"relay": b["relay"]}


def body_device_add(v):
    b = _struct(v, [("device", REQ, None), ("name", REQ, None)], "body")
    _need_point_key(b["device"], "device")
    _need_name(b["name"], "name")
    return b


def body_device_revoke(v):
    b = _struct(v, [("device", REQ, None)], "body")
    _need_hex64(b["device"], "device")
    return b


def _effect(v):
    k, x = _one_of(v, ("admit", "remove", "bylaws", "settings", "withdraw_listing"), "effect")
    if k == "admit":
        a = _struct(x, [("member", REQ, None), ("name", REQ, None)], "effect.admit")
        _need_point_key(a["member"], "effect.admit.member")
        _need_name(a["name"], "effect.admit.name")
        return {"admit": a}
    if k == "remove":
        r = _struct(x, [("member", REQ, None), ("reason", REQ, None)], "effect.remove")
        _need_hex64(r["member"], "effect.remove.member")
        _need_text(r["reason"], "effect.remove.reason")
        return {"remove": r}
    if k == "settings":
        return {"settings": body_settings(x)}
    if k == "withdraw_listing":
        w = _struct(x, [("listing", REQ, None)], "effect.withdraw_listing")
        _need_hex64(w["listing"], "effect.withdraw_listing.listing")
        return {"withdraw_listing": w}
    return {"bylaws": _bylaws(x, "effect.bylaws")}


def _seats(method, seats, options):
    """An election's seats: 1 to the number of options; required for stv and
    scottish_stv, optional for approval (approval for k seats), absent otherwise."""
    if seats is None:
        if method in ELECTION_METHODS:
            raise BodyError("a %s election fills 1 to as many seats as it has candidates"
                            % method)
        return
    if method not in ELECTION_METHODS + ("approval",):
        raise BodyError("a %s vote fills no seats" % method)
    _need_int(seats, "seats", 0, MAX_U32)
    if not 1 <= seats <= len(options):
        raise BodyError("a %s election fills 1 to as many seats as it has candidates" % method)


def body_open(v):
    # `seats` is read after `options`, where Sangam's ProposalOpen declares it: that
    # is the order an array body is read in (SPEC-QUESTIONS.md 3 and 19).
    b = _struct(v, [("title", REQ, None), ("text", REQ, None), ("method", REQ, None),
                    ("options", DEF, list), ("seats", OPT, None), ("quorum_pct", REQ, None),
                    ("threshold", REQ, None), ("closes_at", REQ, None),
                    ("electorate", REQ, None), ("effect", OPT, None), ("revises", OPT, None),
                    ("template", OPT, None), ("nominated", OPT, None)],
                "body")
    _need_name(b["title"], "title")
    _need_text(b["text"], "text", 20000)
    if b["method"] not in METHODS:
        raise BodyError("method must be one of %s" % ", ".join(METHODS))
    options = b["options"]
    if not isinstance(options, list):
        raise BodyError("options must be an array")
    if b["method"] in ("yes_no", "consent"):
        if options:
            raise BodyError("a %s proposal has no options" % b["method"])
    else:
        if not 2 <= len(options) <= 64:
            raise BodyError("a %s proposal needs 2 to 64 options" % b["method"])
        seen = set()
        reserved = {alike_key(w) for w in RESERVED_OUTCOMES}
        for o in options:
            _need_name(o, "option")
            key = alike_key(o)
            if key in seen:
                raise BodyError("two options are alike: %r" % o)
            if key in reserved:
                raise BodyError("option %r is a reserved word" % o)
            seen.add(key)
    b["options"] = list(options)
    _seats(b["method"], b["seats"], options)
    _need_int(b["quorum_pct"], "quorum_pct", 0, 255)
    if b["quorum_pct"] > 100:
        raise BodyError("quorum_pct must be at most 100")
    b["threshold"] = _threshold(b["threshold"], "threshold")
    _need_int(b["closes_at"], "closes_at", -canonical.MAX_INT, canonical.MAX_INT)
    b["electorate"] = _need_ascending_ids(b["electorate"], "electorate")
    if b["effect"] is not None:
        b["effect"] = _effect(b["effect"])
    if b["revises"] is not None:
        _need_hex64(b["revises"], "revises")
    if b["template"] is not None:
        _need_name(b["template"], "template")
    if b["nominated"] is not None:
        n = _struct(b["nominated"], [("call", REQ, None), ("candidates", REQ, None)],
                    "nominated")
        _need_hex64(n["call"], "nominated.call")
        if not isinstance(n["candidates"], list):
            raise BodyError("nominated.candidates must be an array")
        for c in n["candidates"]:
            _need_hex64(c, "a candidate")
        if len(n["candidates"]) != len(options) or len(set(n["candidates"])) != len(options):
            raise BodyError("a nominated election names one distinct candidate per option")
        b["nominated"] = {"call": n["call"], "candidates": list(n["candidates"])}
    return _drop_none(b)


def body_nomination_call(v):
    b = _struct(v, [("title", REQ, None), ("text", REQ, None), ("method", REQ, None),
                    ("seats", REQ, None), ("closes_at", REQ, None)], "body")
    _need_name(b["title"], "title")
    _need_text(b["text"], "text", 20000)
    if b["method"] not in ("stv", "scottish_stv", "approval"):
        raise BodyError("a call for nominations is for stv, scottish_stv or approval")
    _need_int(b["seats"], "seats", 1, 2**32 - 1)
    _need_int(b["closes_at"], "closes_at", -canonical.MAX_INT, canonical.MAX_INT)
    return b


def body_template_add(v):
    # Fields in the order Sangam's TemplateAdd declares them (an array body's order).
    b = _struct(v, [("id", REQ, None), ("name", REQ, None), ("purpose", REQ, None),
                    ("title", REQ, None), ("questions", REQ, None), ("method", REQ, None),
                    ("seats", OPT, None), ("days", REQ, None)], "body")
    _need_name(b["id"], "id")
    _need_name(b["name"], "name")
    _need_text(b["purpose"], "purpose", 1000)
    _need_name(b["title"], "title")
    if not isinstance(b["questions"], list) or len(b["questions"]) > 20:
        raise BodyError("a template asks at most 20 questions")
    for q in b["questions"]:
        _need_name(q, "question")
    if b["method"] not in METHODS:
        raise BodyError("method must be one of %s" % ", ".join(METHODS))
    _need_int(b["days"], "days", 1, 365)
    seats = b["seats"]
    if seats is not None:
        _need_int(seats, "seats", 0, 2**32 - 1)
    if b["method"] in ELECTION_METHODS and (seats is None or seats == 0):
        raise BodyError("a %s template elects 1 or more seats" % b["method"])
    if b["method"] == "approval" and seats == 0:
        raise BodyError("an approval template elects 1 or more seats")
    if b["method"] not in ELECTION_METHODS + ("approval",) and seats is not None:
        raise BodyError("a %s vote fills no seats" % b["method"])
    return _drop_none(b)


def body_nomination(v):
    b = _struct(v, [("call", REQ, None), ("nominee", REQ, None)], "body")
    _need_hex64(b["call"], "call")
    _need_hex64(b["nominee"], "nominee")
    return b


def body_nomination_answer(v):
    b = _struct(v, [("call", REQ, None), ("seq", REQ, None), ("answer", REQ, None)], "body")
    _need_hex64(b["call"], "call")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    if b["answer"] not in ("accept", "decline", "withdraw"):
        raise BodyError("answer must be one of accept, decline, withdraw")
    return b


def _choice(v):
    k, x = _one_of(v, ("vote", "option", "approve", "rank", "scores"), "choice")
    if k == "vote":
        if x not in VOTES:
            raise BodyError("vote must be one of %s" % ", ".join(VOTES))
    elif k == "option":
        _need_str(x, "choice.option")
    elif k in ("approve", "rank"):
        if not isinstance(x, list) or not all(isinstance(o, str) for o in x):
            raise BodyError("choice.%s must be an array of strings" % k)
        if len(x) > 64:
            raise BodyError("choice.%s lists at most 64 options" % k)
        x = list(x)
    else:
        if not isinstance(x, dict):
            raise BodyError("choice.scores must be an object")
        for o, n in x.items():
            _need_int(n, "a score", 0, 255)
        x = dict(x)
    return {k: x}


def body_ballot(v):
    b = _struct(v, [("proposal", REQ, None), ("seq", REQ, None), ("choice", REQ, None)],
                "body")
    _need_hex64(b["proposal"], "proposal")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    b["choice"] = _choice(b["choice"])
    return b


def body_grant(v):
    b = _struct(v, [("proposal", REQ, None), ("holder", REQ, None), ("seq", REQ, None)],
                "body")
    _need_hex64(b["proposal"], "proposal")
    _need_hex64(b["holder"], "holder")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    return b


def body_revoke(v):
    b = _struct(v, [("proposal", REQ, None), ("seq", REQ, None)], "body")
    _need_hex64(b["proposal"], "proposal")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    return b


def body_close(v):
    b = _struct(v, [("proposal", REQ, None), ("ballots", REQ, None), ("proxies", DEF, list)],
                "body")
    _need_hex64(b["proposal"], "proposal")
    b["ballots"] = _need_ascending_ids(b["ballots"], "ballots")
    b["proxies"] = _need_ascending_ids(b["proxies"], "proxies")
    return b


def body_withdraw(v):
    b = _struct(v, [("proposal", REQ, None)], "body")
    _need_hex64(b["proposal"], "proposal")
    return b


def _listing_text(v, what):
    """A listing's text ("Marketplace")."""
    b = _struct(v, [("kind", REQ, None), ("title", REQ, None), ("description", REQ, None),
                    ("category", OPT, None), ("price", OPT, None), ("quantity", OPT, None),
                    ("location", OPT, None), ("expires_at", OPT, None)], what)
    if b["kind"] not in ("offer", "want", "gift"):
        raise BodyError("kind must be offer, want or gift")
    _need_name(b["title"], "title")
    if len(_need_str(b["description"], "description")) > 5000:
        raise BodyError("description must be at most 5,000 characters")
    if b["category"] is not None:
        _need_name(b["category"], "category")
    if b["location"] is not None:
        _need_text(b["location"], "location")
    if b["quantity"] is not None:
        _need_int(b["quantity"], "quantity", 1, 2 ** 32 - 1)
    if b["expires_at"] is not None:
        _need_int(b["expires_at"], "expires_at", -canonical.MAX_INT, canonical.MAX_INT)
    if b["price"] is not None:
        p = _struct(b["price"], [("amount", REQ, None), ("commodity", REQ, None)], "price")
        if b["kind"] == "gift":
            raise BodyError("a gift has no price")
        _need_int(p["amount"], "price.amount", 0, canonical.MAX_INT)
        if not isinstance(p["commodity"], str) or not _CURRENCY.match(p["commodity"]):
            raise BodyError("commodity must be 3 to 8 characters A-Z, 0-9, starting with a letter")
        b["price"] = p
    return _drop_none(b)


def body_listing_post(v):
    return _listing_text(v, "body")


def body_listing_revise(v):
    b = _struct(v, [("listing", REQ, None), ("seq", REQ, None), ("text", REQ, None)], "body")
    _need_hex64(b["listing"], "listing")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    b["text"] = _listing_text(b["text"], "text")
    return b


def body_listing_status(v):
    b = _struct(v, [("listing", REQ, None), ("seq", REQ, None), ("status", REQ, None)], "body")
    _need_hex64(b["listing"], "listing")
    _need_int(b["seq"], "seq", 0, canonical.MAX_INT)
    if b["status"] not in ("open", "reserved", "done", "withdrawn"):
        raise BodyError("status must be open, reserved, done or withdrawn")
    return b


def body_listing_respond(v):
    b = _struct(v, [("listing", REQ, None), ("message", REQ, None), ("quantity", OPT, None)],
                "body")
    _need_hex64(b["listing"], "listing")
    if not _need_str(b["message"], "message").strip():
        raise BodyError("a response needs a message")
    _need_text(b["message"], "message")
    if b["quantity"] is not None:
        _need_int(b["quantity"], "quantity", 1, 2 ** 32 - 1)
    return _drop_none(b)


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")


def _need_date(v, what):
    """"Ledger": a calendar date written YYYY-MM-DD, years 0001 to 9999."""
    m = _DATE.match(v) if isinstance(v, str) else None
    if m:
        y, mo, d = (int(x) for x in m.groups())
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        days = {1: 31, 2: 29 if leap else 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31,
                9: 30, 10: 31, 11: 30, 12: 31}.get(mo)
        if y >= 1 and days and 1 <= d <= days:
            return v
    raise BodyError("%s is not a date written YYYY-MM-DD" % what)


def body_ledger_account(v):
    b = _struct(v, [("name", REQ, None), ("type", REQ, None), ("member", OPT, None),
                    ("role", OPT, None)], "body")
    _need_name(b["name"], "name")
    if b["type"] not in ("asset", "liability", "equity", "income", "expense"):
        raise BodyError("type must be asset, liability, equity, income or expense")
    if b["member"] is not None:
        _need_hex64(b["member"], "member")
    if b["role"] is not None and b["role"] not in ("surplus", "reserve", "education"):
        raise BodyError("role must be surplus, reserve or education")
    tagged = b["member"] is not None or b["role"] is not None
    if (tagged and b["type"] != "equity") or (b["member"] is not None and b["role"] is not None):
        raise BodyError("only an equity account names a member (a capital account) or a role "
                        "(a fund), and not both")
    return _drop_none(b)


def body_ledger_entry(v):
    b = _struct(v, [("date", REQ, None), ("description", REQ, None), ("postings", REQ, None),
                    ("payee", OPT, None), ("approved_by", OPT, None), ("reverses", OPT, None),
                    ("allocates", OPT, None), ("reference", OPT, None)],
                "body")
    _need_date(b["date"], "date")
    _need_text(b["description"], "description")
    if b["payee"] is not None:
        _need_text(b["payee"], "payee")
    if b["reference"] is not None:
        _need_text(b["reference"], "reference")
    ps = b["postings"]
    if not isinstance(ps, list) or not 2 <= len(ps) <= 4096:
        raise BodyError("an entry has 2 to 4096 postings")
    out, sums = [], {}
    for p in ps:
        p = _struct(p, [("account", REQ, None), ("amount", REQ, None), ("commodity", REQ, None),
                        ("member", OPT, None)], "posting")
        if p["member"] is not None:
            _need_hex64(p["member"], "posting.member")
        p = _drop_none(p)
        _need_hex64(p["account"], "posting.account")
        _need_int(p["amount"], "posting.amount", -canonical.MAX_INT, canonical.MAX_INT)
        if p["amount"] == 0:
            raise BodyError("a posting's amount is not 0")
        if not isinstance(p["commodity"], str) or not _CURRENCY.match(p["commodity"]):
            raise BodyError("commodity must be 3 to 8 characters A-Z, 0-9, starting with a letter")
        sums[p["commodity"]] = sums.get(p["commodity"], 0) + p["amount"]
        out.append(p)
    if any(s != 0 for s in sums.values()):
        raise BodyError("the entry does not balance")
    b["postings"] = out
    for k in ("approved_by", "reverses"):
        if b[k] is not None:
            _need_hex64(b[k], k)
    if b["allocates"] is not None:
        a = _struct(b["allocates"], [("from", REQ, None), ("to", REQ, None), ("basis", REQ, None)],
                    "allocates")
        _need_date(a["from"], "allocates.from")
        _need_date(a["to"], "allocates.to")
        if a["basis"] not in ("labour", "use"):
            raise BodyError("allocates.basis must be labour or use")
        if b["approved_by"] is None or a["from"] > a["to"]:
            raise BodyError("an allocation cites the proposal approving it, over a period from "
                            "a day to a later one")
        b["allocates"] = a
    return _drop_none(b)


def body_ledger_close(v):
    b = _struct(v, [("account", REQ, None)], "body")
    _need_hex64(b["account"], "account")
    return b


def body_labour_log(v):
    b = _struct(v, [("date", REQ, None), ("minutes", REQ, None), ("note", OPT, None)], "body")
    _need_date(b["date"], "date")
    _need_int(b["minutes"], "minutes", 1, 1440)
    if b["note"] is not None:
        _need_text(b["note"], "note")
    return _drop_none(b)


BODY_READERS = {
    "coop.genesis": body_genesis,
    "member.admit": body_admit,
    "member.leave": body_leave,
    "member.remove": body_remove,
    "member.update": body_update,
    "coop.settings": body_settings,
    "device.add": body_device_add,
    "device.revoke": body_device_revoke,
    "proposal.open": body_open,
    "ballot": body_ballot,
    "proxy.grant": body_grant,
    "proxy.revoke": body_revoke,
    "proposal.close": body_close,
    "proposal.withdraw": body_withdraw,
    "nomination.call": body_nomination_call,
    "nomination": body_nomination,
    "nomination.answer": body_nomination_answer,
    "template.add": body_template_add,
    "listing.post": body_listing_post,
    "listing.revise": body_listing_revise,
    "listing.status": body_listing_status,
    "listing.respond": body_listing_respond,
    "ledger.account": body_ledger_account,
    "ledger.entry": body_ledger_entry,
    "ledger.close": body_ledger_close,
    "labour.log": body_labour_log,
}


# --- "Checking a record", steps 1 to 11 ----------------------------------------------

def check_record(data):
    """docs/protocol.md "Checking a record", in order. `data` is the record's bytes."""
    data = bytes(data)
    # 1. size
    if len(data) > MAX_RECORD:
        raise RecordError("too_large", "the record is larger than 1 MiB", 1)
    # 2. JSON
    try:
        parsed = canonical.parse(data)
    except canonical.JsonError as exc:
        if exc.kind == "too_deep":
            raise RecordError("no_canonical_form", exc.reason, 3)
        raise RecordError("malformed", exc.reason, 2)
    # 3. numbers and depth, then canonical bytes
    if parsed.bad_number is not None:
        raise RecordError("no_canonical_form",
                          "the number %s has no canonical form" % parsed.bad_number.text, 3)
    if parsed.max_depth > canonical.MAX_DEPTH:
        raise RecordError("no_canonical_form", "nested deeper than 32", 3)
    value = parsed.value
    if parsed.duplicate_key or canonical.dumps_bytes(value) != data:
        raise RecordError("not_canonical", "the bytes are not the canonical JSON of the value"
                          if not parsed.duplicate_key else "an object repeats a key", 3)
    # 4. envelope members and types
    if not isinstance(value, dict):
        raise RecordError("malformed", "a record is a JSON object", 4)
    for k in value:
        if k not in ENVELOPE:
            raise RecordError("malformed", "unknown envelope member %r" % k, 4)
    for k in ENVELOPE:
        if k != "sig" and k not in value:
            raise RecordError("malformed", "missing envelope member %r" % k, 4)
    if not is_int(value["at"]):
        raise RecordError("malformed", "at must be an integer", 4)
    if not is_hex64(value["author"]):
        raise RecordError("malformed", "author must be 64 lowercase hex characters", 4)
    coop = value["coop"]
    if not (coop == "" or is_hex64(coop)):
        raise RecordError("malformed", "coop must be \"\" or 64 lowercase hex characters", 4)
    deps = value["deps"]
    if not isinstance(deps, list) or not all(is_hex64(d) for d in deps):
        raise RecordError("malformed", "deps must be an array of 64-hex record ids", 4)
    if not isinstance(value["kind"], str):
        raise RecordError("malformed", "kind must be a string", 4)
    sig = value.get("sig")
    if sig is not None and not is_hex128(sig):
        raise RecordError("malformed", "sig must be 128 lowercase hex characters", 4)
    if not is_int(value["v"]):
        raise RecordError("malformed", "v must be an integer", 4)
    # 5. version, signature present
    if value["v"] != 2:
        raise RecordError("unsupported_version", "envelope version %d is not 2" % value["v"], 5)
    if sig is None:
        raise RecordError("malformed", "the record has no signature", 5)
    # 6. deps
    if len(deps) > MAX_DEPS:
        raise RecordError("bad_deps", "more than 256 deps", 6)
    for a, b in zip(deps, deps[1:]):
        if not a < b:
            raise RecordError("bad_deps", "deps are not strictly ascending", 6)
    # 7. envelope re-written from its parsed fields
    envelope = {"at": value["at"], "author": value["author"], "body": value["body"],
                "coop": coop, "deps": list(deps), "kind": value["kind"], "sig": sig,
                "v": value["v"]}
    if canonical.dumps_bytes(envelope) != data:
        raise RecordError("not_canonical", "the envelope is not in its one byte form", 7)
    # 8. signature
    unsigned = dict(envelope)
    del unsigned["sig"]
    signing_input = ed25519.domain(RECORD_TAG, canonical.dumps_bytes(unsigned))
    author = bytes.fromhex(value["author"])
    if not ed25519.key_is_strict(author):
        raise RecordError("bad_signature", "the author key is not a key that can sign", 8)
    if not ed25519.verify_strict(author, signing_input, bytes.fromhex(sig)):
        raise RecordError("bad_signature", "the signature does not verify under the author", 8)
    # 9. kind and body rules
    kind = value["kind"]
    reader = BODY_READERS.get(kind)
    if reader is None:
        raise RecordError("bad_body", "unknown kind %r" % kind, 9)
    try:
        body = reader(value["body"])
    except BodyError as exc:
        raise RecordError("bad_body", str(exc), 9)
    # 10. body in its one byte form
    if canonical.dumps(body) != canonical.dumps(value["body"]):
        raise RecordError("not_canonical", "the body is not in its one byte form", 10)
    # 11. co-op and genesis deps
    if kind == "coop.genesis":
        if coop != "":
            raise RecordError("wrong_coop", "a genesis names no co-op", 11)
        if deps:
            raise RecordError("bad_deps", "a genesis has no deps", 11)
    elif not is_hex64(coop):
        raise RecordError("wrong_coop", "a record other than the genesis names its co-op", 11)
    rec = Record()
    rec.id = hashlib.sha256(signing_input).hexdigest()
    rec.wire = data
    rec.signing_input = signing_input
    rec.at = value["at"]
    rec.author = value["author"]
    rec.body = body
    rec.coop = coop
    rec.deps = list(deps)
    rec.kind = kind
    rec.sig = sig
    rec.v = value["v"]
    rec.pos = None
    rec.depth = None
    return rec
