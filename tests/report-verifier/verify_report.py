#!/usr/bin/env python3
"""Verify a Sangam vote report: python3 verify_report.py REPORT.json

Implements docs/protocol.md, "Reports": "The file", "Which records", "Signing
input" and "Verifying a report" steps 1 to 16, in that order; the first failure
is the verdict. Written from docs/protocol.md alone, with Python's standard library.

Output contract: the first line of stdout is `verified` or
`refused <class>: <reason>`; <class> is one of too_large, malformed,
unsupported_format, bad_signature, bad_record, duplicate_record, wrong_coop,
no_proposal, incomplete, unrelated_record, refused_proposal, electorate, tally,
heads, unsigned, bad_report_signature. Exit status 0 verified, 1 refused, 2 usage
error or unreadable file. After `verified`, a short human summary follows.
"""

import hashlib
import os
import re
import sys
import time

sys.dont_write_bytecode = True     # leave no __pycache__ in the repository

import canonical  # noqa: E402
import ed25519  # noqa: E402
import records  # noqa: E402
from fold import Fold  # noqa: E402

MAX_REPORT = 268_435_456
REPORT_TAG = "sangam/report/1"
FORMAT = "sangam/report/1"

TOP = ("format", "coop", "proposal", "records", "electorate", "tally", "heads",
       "exported_at", "exporter", "sig")
TALLY = ("status", "outcome", "counts", "rounds", "electorate_size", "ballots_counted",
         "represented", "quorum_met", "counted", "proxies", "late", "closes", "contested")
TALLY_ID_LISTS = ("counted", "proxies", "late", "closes", "contested")
ELECTION = ("method", "seats", "ballots", "rounds", "elected", "ties")
ROUND = ("action", "quota", "votes", "keep", "exhausted", "elected")
TIE = ("round", "tie_for", "among", "chosen", "by")
# An action's kind and its other members.
ACTIONS = {"first_preferences": (), "surplus": ("from", "amount"), "settled": (),
           "excluded": ("candidate",), "last_seats_filled": ()}
# One way to write each figure: no leading zero before the point ("0.5", not "00.5").
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,18})?\Z")


class Refusal(Exception):
    def __init__(self, cls, reason):
        super().__init__("%s: %s" % (cls, reason))
        self.cls = cls
        self.reason = reason


class Verified:
    """What a verified report says (for the summary and for tests)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def same(a, b):
    """JSON equality that does not confuse true with 1."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def _ascending_hex_list(v):
    return (isinstance(v, list) and all(records.is_hex64(x) for x in v)
            and all(x < y for x, y in zip(v, v[1:])))


def _int_map(v):
    return isinstance(v, dict) and all(records.is_int(x) for x in v.values())


def _count(v):
    """A count or a candidate's number: a non-negative integer."""
    return records.is_int(v) and v >= 0


def _counts(v):
    return isinstance(v, list) and all(_count(x) for x in v)


def _decimal(v):
    """A figure: digits without a leading zero, then optionally a point and 1 to 18
    places, within 64 bits (as Sangam writes and reads it)."""
    return (isinstance(v, str) and _DECIMAL.match(v) is not None
            and int(v.replace(".", "")) < 2 ** 63)


def _object(v, members):
    return isinstance(v, dict) and set(v) == set(members)


def election_shape_problem(e):
    """Step 4 for the tally's `election` ("The count"): None, or what is wrong."""
    if not _object(e, ELECTION):
        return "an election has exactly the members %s" % ", ".join(ELECTION)
    if e["method"] not in ("meek", "scottish", "approval"):
        return "an election's method is meek, scottish or approval"
    if not (_count(e["seats"]) and _count(e["ballots"])):
        return "an election's seats and ballots are integers"
    for key, check in (("rounds", _round_shape_problem), ("ties", _tie_shape_problem)):
        if not isinstance(e[key], list):
            return "an election's %s is an array" % key
        for i, x in enumerate(e[key]):
            problem = check(x)
            if problem:
                return "election.%s[%d]: %s" % (key, i, problem)
    if not _counts(e["elected"]):
        return "an election's elected is an array of candidate numbers"
    return None


def _round_shape_problem(r):
    if not _object(r, ROUND):
        return "a round has exactly the members %s" % ", ".join(ROUND)
    a = r["action"]
    kind = a.get("kind") if isinstance(a, dict) else None
    if not (isinstance(kind, str) and kind in ACTIONS and _object(a, ("kind",) + ACTIONS[kind])):
        return "an action is an object whose kind is one of %s, with its members" % (
            ", ".join(ACTIONS))
    if kind == "surplus" and not (_count(a["from"]) and _decimal(a["amount"])):
        return "a surplus names a candidate and a decimal amount"
    if kind == "excluded" and not _count(a["candidate"]):
        return "an exclusion names a candidate"
    if not (_decimal(r["quota"]) and _decimal(r["exhausted"])):
        return "quota and exhausted are decimals written as strings"
    for key in ("votes", "keep"):
        if not (isinstance(r[key], list) and all(x is None or _decimal(x) for x in r[key])):
            return "%s is an array of decimals (strings) or null" % key
    if not _counts(r["elected"]):
        return "elected is an array of candidate numbers"
    return None


def _tie_shape_problem(t):
    if not _object(t, TIE):
        return "a tie has exactly the members %s" % ", ".join(TIE)
    if not (_count(t["round"]) and _count(t["chosen"]) and _counts(t["among"])):
        return "a tie's round, chosen and among are numbers"
    if t["tie_for"] not in ("surplus", "exclusion", "seat"):
        return "tie_for is surplus, exclusion or seat"
    by = t["by"]
    if not (_object(by, ("by",)) and by["by"] == "lot" or
            _object(by, ("by", "round")) and by["by"] == "earlier_round" and _count(by["round"])):
        return "by is {\"by\":\"lot\"} or {\"by\":\"earlier_round\",\"round\":N}"
    return None


def check_shape(doc):
    """Step 4: members and types of the top level, `tally`, `electorate` entries
    and `heads`."""
    def bad(why):
        raise Refusal("malformed", why)

    if not isinstance(doc, dict):
        bad("the report is not a JSON object")
    for k in doc:
        if k not in TOP:
            bad("unknown member %r" % k)
    for k in TOP:
        if k != "sig" and k not in doc:
            bad("missing member %r" % k)
    if not isinstance(doc["format"], str):
        bad("format must be a string")
    if not records.is_hex64(doc["coop"]):
        bad("coop must be 64 lowercase hex characters")
    if not records.is_hex64(doc["proposal"]):
        bad("proposal must be 64 lowercase hex characters")
    if not isinstance(doc["records"], list) or not all(isinstance(s, str) for s in doc["records"]):
        bad("records must be an array of strings")
    el = doc["electorate"]
    if not isinstance(el, list):
        bad("electorate must be an array")
    for e in el:
        if not isinstance(e, dict) or set(e) != {"admitted_by", "member"}:
            bad("each electorate entry is {\"admitted_by\", \"member\"}")
        if not records.is_hex64(e["admitted_by"]) or not records.is_hex64(e["member"]):
            bad("electorate entries hold 64-hex ids and keys")
    t = doc["tally"]
    if not isinstance(t, dict):
        bad("tally must be an object")
    for k in t:
        if k not in TALLY and k != "election":
            bad("unknown tally member %r" % k)
    for k in TALLY:
        if k not in t:
            bad("missing tally member %r" % k)
    if not isinstance(t["status"], str) or not isinstance(t["outcome"], str):
        bad("tally status and outcome must be strings")
    if not _int_map(t["counts"]):
        bad("tally counts must map answers to integers")
    if not isinstance(t["rounds"], list) or not all(_int_map(r) for r in t["rounds"]):
        bad("tally rounds must be an array of objects of integers")
    for k in ("electorate_size", "ballots_counted", "represented"):
        if not records.is_int(t[k]):
            bad("tally %s must be an integer" % k)
    if not isinstance(t["quorum_met"], bool):
        bad("tally quorum_met must be true or false")
    for k in TALLY_ID_LISTS:
        if not _ascending_hex_list(t[k]):
            bad("tally %s must be a strictly ascending array of 64-hex ids" % k)
    if "election" in t:           # written for an election only ("The count")
        problem = election_shape_problem(t["election"])
        if problem:
            bad("tally election: " + problem)
    h = doc["heads"]
    if not isinstance(h, dict) or set(h) != {"document", "records"}:
        bad("heads must be {\"document\", \"records\"}")
    for k in ("document", "records"):
        if not _ascending_hex_list(h[k]):
            bad("heads.%s must be a strictly ascending array of 64-hex strings" % k)
    if not records.is_int(doc["exported_at"]):
        bad("exported_at must be an integer")
    if not records.is_hex64(doc["exporter"]):
        bad("exporter must be 64 lowercase hex characters")
    sig = doc.get("sig")
    if sig is not None and not records.is_hex128(sig):
        bad("sig must be 128 lowercase hex characters")


def load(path):
    """Read the file; OSError for an unreadable one. Step 1 is done on the size
    before reading: larger input is refused before it is parsed."""
    size = os.stat(path).st_size
    if size > MAX_REPORT:
        raise Refusal("too_large", "the file is %d bytes, more than 256 MiB" % size)
    with open(path, "rb") as f:
        data = f.read(MAX_REPORT + 1)
    return data


def verify_bytes(data):
    """Steps 1 to 16. Returns Verified or raises Refusal."""
    # 1
    if len(data) > MAX_REPORT:
        raise Refusal("too_large", "the file is more than 256 MiB")
    # 2
    try:
        parsed = canonical.parse(data)
    except canonical.JsonError as exc:
        raise Refusal("malformed", "the file is not JSON: %s" % exc.reason)
    doc = parsed.value
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), str):
        raise Refusal("malformed", "the file is not a report: no format")
    # 3: before the other members, which another format may change
    if doc["format"] != FORMAT:
        raise Refusal("unsupported_format", "format %r is not %r" % (doc["format"], FORMAT))
    # 4
    if parsed.duplicate_key:
        raise Refusal("malformed", "an object repeats a member")
    if parsed.bad_number is not None:
        raise Refusal("malformed", "the number %s is not an integer within 2^53 - 1"
                      % parsed.bad_number.text)
    check_shape(doc)
    coop = doc["coop"]
    pid = doc["proposal"]
    # 5
    recs = []
    for i, s in enumerate(doc["records"]):
        try:
            recs.append(records.check_record(s.encode("utf-8")))
        except records.RecordError as exc:
            if exc.step == 8:
                raise Refusal("bad_signature", "record %d: %s (it was changed after it was "
                              "signed, or its signature was)" % (i, exc.reason))
            raise Refusal("bad_record", "record %d fails \"Checking a record\" step %d "
                          "(%s): %s" % (i, exc.step, exc.cls, exc.reason))
    # 6
    by_id = {}
    for i, r in enumerate(recs):
        if r.id in by_id:
            raise Refusal("duplicate_record", "records %d and %d have the same id %s"
                          % (by_id[r.id][0], i, r.id))
        by_id[r.id] = (i, r)
    by_id = {k: v[1] for k, v in by_id.items()}
    # 7
    geneses = [r for r in recs if r.kind == "coop.genesis"]
    if len(geneses) != 1:
        raise Refusal("wrong_coop", "the report holds %d genesis records, not one" % len(geneses))
    if geneses[0].id != coop:
        raise Refusal("wrong_coop", "the genesis's id is %s, not the report's co-op %s"
                      % (geneses[0].id, coop))
    for r in recs:
        if r.kind != "coop.genesis" and r.coop != coop:
            raise Refusal("wrong_coop", "record %s (%s) belongs to co-op %s" % (r.id, r.kind, r.coop))
    # 8
    open_rec = by_id.get(pid)
    if open_rec is None or open_rec.kind != "proposal.open":
        raise Refusal("no_proposal", "no proposal.open among the records has the id %s" % pid)
    # 9
    own = [r for r in recs if r.id == pid or (
        r.kind in ("ballot", "proxy.grant", "proxy.revoke", "proposal.close",
                   "proposal.withdraw") and r.body["proposal"] == pid)]
    for r in own:
        if r.kind == "proposal.close":
            for i in r.body["ballots"] + r.body["proxies"]:
                if i not in by_id:
                    raise Refusal("incomplete", "the close %s names %s, which is not in the "
                                  "report" % (r.id, i))
    for r in recs:
        for d in r.deps:
            if d not in by_id:
                raise Refusal("incomplete", "record %s (%s) cites %s, which is not in the "
                              "report" % (r.id, r.kind, d))
    # 10
    related = set()
    stack = [r.id for r in own]
    while stack:
        i = stack.pop()
        if i in related:
            continue
        related.add(i)
        stack.extend(by_id[i].deps)
    for r in recs:
        if r.id not in related:
            raise Refusal("unrelated_record", "record %s (%s) is neither one of the proposal's "
                          "own records nor in the causal past of one" % (r.id, r.kind))
    # 11
    try:
        fold = Fold(recs, coop)
    except ValueError as exc:
        raise Refusal("incomplete", str(exc))
    if not fold.valid[open_rec.pos]:
        raise Refusal("refused_proposal", "the proposal.open is refused where written: %s"
                      % fold.reason[open_rec.pos])
    prop = fold.opens[pid]
    # 12
    ctx_view = fold.context_view(open_rec)
    expected = [{"admitted_by": ctx_view.members[k][2], "member": k} for k in prop.electorate]
    got = doc["electorate"]
    if not same(expected, got):
        raise Refusal("electorate", _electorate_diff(expected, got))
    # 13
    computed, details = fold.tally(pid)
    if not same(computed, doc["tally"]):
        raise Refusal("tally", "the tally differs from the one computed from the records in: %s"
                      % "; ".join("%s (report %s, computed %s)" % d
                                  for d in _tally_differences(doc["tally"], computed)))
    # 14
    cited = set()
    for r in recs:
        cited.update(r.deps)
    heads = sorted(r.id for r in recs if r.id not in cited)
    if heads != doc["heads"]["records"]:
        raise Refusal("heads", "heads.records is not the ids no record cites (computed %s)"
                      % _short(heads))
    # 15
    if doc.get("sig") is None:
        raise Refusal("unsigned", "the report has no exporter signature")
    # 16
    unsigned = {k: v for k, v in doc.items() if k != "sig"}
    signing_input = ed25519.domain(REPORT_TAG, canonical.dumps_bytes(unsigned))
    exporter = bytes.fromhex(doc["exporter"])
    if not ed25519.key_is_strict(exporter):
        raise Refusal("bad_report_signature", "the exporter key is not a key that can sign")
    if not ed25519.verify_strict(exporter, signing_input, bytes.fromhex(doc["sig"])):
        raise Refusal("bad_report_signature", "the exporter's signature does not verify")
    return Verified(doc=doc, fold=fold, prop=prop, tally=computed, details=details,
                    report_id=hashlib.sha256(signing_input).hexdigest(), records=recs)


ABSENT = object()


def _tally_differences(said, computed):
    """(member, report's value, computed value) for each differing member; within
    `election`, the first differing figure, by its path."""
    out = []
    for k in TALLY + ("election",):
        a, b = said.get(k, ABSENT), computed.get(k, ABSENT)
        if a is ABSENT and b is ABSENT or same(a, b):
            continue
        path = k
        if k == "election" and ABSENT not in (a, b):
            path, a, b = _first_difference(a, b, k)
        out.append((path, "absent" if a is ABSENT else _short(a),
                    "absent" if b is ABSENT else _short(b)))
    return out


def _first_difference(a, b, path):
    """The deepest path at which two JSON values first differ, and the two values."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in sorted(a):
            if not same(a[k], b[k]):
                return _first_difference(a[k], b[k], "%s.%s" % (path, k))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if not same(x, y):
                return _first_difference(x, y, "%s[%d]" % (path, i))
    return path, a, b


def _short(v):
    s = canonical.dumps(v)
    return s if len(s) <= 200 else s[:197] + "..."


def _electorate_diff(expected, got):
    if len(expected) != len(got):
        return ("the report lists %d electors, the proposal has %d"
                % (len(got), len(expected)))
    for i, (e, g) in enumerate(zip(expected, got)):
        if e["member"] != g["member"]:
            return ("elector %d is %s in the report, %s in the proposal"
                    % (i, g["member"], e["member"]))
        if e["admitted_by"] != g["admitted_by"]:
            return ("elector %s was admitted by %s (in the view of the proposal's context), "
                    "the report says %s" % (e["member"], e["admitted_by"], g["admitted_by"]))
    return "the electorate differs"


def _fmt_time(ms):
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ms / 1000))
    except (OverflowError, OSError, ValueError):
        return "%d ms" % ms


def _choice_text(choice):
    (form, x), = choice.items()
    if form == "vote":
        return x
    if form == "option":
        return "option %s" % x
    if form == "approve":
        return "approves %s" % ", ".join(x)
    if form == "rank":
        return "ranks %s" % " > ".join(x)
    return "scores %s" % ", ".join("%s=%d" % kv for kv in sorted(x.items()))


def _action_text(action, name):
    kind = action["kind"]
    if kind == "surplus":
        return "surplus of %s (%s) transferred" % (name(action["from"]), action["amount"])
    if kind == "excluded":
        return "%s excluded" % name(action["candidate"])
    return {"first_preferences": "first preferences", "settled": "keep factors settled",
            "last_seats_filled": "last seats filled"}[kind]


def _election_lines(options, e):
    """The count, briefly: who was elected, each round's figures, each tie broken."""
    def name(c):
        return options[c] if 0 <= c < len(options) else "#%d" % c

    lines = ["elected:  %s  (%s, %d seat%s, %d valid paper%s)" % (
        ", ".join(name(c) for c in e["elected"]) or "nobody", e["method"], e["seats"],
        "" if e["seats"] == 1 else "s", e["ballots"], "" if e["ballots"] == 1 else "s")]
    for i, r in enumerate(e["rounds"], 1):
        figures = []
        for c, v in enumerate(r["votes"]):
            if v is not None:
                kf = r["keep"][c] if c < len(r["keep"]) else None
                figures.append("%s %s%s" % (name(c), v, " (kf %s)" % kf if kf else ""))
        lines.append("  round %d: %s; quota %s; %s; exhausted %s%s" % (
            i, _action_text(r["action"], name), r["quota"], ", ".join(figures), r["exhausted"],
            "; elected %s" % ", ".join(name(c) for c in r["elected"]) if r["elected"] else ""))
    for tie in e["ties"]:
        by = tie["by"]
        lines.append("  tie in round %d for %s among %s: %s, by %s" % (
            tie["round"], tie["tie_for"], ", ".join(name(c) for c in tie["among"]),
            name(tie["chosen"]),
            "the lot" if by["by"] == "lot" else "round %d's totals" % by["round"]))
    return lines


def summary(v):
    doc, fold, prop, t = v.doc, v.fold, v.prop, v.tally
    names, _ = fold.profiles()
    final = fold.final_view()

    def who(key):
        n = names.get(key)
        return "%s (%s…)" % (n, key[:12]) if n else key

    lines = []
    title = prop.record.body["title"]
    lines.append("proposal: %s  [%s] %s" % (title, prop.method, prop.id))
    lines.append("status:   %s" % t["status"])
    lines.append("outcome:  %s" % t["outcome"])
    lines.append("counts:   %s" % ", ".join("%s %d" % kv for kv in t["counts"].items()))
    for i, r in enumerate(t["rounds"]):
        lines.append("  round %d: %s" % (i + 1, ", ".join("%s %d" % kv for kv in r.items())))
    if "election" in t:
        lines.extend(_election_lines(prop.options, t["election"]))
    lines.append("quorum:   %s (%d of %d electors took part, %d by proxy; quorum %d%%)" % (
        "met" if t["quorum_met"] else "not met", t["ballots_counted"] + t["represented"],
        t["electorate_size"], t["represented"], prop.quorum_pct))
    lines.append("counted ballots (%d):" % t["ballots_counted"])
    for b in v.details["counted"]:
        w = v.details["weight"][b.id]
        lines.append("  %s  %s  %s%s" % (b.id[:16], who(b.author), _choice_text(b.body["choice"]),
                                         "  (weight %d with proxies)" % w if w > 1 else ""))
    for g in v.details["kept"]:
        lines.append("  proxy %s  %s votes for %s" % (g.id[:16], who(g.body["holder"]),
                                                       who(g.author)))
    lines.append("late:      %s" % (", ".join(t["late"]) or "none"))
    lines.append("contested: %s" % (", ".join(t["contested"]) or "none"))
    lines.append("closes:")
    for c in t["closes"]:
        cr = fold.by_id[c]
        lines.append("  %s by %s%s" % (c, who(cr.author), " (its effect is void)"
                                        if c in final.void else ""))
    if not t["closes"]:
        lines.append("  none")
    ex = doc["exporter"]
    member = final.is_current(ex)
    lines.append("exporter: %s%s" % (who(ex), "" if member else
                                      " (not a current member in the view of the report's records)"))
    lines.append("exported: %s" % _fmt_time(doc["exported_at"]))
    lines.append("records:  %d" % len(v.records))
    lines.append("heads.records:  %s" % ", ".join(doc["heads"]["records"]))
    lines.append("heads.document: %s (the exporter's claim)" % (", ".join(doc["heads"]["document"])
                                                                 or "none"))
    lines.append("report id: %s" % v.report_id)
    return lines


def _refused(exc):
    reason = " ".join(str(exc.reason).split())
    print("refused %s: %s" % (exc.cls, reason))
    return 1


def main(argv):
    try:
        sys.stdout.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        pass
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: python3 verify_report.py REPORT.json\n")
        return 2
    path = argv[1]
    try:
        data = load(path)
    except Refusal as exc:
        return _refused(exc)
    except OSError as exc:
        sys.stderr.write("cannot read %s: %s\n" % (path, exc.strerror or exc))
        return 2
    try:
        result = verify_bytes(data)
    except Refusal as exc:
        return _refused(exc)
    print("verified")
    for line in summary(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
