#!/usr/bin/env python3
"""Self-test of the report verifier; runs without Sangam.

(a) every record vector in tests/vectors/*.json through "Checking a record"
    (docs/protocol.md "Test vectors"), including the ids the vectors cite;
(b) the signature vectors: RFC 8032 section 7.1 (transcribed below; the signer
    must reproduce them), Project Wycheproof's EdDSA vectors and the twelve
    ed25519-speccheck cases, with the verdicts of "Strict verification";
(c) counting unit cases, then synthetic co-ops and reports built here with an
    RFC 8032 signer, which must verify, and single tamperings of them, which must
    be refused with the right class (docs/protocol.md "Verifying a report");
(d) elections ("Counting an election"): stv.py against the published elections
    in ../shared/elections (or $SANGAM_ELECTIONS): every stage of Droop's Scottish
    STV reference counts, every round of its reference Meek counts, the winners
    Glasgow declared in 2007; a count's independence of the order papers arrive
    in; and election reports, with their tamperings. Without that folder the
    self-test fails: it does not skip.

Exit status 0 when everything passes; one summary line at the end.
"""

import copy
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True     # leave no __pycache__ in the repository

import canonical  # noqa: E402
import ed25519  # noqa: E402
import records  # noqa: E402
import stv  # noqa: E402
import tally as tally_mod  # noqa: E402
import verify_report  # noqa: E402
from fold import Fold, choice_problem  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RECORD_VECTORS = os.path.join(ROOT, "tests", "vectors")
SIG_VECTORS = os.path.join(ROOT, "crates", "sangam-model", "tests", "vectors")

failures = []
counts = {}


def check(group, cond, what):
    counts[group] = counts.get(group, 0) + 1
    if not cond:
        failures.append("%s: %s" % (group, what))
        print("FAIL %s: %s" % (group, what))


# --- (a) record vectors -------------------------------------------------------------

def test_record_vectors():
    files = sorted(glob.glob(os.path.join(RECORD_VECTORS, "*.json")))
    check("record vectors", bool(files), "no vector files in %s" % RECORD_VECTORS)
    valid_ids = set()
    cited = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            vectors = json.load(f)
        for v in vectors:
            try:
                rec = records.check_record(v["record"].encode("utf-8"))
                got = (True, None)
            except records.RecordError as exc:
                rec = None
                got = (False, exc.cls)
            want = (v["valid"], v.get("error"))
            check("record vectors", got == want,
                  "%s: %s, expected %s" % (v["name"], got, want))
            if rec is not None:
                valid_ids.add(rec.id)
                check("record vectors", canonical.dumps(json.loads(v["record"])) == v["record"],
                      "%s: canonical form is not the record text" % v["name"])
                cited.append((v["name"], rec))
    for name, rec in cited:
        for i in ([rec.coop] if rec.coop else []) + rec.deps:
            check("record vector ids", i in valid_ids,
                  "%s cites %s, the id of no valid vector" % (name, i))


# --- (b) signature vectors ----------------------------------------------------------

# RFC 8032 section 7.1 (secret key, public key, message, signature), hex.
RFC8032 = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1"
     "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a"
     "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10"
     "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d"
     "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b"
     "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
     "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d"
     "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7"
     "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09"
     "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161"
     "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca"
     "c60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"),
    ("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]

# "The edge cases of ed25519-speccheck": the cases Sangam accepts; all others refused.
SPECCHECK_ACCEPTED = {3, 4, 5}


def test_signature_vectors():
    for sk, pk, msg, sig in RFC8032:
        seed, pub, m, s = (bytes.fromhex(x) for x in (sk, pk, msg, sig))
        check("rfc8032", ed25519.public_key(seed) == pub, "public key of %s" % sk[:8])
        check("rfc8032", ed25519.sign(seed, m) == s, "signature of %s" % sk[:8])
        check("rfc8032", ed25519.verify_strict(pub, m, s), "verify %s" % sk[:8])
        bad = bytearray(s)
        bad[0] ^= 1
        check("rfc8032", not ed25519.verify_strict(pub, m, bytes(bad)), "flipped %s" % sk[:8])

    with open(os.path.join(SIG_VECTORS, "wycheproof_ed25519_test.json"), encoding="utf-8") as f:
        wp = json.load(f)
    n = 0
    for group in wp["testGroups"]:
        pub = bytes.fromhex(group["publicKey"]["pk"])
        for t in group["tests"]:
            n += 1
            ok = ed25519.verify_strict(pub, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]))
            check("wycheproof", ok == (t["result"] == "valid"),
                  "tcId %d (%s): verified=%s, published %s" % (t["tcId"], t["comment"], ok,
                                                               t["result"]))
    check("wycheproof", n == 151 == wp["numberOfTests"], "expected 151 vectors, found %d" % n)

    with open(os.path.join(SIG_VECTORS, "ed25519_speccheck_cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    check("speccheck", len(cases) == 12, "expected 12 cases")
    for i, c in enumerate(cases):
        ok = ed25519.verify_strict(bytes.fromhex(c["pub_key"]), bytes.fromhex(c["message"]),
                                   bytes.fromhex(c["signature"]))
        check("speccheck", ok == (i in SPECCHECK_ACCEPTED),
              "case %d: verified=%s, the spec's table says %s"
              % (i, ok, "accepted" if i in SPECCHECK_ACCEPTED else "refused"))

    # The small-order key with the identity signature verifies under the plain
    # equation and must be refused (rule 3).
    one = (1).to_bytes(32, "little")
    check("strict rules", not ed25519.verify_strict(one, b"x", one + bytes(32)),
          "small-order key with the identity signature")
    # Non-canonical y (y = p + 1, a valid y after reduction) is refused by rule 2.
    noncanon = (ed25519.P + 1).to_bytes(32, "little")
    check("strict rules", ed25519.decode_point(noncanon) is None, "y >= p decodes")
    # S = l is refused by rule 1.
    seed = bytes(range(32))
    pub = ed25519.public_key(seed)
    s = ed25519.sign(seed, b"m")
    s_plus_l = s[:32] + (int.from_bytes(s[32:], "little") + ed25519.L).to_bytes(32, "little")
    check("strict rules", not ed25519.verify_strict(pub, b"m", s_plus_l), "S + l accepted")
    check("strict rules", ed25519.verify_strict(pub, b"m", s), "own signature refused")


# --- (c) counting unit cases --------------------------------------------------------

class FakeBallot:
    def __init__(self, author, choice, seq=1, id_=None):
        self.author = author
        self.body = {"choice": choice, "seq": seq}
        self.id = id_ or hashlib.sha256(("%s%s%s" % (author, choice, seq)).encode()).hexdigest()
        self.kind = "ballot"


class FakeProp:
    def __init__(self, method, options=(), num=1, den=2, consent_blocks=True, seats=None,
                 id_="5a" * 32):
        self.method = method
        self.options = list(options)
        self.num, self.den = num, den
        self.consent_blocks = consent_blocks
        self.seats = seats
        self.id = id_


def test_counting():
    def rk(*opts):
        return FakeBallot(str(opts), {"rank": list(opts)})
    # Ranked: a tie for the least in round 2, broken by round 1 (C leaves, not B,
    # although B is listed last of the two).
    ballots = [(rk("A"), 7), (rk("B"), 5), (rk("C", "B"), 4), (rk("D", "C"), 1)]
    counts, rounds, outcome = tally_mod.instant_runoff(["A", "C", "B", "D"], ballots)
    check("counting", counts == {"A": 7, "C": 4, "B": 5, "D": 1}, "ranked counts %r" % counts)
    check("counting", rounds == [{"A": 7, "C": 4, "B": 5, "D": 1}, {"A": 7, "C": 5, "B": 5},
                                 {"A": 7, "B": 9}], "ranked rounds %r" % rounds)
    check("counting", outcome == "B", "ranked look-back outcome %r" % outcome)
    # Ranked: a tie for the least in round 1: the option listed last leaves.
    ballots = [(rk("X"), 2), (rk("Y"), 1), (rk("Z", "X"), 1)]
    _, rounds, outcome = tally_mod.instant_runoff(["X", "Z", "Y"], ballots)
    check("counting", rounds[1] == {"X": 2, "Z": 1} and outcome == "X",
          "ranked first-round tie %r %r" % (rounds, outcome))
    # Ranked: every option level -> tie; nothing ranked -> failed.
    _, _, outcome = tally_mod.instant_runoff(["X", "Y"], [(rk("X"), 1), (rk("Y"), 1)])
    check("counting", outcome == "tie", "ranked tie %r" % outcome)
    _, rounds, outcome = tally_mod.instant_runoff(
        ["X", "Y"], [(FakeBallot("a", {"vote": "abstain"}), 1)])
    check("counting", outcome == "failed" and rounds == [{"X": 0, "Y": 0}], "ranked failed")
    # yes_no: the threshold, ties, nothing but abstentions.
    def yn(*votes, num=2, den=3):
        bs = [(FakeBallot(str(i), {"vote": v}), 1) for i, v in enumerate(votes)]
        return tally_mod.count_method(FakeProp("yes_no", num=num, den=den), bs)
    check("counting", yn("yes", "yes", "no")[2] == "passed", "2 of 3 at 2/3")
    check("counting", yn("yes", "no")[2] == "tie", "yes_no tie")
    check("counting", yn("yes", "yes", "no", num=3, den=4)[2] == "failed", "2 of 3 at 3/4")
    check("counting", yn("abstain")[2] == "failed", "only abstentions")
    check("counting", yn("yes", "abstain")[0] == {"yes": 1, "no": 0, "abstain": 1}, "counts")
    # consent: a block fails with consent_blocks, counts for nothing without.
    cs = [(FakeBallot("a", {"vote": "agree"}), 2), (FakeBallot("b", {"vote": "block"}), 1)]
    check("counting", tally_mod.count_method(FakeProp("consent"), cs)[2] == "failed", "block")
    check("counting", tally_mod.count_method(FakeProp("consent", consent_blocks=False), cs)[2]
          == "passed", "block without consent_blocks")
    # choice / approval / score
    opts = ["Oak", "Pine"]
    ch = [(FakeBallot("a", {"option": "Oak"}), 2), (FakeBallot("b", {"option": "Pine"}), 1)]
    check("counting", tally_mod.count_method(FakeProp("choice", opts), ch)[2] == "Oak", "choice")
    ap = [(FakeBallot("a", {"approve": ["Oak", "Pine"]}), 1),
          (FakeBallot("b", {"approve": ["Pine"]}), 1)]
    check("counting", tally_mod.count_method(FakeProp("approval", opts), ap)[2] == "Pine",
          "approval")
    sc = [(FakeBallot("a", {"scores": {"Oak": 5, "Pine": 2}}), 1),
          (FakeBallot("b", {"scores": {"Pine": 3}}), 1)]
    r = tally_mod.count_method(FakeProp("score", opts), sc)
    check("counting", r[0] == {"Oak": 5, "Pine": 5} and r[2] == "tie", "score tie %r" % (r,))
    r = tally_mod.count_method(FakeProp("score", opts), [(FakeBallot("a", {"scores": {}}), 1)])
    check("counting", r[2] == "failed", "score all zero")
    # canonical JSON key order: UTF-16 code units, not code points
    check("canonical", canonical.dumps({"\ufb01": 1, "\U0001F600": 2}) ==
          '{"\U0001F600":2,"\ufb01":1}', "UTF-16 key order")
    check("canonical", canonical.dumps(["\x1f\b/\x7f\u00e9"]) == '["\\u001f\\b/\x7f\u00e9"]',
          "string escapes")


# --- (c) synthetic co-ops and reports -----------------------------------------------

class Key:
    def __init__(self, label):
        self.label = label
        self.seed = hashlib.sha256(("sangam selftest " + label).encode()).digest()
        self.pub = ed25519.public_key(self.seed).hex()


class Log:
    """One co-op's records as an app would hold them."""

    def __init__(self):
        self.recs = {}
        self.cited = set()
        self.coop = ""

    def heads(self):
        return sorted(i for i in self.recs if i not in self.cited)

    def add(self, key, kind, body, at, deps=None):
        if deps is None:
            deps = self.heads()
        env = {"at": at, "author": key.pub, "body": body,
               "coop": "" if kind == "coop.genesis" else self.coop,
               "deps": sorted(deps), "kind": kind, "v": 2}
        env["sig"] = sign_record(key, env)
        rec = records.check_record(canonical.dumps_bytes(env))
        self.recs[rec.id] = rec
        self.cited.update(deps)
        if kind == "coop.genesis":
            self.coop = rec.id
        return rec.id


def sign_record(key, env):
    unsigned = {k: v for k, v in env.items() if k != "sig"}
    return ed25519.sign(key.seed, ed25519.domain(records.RECORD_TAG,
                                                canonical.dumps_bytes(unsigned))).hex()


OWN_KINDS = ("ballot", "proxy.grant", "proxy.revoke", "proposal.close", "proposal.withdraw")


def report_records(log, pid):
    """"Which records": the own records and their causal past."""
    own = [i for i, r in log.recs.items()
           if i == pid or (r.kind in OWN_KINDS and r.body["proposal"] == pid)]
    keep = set()
    stack = list(own)
    while stack:
        i = stack.pop()
        if i not in keep:
            keep.add(i)
            stack.extend(log.recs[i].deps)
    return sorted(keep)


def make_report(log, pid, exporter, exported_at=10 ** 12):
    ids = report_records(log, pid)
    wires = [log.recs[i].wire.decode("utf-8") for i in ids]
    fresh = [records.check_record(w.encode("utf-8")) for w in wires]
    fold = Fold(fresh, log.coop)
    open_rec = fold.by_id[pid]
    view = fold.context_view(open_rec)
    electorate = [{"admitted_by": view.members[k][2], "member": k}
                  for k in open_rec.body["electorate"]]
    t, _ = fold.tally(pid)
    cited = set()
    for r in fresh:
        cited.update(r.deps)
    doc = {"format": "sangam/report/1", "coop": log.coop, "proposal": pid, "records": wires,
           "electorate": electorate, "tally": t,
           "heads": {"document": [hashlib.sha256(b"doc head").hexdigest()],
                     "records": sorted(r.id for r in fresh if r.id not in cited)},
           "exported_at": exported_at, "exporter": exporter.pub}
    sign_report(doc, exporter)
    return doc


def sign_report(doc, key):
    unsigned = {k: v for k, v in doc.items() if k != "sig"}
    doc["sig"] = ed25519.sign(key.seed, ed25519.domain(verify_report.REPORT_TAG,
                                                      canonical.dumps_bytes(unsigned))).hex()


def to_bytes(doc):
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def verdict(data):
    try:
        v = verify_report.verify_bytes(data)
        return "verified", v
    except verify_report.Refusal as exc:
        return exc.cls, exc.reason


BYLAWS = {"admission": "any_member", "consent_blocks": True, "proxies_per_holder": 1,
          "voting": {"quorum_pct": 50, "threshold": {"den": 2, "num": 1}}}


def build_river():
    """A co-op with a yes_no proposal (proxies over the cap, a re-vote, a late
    ballot, an admit effect) and then a ranked proposal whose electorate includes
    the member the effect admitted (early close, with a proxy)."""
    k = {n: Key(n) for n in ("asha", "bo", "chen", "dev", "eve", "fay", "laptop", "phone")}
    log = Log()
    log.add(k["asha"], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": k["laptop"].pub,
             "founder_name": "Asha", "name": "River Bakery",
             "nonce": "00112233445566778899aabbccddeeff"}, 1000)
    for i, n in enumerate(("bo", "chen", "dev", "eve")):
        log.add(k["asha"], "member.admit", {"member": k[n].pub, "name": n.capitalize()},
                2000 + i)
    log.add(k["bo"], "member.update", {"name": "Bo Bakery"}, 3000)
    log.add(k["bo"], "device.add", {"device": k["phone"].pub, "name": "phone"}, 3100)
    log.add(k["chen"], "coop.settings", {"relay": "https://relay.example.org:3340"}, 3200)
    electorate = sorted(k[n].pub for n in ("asha", "bo", "chen", "dev", "eve"))
    p1 = log.add(k["asha"], "proposal.open",
                 {"closes_at": 100000, "electorate": electorate,
                  "effect": {"admit": {"member": k["fay"].pub, "name": "Fay"}},
                  "method": "yes_no", "options": [], "quorum_pct": 50,
                  "text": "Admit Fay, who bakes rye.",
                  "threshold": {"den": 3, "num": 2}, "title": "Admit Fay"}, 6000)
    ids = {"p1": p1}
    ids["asha_yes"] = log.add(k["asha"], "ballot",
                              {"choice": {"vote": "yes"}, "proposal": p1, "seq": 1}, 7000)
    ids["bo_no"] = log.add(k["bo"], "ballot",
                           {"choice": {"vote": "no"}, "proposal": p1, "seq": 1}, 7001)
    ids["chen_grant"] = log.add(k["chen"], "proxy.grant",
                                {"holder": k["asha"].pub, "proposal": p1, "seq": 1}, 7002)
    ids["dev_no"] = log.add(k["dev"], "ballot",
                            {"choice": {"vote": "no"}, "proposal": p1, "seq": 1}, 7003)
    ids["dev_yes"] = log.add(k["dev"], "ballot",
                             {"choice": {"vote": "yes"}, "proposal": p1, "seq": 2}, 7004)
    ids["eve_grant"] = log.add(k["eve"], "proxy.grant",
                               {"holder": k["asha"].pub, "proposal": p1, "seq": 1}, 7005)
    before_close = log.heads()
    # Eve's ballot, concurrent with the close (the close does not cite or name it).
    ids["eve_late"] = log.add(k["eve"], "ballot",
                              {"choice": {"vote": "no"}, "proposal": p1, "seq": 2}, 7006,
                              deps=before_close)
    ids["close1"] = log.add(k["bo"], "proposal.close",
                            {"ballots": sorted([ids["asha_yes"], ids["bo_no"], ids["dev_no"],
                                                ids["dev_yes"]]),
                             "proposal": p1,
                             "proxies": sorted([ids["chen_grant"], ids["eve_grant"]])},
                            200000, deps=before_close)
    # Ranked proposal, written after the close: Fay is in it.
    electorate2 = sorted(k[n].pub for n in ("asha", "bo", "chen", "dev", "eve", "fay"))
    opts = ["Oak", "Pine", "Elm", "Birch"]
    p2 = log.add(k["bo"], "proposal.open",
                 {"closes_at": 900000, "electorate": electorate2, "method": "ranked",
                  "options": opts, "quorum_pct": 50, "text": "Which wood for the new shelves?",
                  "threshold": {"den": 2, "num": 1}, "title": "Shelf wood"}, 210000)
    ids["p2"] = p2
    at = 211000
    for n, rank in (("asha", ["Oak", "Pine"]), ("bo", ["Pine", "Oak"]), ("chen", ["Elm", "Pine"]),
                    ("dev", ["Birch", "Pine"]), ("eve", ["Oak"])):
        ids["r_" + n] = log.add(k[n], "ballot",
                                {"choice": {"rank": rank}, "proposal": p2, "seq": 1}, at,
                                deps=[p2])
        at += 1
    ids["fay_grant"] = log.add(k["fay"], "proxy.grant",
                               {"holder": k["bo"].pub, "proposal": p2, "seq": 1}, at, deps=[p2])
    ids["close2"] = log.add(k["asha"], "proposal.close",
                            {"ballots": sorted(ids["r_" + n] for n in
                                               ("asha", "bo", "chen", "dev", "eve")),
                             "proposal": p2, "proxies": [ids["fay_grant"]]}, 220000)
    # A later, unrelated record (not in either report).
    log.add(k["fay"], "member.update", {"contact": "fay@example.org"}, 230000)
    return log, k, ids


def build_meadow():
    """A co-op whose bylaws need a proposal to admit: a consent proposal with an
    admit effect, then a yes_no proposal including the newcomer, and a withdrawn
    proposal."""
    k = {n: Key(n) for n in ("mira", "noor", "mdev")}
    log = Log()
    bylaws = {"admission": "proposal", "consent_blocks": True, "proxies_per_holder": 1,
              "voting": {"quorum_pct": 0, "threshold": {"den": 2, "num": 1}}}
    log.add(k["mira"], "coop.genesis",
            {"bylaws": bylaws, "currency": "HOURS", "device": k["mdev"].pub,
             "founder_name": "Mira", "name": "Meadow Tools",
             "nonce": "ffeeddccbbaa99887766554433221100"}, 1000)
    ids = {}
    ids["c1"] = log.add(k["mira"], "proposal.open",
                        {"closes_at": 5000, "electorate": [k["mira"].pub],
                         "effect": {"admit": {"member": k["noor"].pub, "name": "Noor"}},
                         "method": "consent", "options": [], "quorum_pct": 0, "text": "",
                         "threshold": {"den": 2, "num": 1}, "title": "Admit Noor"}, 2000)
    ids["c1_agree"] = log.add(k["mira"], "ballot",
                              {"choice": {"vote": "agree"}, "proposal": ids["c1"], "seq": 1}, 3000)
    ids["c1_close"] = log.add(k["mira"], "proposal.close",
                              {"ballots": [ids["c1_agree"]], "proposal": ids["c1"],
                               "proxies": []}, 6000)
    electorate = sorted([k["mira"].pub, k["noor"].pub])
    ids["y1"] = log.add(k["noor"], "proposal.open",
                        {"closes_at": 9000, "electorate": electorate, "method": "yes_no",
                         "options": [], "quorum_pct": 100, "text": "Buy a ladder.",
                         "threshold": {"den": 2, "num": 1}, "title": "Ladder"}, 7000)
    ids["y1_mira"] = log.add(k["mira"], "ballot",
                             {"choice": {"vote": "yes"}, "proposal": ids["y1"], "seq": 1}, 7100)
    ids["w1"] = log.add(k["mira"], "proposal.open",
                        {"closes_at": 99999, "electorate": electorate, "method": "choice",
                         "options": ["Red", "Blue"], "quorum_pct": 0, "text": "",
                         "threshold": {"den": 2, "num": 1}, "title": "Paint"}, 7200)
    ids["w1_withdraw"] = log.add(k["mira"], "proposal.withdraw", {"proposal": ids["w1"]}, 7300)
    return log, k, ids


def expect_verified(name, doc, **want):
    cls, v = verdict(to_bytes(doc))
    check("reports", cls == "verified", "%s: %s %s" % (name, cls, v if cls != "verified" else ""))
    if cls != "verified":
        return None
    for key, value in want.items():
        check("reports", v.tally[key] == value,
              "%s: tally %s is %r, expected %r" % (name, key, v.tally[key], value))
    return v


def expect_refused(name, data, cls):
    got, why = verdict(data)
    check("tamperings", got == cls, "%s: got %s (%s), expected %s" % (
        name, got, why if got != "verified" else "", cls))


def test_reports():
    log, k, ids = build_river()
    r1 = make_report(log, ids["p1"], k["bo"])
    # Hand-computed: counted Asha yes, Bo no, Dev yes (seq 2). Chen's and Eve's grants
    # both stand for Asha; the cap of 1 keeps the lower id. yes = 2 + 1, no = 1,
    # 3 x 3 >= 2 x 4: passed. Eve's unnamed ballot is late.
    grants = sorted([ids["chen_grant"], ids["eve_grant"]])
    v1 = expect_verified("river yes_no", r1, status="closed", outcome="passed",
                         counts={"yes": 3, "no": 1, "abstain": 0}, rounds=[],
                         electorate_size=5, ballots_counted=3, represented=1,
                         quorum_met=True,
                         counted=sorted([ids["asha_yes"], ids["bo_no"], ids["dev_yes"]]),
                         proxies=[grants[0]], late=[ids["eve_late"]], closes=[ids["close1"]],
                         contested=[])
    r2 = make_report(log, ids["p2"], k["asha"])
    # Round 1: Oak 2, Pine 2 (Bo with Fay's proxy), Elm 1, Birch 1: Elm and Birch
    # share the least, Birch is listed last and leaves. Round 2: Oak 2, Pine 3,
    # Elm 1: Elm leaves. Round 3: Oak 2, Pine 4: Pine wins.
    v2 = expect_verified("river ranked", r2, status="closed", outcome="Pine",
                         counts={"Oak": 2, "Pine": 2, "Elm": 1, "Birch": 1},
                         rounds=[{"Oak": 2, "Pine": 2, "Elm": 1, "Birch": 1},
                                 {"Oak": 2, "Pine": 3, "Elm": 1}, {"Oak": 2, "Pine": 4}],
                         electorate_size=6, ballots_counted=5, represented=1,
                         proxies=[ids["fay_grant"]], late=[], contested=[])
    if v2 is not None:
        fay = [e for e in r2["electorate"] if e["member"] == k["fay"].pub]
        check("reports", fay and fay[0]["admitted_by"] == ids["close1"],
              "Fay is admitted by the close of the admit proposal")
        check("reports", len(r2["records"]) > len(r1["records"]), "the ranked report holds more")

    mlog, mk, mids = build_meadow()
    expect_verified("meadow consent with admit effect", make_report(mlog, mids["c1"], mk["mira"]),
                    status="closed", outcome="passed",
                    counts={"agree": 1, "abstain": 0, "disagree": 0, "block": 0})
    y1 = make_report(mlog, mids["y1"], mk["noor"])
    expect_verified("meadow provisional", y1, status="provisional", outcome="no_quorum",
                    quorum_met=False, ballots_counted=1, closes=[], late=[])
    check("reports", [e["admitted_by"] for e in y1["electorate"]
                      if e["member"] == mk["noor"].pub] == [mids["c1_close"]],
          "Noor admitted by the consent close")
    expect_verified("meadow withdrawn", make_report(mlog, mids["w1"], mk["mira"]),
                    status="withdrawn", outcome="failed", counts={"Red": 0, "Blue": 0})

    # CLI contract
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "r1.json")
        with open(good, "wb") as f:
            f.write(to_bytes(r1))
        cli = os.path.join(HERE, "verify_report.py")
        p = subprocess.run([sys.executable, cli, good], capture_output=True, text=True)
        check("cli", p.returncode == 0 and p.stdout.splitlines()[0] == "verified",
              "verified report: rc %d, %r" % (p.returncode, p.stdout[:200]))
        check("cli", "report id: " in p.stdout, "summary prints the report id")
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "wb") as f:
            f.write(to_bytes(r1)[:-40])
        p = subprocess.run([sys.executable, cli, bad], capture_output=True, text=True)
        check("cli", p.returncode == 1 and p.stdout.startswith("refused malformed: "),
              "truncated: rc %d %r" % (p.returncode, p.stdout[:200]))
        big = os.path.join(tmp, "big.json")
        with open(big, "wb") as f:
            f.truncate(verify_report.MAX_REPORT + 1)          # sparse: no disk used
        p = subprocess.run([sys.executable, cli, big], capture_output=True, text=True)
        check("cli", p.returncode == 1 and p.stdout.startswith("refused too_large: "),
              "too large: rc %d %r" % (p.returncode, p.stdout[:200]))
        p = subprocess.run([sys.executable, cli, os.path.join(tmp, "missing.json")],
                           capture_output=True, text=True)
        check("cli", p.returncode == 2 and p.stdout == "", "missing file: rc %d" % p.returncode)
        p = subprocess.run([sys.executable, cli], capture_output=True, text=True)
        check("cli", p.returncode == 2, "no argument: rc %d" % p.returncode)

    tamperings(log, k, ids, r1, mlog)
    return log, k


def rec_index(doc, rid):
    for i, s in enumerate(doc["records"]):
        if records.check_record(s.encode()).id == rid:
            return i
    raise KeyError(rid)


def tamperings(log, k, ids, r1, mlog):
    data = to_bytes(r1)

    def variant(edit, resign=False):
        d = copy.deepcopy(r1)
        edit(d)
        if resign:
            sign_report(d, k["bo"])
        return to_bytes(d)

    # a named ballot removed
    expect_refused("named ballot removed",
                   variant(lambda d: d["records"].pop(rec_index(d, ids["dev_no"]))), "incomplete")
    # the late ballot removed (nothing cites it): the tally's late list is wrong
    expect_refused("late ballot removed",
                   variant(lambda d: d["records"].pop(rec_index(d, ids["eve_late"]))), "tally")
    # a choice changed, a signature bit flipped
    def change_choice(d):
        i = rec_index(d, ids["bo_no"])
        d["records"][i] = d["records"][i].replace('"vote":"no"', '"vote":"yes"')
    expect_refused("choice changed", variant(change_choice, resign=True), "bad_signature")

    def flip_sig(d):
        i = rec_index(d, ids["asha_yes"])
        s = d["records"][i]
        j = s.index('"sig":"') + 7
        d["records"][i] = s[:j] + ("1" if s[j] == "0" else "0") + s[j + 1:]
    expect_refused("record signature bit flipped", variant(flip_sig), "bad_signature")
    # a record re-encoded with whitespace
    def spaces(d):
        d["records"][0] = d["records"][0].replace('","', '", "', 1)
    expect_refused("record not canonical", variant(spaces), "bad_record")
    # the tally edited (also when the exporter re-signs it)
    def more_yes(d):
        d["tally"]["counts"]["yes"] += 1
    expect_refused("tally edited", variant(more_yes), "tally")
    expect_refused("tally edited and re-signed", variant(more_yes, resign=True), "tally")
    expect_refused("status edited", variant(lambda d: d["tally"].update(status="provisional")),
                   "tally")
    expect_refused("late list emptied", variant(lambda d: d["tally"].update(late=[])), "tally")
    expect_refused("quorum_met as 1", variant(lambda d: d["tally"].update(quorum_met=1)),
                   "malformed")
    # the electorate padded, or an admitted_by changed
    expect_refused("electorate padded", variant(lambda d: d["electorate"].append(
        {"admitted_by": ids["p1"], "member": k["fay"].pub})), "electorate")

    def wrong_admitted_by(d):
        d["electorate"][0]["admitted_by"] = ids["p1"]
    expect_refused("admitted_by changed", variant(wrong_admitted_by), "electorate")
    expect_refused("electorate reordered", variant(lambda d: d["electorate"].reverse()),
                   "electorate")
    # the exporter's signature stripped, null, wrong, or not covering a change
    expect_refused("sig stripped", variant(lambda d: d.pop("sig")), "unsigned")
    expect_refused("sig null", variant(lambda d: d.update(sig=None)), "unsigned")
    expect_refused("exported_at changed", variant(lambda d: d.update(exported_at=5)),
                   "bad_report_signature")
    expect_refused("exporter swapped", variant(lambda d: d.update(exporter=k["asha"].pub)),
                   "bad_report_signature")
    expect_refused("small-order exporter", variant(
        lambda d: d.update(exporter="01" + "00" * 31), resign=False), "bad_report_signature")
    # truncated JSON, repeated member, float, format
    expect_refused("truncated", data[: len(data) // 2], "malformed")
    expect_refused("repeated member", data.replace(b'"format"', b'"exported_at": 1, "format"', 1),
                   "malformed")
    expect_refused("float number", data.replace(b'"exported_at": %d' % r1["exported_at"],
                                                b'"exported_at": 1.5', 1), "malformed")
    expect_refused("extra member", variant(lambda d: d.update(note="hi")), "malformed")
    expect_refused("format", variant(lambda d: d.update(format="sangam/report/2")),
                   "unsupported_format")
    # a duplicate record
    expect_refused("duplicate record", variant(lambda d: d["records"].append(d["records"][3])),
                   "duplicate_record")
    # a record from another co-op: its genesis, and one of its records
    other_genesis = next(r for r in mlog.recs.values() if r.kind == "coop.genesis")
    other = next(r for r in mlog.recs.values() if r.kind == "ballot")
    expect_refused("another co-op's genesis", variant(
        lambda d: d["records"].append(other_genesis.wire.decode())), "wrong_coop")
    expect_refused("another co-op's record", variant(
        lambda d: d["records"].insert(2, other.wire.decode())), "wrong_coop")
    expect_refused("report's coop changed", variant(lambda d: d.update(coop=mlog.coop)),
                   "wrong_coop")
    # the proposal id pointing at a ballot
    expect_refused("proposal is a ballot", variant(lambda d: d.update(proposal=ids["asha_yes"])),
                   "no_proposal")
    # a record that nothing of this proposal depends on
    bo = k["bo"]
    extra = Log()
    extra.coop = log.coop
    extra.recs = dict(log.recs)
    heads_now = sorted(set(r1["heads"]["records"]))
    uid = extra.add(bo, "member.update", {"contact": "bo@example.org"}, 300000, deps=heads_now)
    expect_refused("unrelated record", variant(
        lambda d: d["records"].append(extra.recs[uid].wire.decode())), "unrelated_record")
    # heads edited
    expect_refused("heads edited", variant(lambda d: d["heads"]["records"].pop()), "heads")
    # a record of the ranked proposal's past missing from its report
    # (covered above by "named ballot removed"); a proposal refused where written:
    rk = {n: Key(n) for n in ("asha", "bo")}
    bad = Log()
    bad.add(rk["asha"], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": Key("d").pub, "founder_name": "Asha",
             "name": "Bad", "nonce": "0" * 32}, 1)
    bad.add(rk["asha"], "member.admit", {"member": rk["bo"].pub, "name": "Bo"}, 2)
    pid = bad.add(rk["asha"], "proposal.open",
                  {"closes_at": 10, "electorate": [rk["asha"].pub], "method": "yes_no",
                   "options": [], "quorum_pct": 50, "text": "", "threshold": {"den": 2, "num": 1},
                   "title": "Leaves Bo out"}, 3)
    ids_bad = report_records(bad, pid)
    doc = {"format": "sangam/report/1", "coop": bad.coop, "proposal": pid,
           "records": [bad.recs[i].wire.decode() for i in ids_bad],
           "electorate": [{"admitted_by": bad.coop, "member": rk["asha"].pub}],
           "tally": dict(r1["tally"]), "heads": {"document": [], "records": [pid]},
           "exported_at": 1, "exporter": rk["asha"].pub}
    sign_report(doc, rk["asha"])
    expect_refused("proposal refused where written", to_bytes(doc), "refused_proposal")
    # a report whose own close names a ballot of another proposal it does not hold
    # is incomplete; a ballot of the ranked proposal in the yes_no report needs its
    # proposal too:
    expect_refused("foreign ballot without its past", variant(
        lambda d: d["records"].append(log.recs[ids["r_asha"]].wire.decode())), "incomplete")


def test_concurrent_closes():
    """Two concurrent closes that name different ballots: the union counts, the
    difference is contested, and an admit effect that passes in one close's
    context but fails in the final state ("Effects"); two concurrent admissions of
    one key (one is void)."""
    k = {n: Key(n) for n in ("asha", "bo", "chen", "zed", "yan", "fdev")}
    log = Log()
    bylaws = {"admission": "any_member", "consent_blocks": True, "proxies_per_holder": 1,
              "voting": {"quorum_pct": 0, "threshold": {"den": 2, "num": 1}}}
    log.add(k["asha"], "coop.genesis",
            {"bylaws": bylaws, "currency": "EUR", "device": k["fdev"].pub, "founder_name": "Asha",
             "name": "Fork Farm", "nonce": "12" * 16}, 1)
    log.add(k["asha"], "member.admit", {"member": k["bo"].pub, "name": "Bo"}, 2)
    log.add(k["asha"], "member.admit", {"member": k["chen"].pub, "name": "Chen"}, 3)
    three = sorted(k[n].pub for n in ("asha", "bo", "chen"))
    p = log.add(k["asha"], "proposal.open",
                {"closes_at": 5000, "electorate": three,
                 "effect": {"admit": {"member": k["zed"].pub, "name": "Zed"}},
                 "method": "yes_no", "options": [], "quorum_pct": 0, "text": "",
                 "threshold": {"den": 2, "num": 1}, "title": "Admit Zed"}, 10)
    b1 = log.add(k["asha"], "ballot", {"choice": {"vote": "yes"}, "proposal": p, "seq": 1}, 11,
                 deps=[p])
    b2 = log.add(k["bo"], "ballot", {"choice": {"vote": "no"}, "proposal": p, "seq": 1}, 12,
                 deps=[p])
    b3 = log.add(k["chen"], "ballot", {"choice": {"vote": "no"}, "proposal": p, "seq": 1}, 13,
                 deps=[p])
    c1 = log.add(k["asha"], "proposal.close", {"ballots": [b1], "proposal": p, "proxies": []},
                 6000, deps=[b1])
    c2 = log.add(k["bo"], "proposal.close",
                 {"ballots": sorted([b1, b2, b3]), "proposal": p, "proxies": []}, 6000,
                 deps=sorted([b1, b2, b3]))
    # In c1's context the proposal passed and Zed was admitted.
    four = sorted(three + [k["zed"].pub])
    p2 = log.add(k["asha"], "proposal.open",
                 {"closes_at": 9000, "electorate": four, "method": "yes_no", "options": [],
                  "quorum_pct": 0, "text": "", "threshold": {"den": 2, "num": 1},
                  "title": "Zed's first vote"}, 7000, deps=[c1])
    log.add(k["zed"], "ballot", {"choice": {"vote": "yes"}, "proposal": p2, "seq": 1}, 7100,
            deps=[p2])
    # Two concurrent admissions of Yan after c2 only.
    a1 = log.add(k["bo"], "member.admit", {"member": k["yan"].pub, "name": "Yan"}, 8000, deps=[c2])
    a2 = log.add(k["chen"], "member.admit", {"member": k["yan"].pub, "name": "Yan C"}, 8000,
                 deps=[c2])
    first_admit = min(a1, a2)          # same depth: the lower id is first in order
    with_yan = sorted(three + [k["yan"].pub])
    p3 = log.add(k["bo"], "proposal.open",
                 {"closes_at": 9000, "electorate": with_yan, "method": "yes_no", "options": [],
                  "quorum_pct": 0, "text": "", "threshold": {"den": 2, "num": 1},
                  "title": "After both admits"}, 8100, deps=sorted([a1, a2]))
    # A proposal that sees both closes: Zed is not a member there.
    p4 = log.add(k["chen"], "proposal.open",
                 {"closes_at": 9000, "electorate": three, "method": "yes_no", "options": [],
                  "quorum_pct": 0, "text": "", "threshold": {"den": 2, "num": 1},
                  "title": "Both closes seen"}, 8200, deps=sorted([c1, c2]))

    expect_verified("concurrent closes", make_report(log, p, k["bo"]), status="closed",
                    outcome="failed", closes=sorted([c1, c2]), contested=sorted([b2, b3]),
                    counted=sorted([b1, b2, b3]), counts={"yes": 1, "no": 2, "abstain": 0})
    r2 = make_report(log, p2, k["zed"])
    expect_verified("effect seen in one close's context", r2, ballots_counted=1,
                    outcome="passed", status="provisional")
    check("reports", [e["admitted_by"] for e in r2["electorate"]
                      if e["member"] == k["zed"].pub] == [c1], "Zed admitted by c1")
    r3 = make_report(log, p3, k["bo"])
    expect_verified("concurrent admissions", r3, status="provisional")
    check("reports", [e["admitted_by"] for e in r3["electorate"]
                      if e["member"] == k["yan"].pub] == [first_admit],
          "Yan admitted by the first admission in order")
    expect_verified("both closes seen", make_report(log, p4, k["chen"]), status="provisional")
    # The same proposal claiming Zed as an elector is refused where written.
    bad = Log()
    bad.coop, bad.recs = log.coop, dict(log.recs)
    p5 = bad.add(k["chen"], "proposal.open",
                 {"closes_at": 9000, "electorate": four, "method": "yes_no", "options": [],
                  "quorum_pct": 0, "text": "", "threshold": {"den": 2, "num": 1},
                  "title": "Zed claimed"}, 8300, deps=sorted([c1, c2]))
    doc = make_report_unchecked(bad, p5, k["chen"])
    expect_refused("electorate with a member void in the final state", to_bytes(doc),
                   "refused_proposal")


def make_report_unchecked(log, pid, exporter):
    """A signed report whose electorate and tally are placeholders."""
    ids = report_records(log, pid)
    doc = {"format": "sangam/report/1", "coop": log.coop, "proposal": pid,
           "records": [log.recs[i].wire.decode() for i in ids], "electorate": [],
           "tally": {"status": "provisional", "outcome": "failed", "counts": {}, "rounds": [],
                     "electorate_size": 0, "ballots_counted": 0, "represented": 0,
                     "quorum_met": False, "counted": [], "proxies": [], "late": [],
                     "closes": [], "contested": []},
           "heads": {"document": [], "records": []}, "exported_at": 0,
           "exporter": exporter.pub}
    sign_report(doc, exporter)
    return doc


def test_vector_report():
    """A report built from the records of tests/vectors/ (signed by Sangam), with an
    exporter key of our own (not a member), and with the torsion-component copy of
    the ballot in place of the plain one (same id)."""
    with open(os.path.join(RECORD_VECTORS, "records.json"), encoding="utf-8") as f:
        vectors = [v for v in json.load(f) if v["valid"]]
    by_name = {v["name"]: v["record"] for v in vectors}
    parsed = {n: records.check_record(w.encode()) for n, w in by_name.items()}
    log = Log()
    for n, r in parsed.items():
        if n.startswith("ballot whose signature"):
            continue
        log.recs[r.id] = r
        log.cited.update(r.deps)
    log.coop = parsed["genesis"].id
    pid = parsed["proposal.open"].id
    exporter = Key("outside auditor")
    doc = make_report(log, pid, exporter)
    check("vector report", len(doc["records"]) == 7, "7 records (the remove and the leave "
          "are not in the past of the proposal's records): %d" % len(doc["records"]))
    v = expect_verified("report of the vector records", doc, status="closed", outcome="passed",
                        counts={"yes": 1, "no": 0, "abstain": 0}, quorum_met=True,
                        counted=[parsed["ballot"].id], closes=[parsed["proposal.close"].id])
    if v is not None:
        check("vector report", any("not a current member" in line for line in
                                   verify_report.summary(v)),
              "the summary says the exporter is not a member")
    torsion = by_name["ballot whose signature has a torsion component (only the cofactored "
                      "equation holds)"]
    swapped = copy.deepcopy(doc)
    swapped["records"] = [torsion if w == by_name["ballot"] else w for w in doc["records"]]
    sign_report(swapped, exporter)
    expect_verified("torsion copy of the ballot", swapped, outcome="passed")
    both = copy.deepcopy(doc)
    both["records"].append(torsion)
    sign_report(both, exporter)
    expect_refused("both copies of the ballot", to_bytes(both), "duplicate_record")
    # the member.remove of tests/vectors/ is not in the proposal's past
    extra = copy.deepcopy(doc)
    extra["records"].append(by_name["member.remove"])
    expect_refused("the vectors' removal added", to_bytes(extra), "unrelated_record")


def test_performance(timings):
    """A co-op of 80 members whose device keys are bound concurrently, and a yes_no
    proposal with concurrent ballots, re-votes and proxies: over 300 records in its
    report, with many concurrent authority records (views folded from scratch)."""
    n = 80
    members = [Key("m%d" % i) for i in range(n)]
    log = Log()
    log.add(members[0], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": Key("dev0").pub,
             "founder_name": "Founder", "name": "Big Co-op", "nonce": "ab" * 16}, 1)
    at = 10
    for i, m in enumerate(members[1:], 1):
        log.add(members[0], "member.admit", {"member": m.pub, "name": "Member %d" % i}, at)
        at += 1
    last_admit = log.heads()
    for i, m in enumerate(members[1:], 1):
        log.add(m, "device.add", {"device": Key("dev%d" % i).pub, "name": "laptop"}, at,
                deps=last_admit)
        at += 1
    electorate = sorted(m.pub for m in members)
    pid = log.add(members[0], "proposal.open",
                  {"closes_at": 10 ** 6, "electorate": electorate, "method": "yes_no",
                   "options": [], "quorum_pct": 50, "text": "Big question.",
                   "threshold": {"den": 2, "num": 1}, "title": "Big question"}, at)
    want_yes = want_no = 0
    for i, m in enumerate(members):
        if i % 10 == 9:          # grants to the member before, who votes: kept (cap 1)
            log.add(m, "proxy.grant", {"holder": members[i - 1].pub, "proposal": pid, "seq": 1},
                    at + i, deps=[pid])
            continue
        first = log.add(m, "ballot", {"choice": {"vote": "no"}, "proposal": pid, "seq": 1},
                        at + i, deps=[pid])
        final = "yes" if i % 3 else "no"
        log.add(m, "ballot", {"choice": {"vote": final}, "proposal": pid, "seq": 2},
                at + 100 + i, deps=[first])
        weight = 2 if i % 10 == 8 else 1
        if final == "yes":
            want_yes += weight
        else:
            want_no += weight
    named = [i for i, r in log.recs.items() if r.kind == "ballot"]
    proxies = [i for i, r in log.recs.items() if r.kind == "proxy.grant"]
    log.add(members[1], "proposal.close", {"ballots": sorted(named), "proposal": pid,
                                           "proxies": sorted(proxies)}, 2 * 10 ** 6)
    for i, m in enumerate(members[:40]):          # later records: not in the report
        log.add(m, "member.update", {"contact": "member%d@example.org" % i}, 3 * 10 ** 6 + i)
    doc = make_report(log, pid, members[1])
    data = to_bytes(doc)
    t0 = time.perf_counter()
    cls, v = verdict(data)
    elapsed = time.perf_counter() - t0
    check("performance", cls == "verified", "big report: %s %s" % (cls, v if cls != "verified" else ""))
    if cls == "verified":
        check("performance", v.tally["counts"] == {"yes": want_yes, "no": want_no, "abstain": 0}
              and v.tally["represented"] == n // 10 and v.tally["outcome"] == "passed",
              "big report tally %r" % (v.tally["counts"],))
    timings.append((len(doc["records"]), elapsed))
    check("performance", elapsed < 10, "verifying %d records took %.1f s"
          % (len(doc["records"]), elapsed))


# --- (d) elections ------------------------------------------------------------------

ELECTIONS = os.environ.get("SANGAM_ELECTIONS") or os.path.join(HERE, "..", "..", "..",
                                                                 "shared", "elections")
_BLT_TOKEN = re.compile(r'"([^"]*)"|\[([^\]]*)\]|#[^\n]*|([^\s"\[]+)')


def read_blt(text):
    """A ballot file (the BLT format STV counters share): (stv.Election, the order of
    its `[tie ...]` option or None). Read: `-n` and `[withdrawn n ...]` withdrawals,
    ballot ids in parentheses, and nothing after the title (some published files end
    with their counter's notes)."""
    tokens = []
    for m in _BLT_TOKEN.finditer(text.lstrip("\ufeff")):
        if m.group(1) is not None:
            tokens.append(("text", m.group(1)))
        elif m.group(2) is not None:
            tokens.append(("option", m.group(2)))
        elif m.group(3) is not None:
            tokens.append(("word", m.group(3)))
    it = iter(tokens)
    n, seats = int(next(it)[1]), int(next(it)[1])
    withdrawn, tie_order, ballots = set(), None, []
    for kind, tok in it:
        if kind == "option":
            name, *numbers = tok.split()
            numbers = [int(x) - 1 for x in numbers]
            if name == "withdrawn":
                withdrawn.update(numbers)
            elif name == "tie":
                tie_order = numbers
            else:
                raise ValueError("unknown option [%s]" % tok)
        elif tok.startswith("-"):
            withdrawn.add(int(tok[1:]) - 1)
        elif not tok.startswith("("):
            weight = int(tok)
            if weight == 0:
                break
            ranking = []
            for _, c in it:
                if int(c) == 0:
                    break
                ranking.append(int(c) - 1)
            ballots.append((weight, ranking))
    names = []
    for kind, tok in it:
        if kind != "text":
            raise ValueError("expected a candidate's name, found %r" % tok)
        names.append(tok)
        if len(names) == n:
            break
    return stv.Election(names, seats, ballots, withdrawn), tie_order


def ballot_file(name):
    for sub in ("glasgow-2007", "droop-misc"):
        path = os.path.join(ELECTIONS, sub, name + ".blt")
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return read_blt(f.read().decode("utf-8", "replace"))
    raise FileNotFoundError("no ballot file for %s in %s" % (name, ELECTIONS))


def expected(name):
    with open(os.path.join(ELECTIONS, "expected", name), encoding="utf-8") as f:
        return json.load(f)


def collapse(name):
    return " ".join(name.split())


def elected_names(election, counted):
    return sorted(collapse(election.candidates[c]) for c in counted["elected"])


def test_published_elections():
    """docs/protocol.md: "These rules were checked against published elections"."""
    if not os.path.isfile(os.path.join(ELECTIONS, "README.md")):
        check("published elections", False,
              "the published test elections are not at %s (set SANGAM_ELECTIONS to their "
              "folder); an election count cannot be trusted without them"
              % os.path.abspath(ELECTIONS))
        return
    scottish_reference()
    meek_reference()
    glasgow_declared()


def scottish_reference():
    """Every stage of Droop's Scottish STV counts (5 places; Droop's zero-surplus
    stages dropped, as Sangam has none; null is 0). Ties: earlier stages, then the
    file's order."""
    elections = expected("droop-scotland.json")["elections"]
    check("scottish stv", len(elections) == 32, "32 reference counts: %d" % len(elections))
    stages_checked = 0
    for name, want in elections.items():
        election, tie_order = ballot_file(name)
        ties = stv.TieBreak.in_order(election.n, tie_order or (), look_back=True)
        counted = stv.count(election, "scottish", ties)
        check("scottish stv", counted["rounds"][0]["quota"] == want["quota"]
              and counted["ballots"] == want["nballots"],
              "%s: quota %s of %d papers, reference %s of %d" % (
                  name, counted["rounds"][0]["quota"], counted["ballots"], want["quota"],
                  want["nballots"]))
        stages = [r for r in counted["rounds"] if r["action"]["kind"] != "last_seats_filled"]
        check("scottish stv", len(stages) == len(want["stages"]),
              "%s: %d stages, reference %d" % (name, len(stages), len(want["stages"])))
        for i, (stage, figures) in enumerate(zip(stages, want["stages"]), 1):
            got = [v or "0.00000" for v in stage["votes"]]
            ref = [v or "0.00000" for v in figures]
            check("scottish stv", got == ref, "%s: stage %d (%s): %s, reference %s" % (
                name, i, stage["action"], got, ref))
            stages_checked += 1
        check("scottish stv", elected_names(election, counted) ==
              sorted(collapse(n) for n in want["elected"]), "%s: elected" % name)
    check("scottish stv", stages_checked > 200, "%d stages checked" % stages_checked)


def meek_reference():
    """Every round of Droop's reference Meek counts: quota, votes and keep factors to
    9 places at each round's decision. Ties: the file's order, no looking back."""
    elections = expected("droop-meek-prf.json")["elections"]
    check("meek stv", len(elections) == 9, "9 reference counts: %d" % len(elections))
    for name, want in elections.items():
        election, tie_order = ballot_file(name)
        ties = stv.TieBreak.in_order(election.n, tie_order or (), look_back=False)
        counted = stv.count(election, "meek", ties)
        rounds = [r for r in counted["rounds"] if r["action"]["kind"] != "last_seats_filled"]
        check("meek stv", len(rounds) == len(want["rounds"]),
              "%s: %d rounds, reference %d" % (name, len(rounds), len(want["rounds"])))
        for i, (r, ref) in enumerate(zip(rounds, want["rounds"]), 1):
            same = (r["quota"], r["votes"], r["keep"]) == (ref["quota"], ref["votes"], ref["kf"])
            check("meek stv", same and meek_action_agrees(election, r, ref["action"]),
                  "%s: round %d: %s quota %s votes %s keep %s; reference %s" % (
                      name, i, r["action"], r["quota"], r["votes"], r["keep"], ref))
        check("meek stv", elected_names(election, counted) ==
              sorted(collapse(n) for n in want["elected"]), "%s: elected" % name)


def meek_action_agrees(election, r, action):
    """The reference names one candidate a round ("Elect: C4", "Defeat (...): C9"),
    also when one iteration elected two: the one it names must be among ours."""
    verb, whom = action.rsplit(": ", 1)
    kind = r["action"]["kind"]
    if kind == "excluded":
        return verb.startswith("Defeat") and election.candidates[r["action"]["candidate"]] == whom
    return kind == "settled" and verb.startswith("Elect") and whom in [
        election.candidates[c] for c in r["elected"]]


def glasgow_declared():
    """The councillors Glasgow declared in 2007 (some wards only in part; one with the
    order the seats were filled)."""
    wards = expected("official-glasgow-2007.json")["wards"]
    check("glasgow 2007", len(wards) >= 7, "%d wards" % len(wards))
    for ward, declared in wards.items():
        election, tie_order = ballot_file(ward)
        counted = stv.count(election, "scottish",
                            stv.TieBreak.in_order(election.n, tie_order or (), look_back=True))
        got = elected_names(election, counted)
        names = [collapse(n) for n in declared["elected"]]
        check("glasgow 2007", all(n in got for n in names), "%s: declared %s, counted %s"
              % (ward, names, got))
        if declared.get("complete"):
            check("glasgow 2007", len(got) == len(names), "%s: all seats" % ward)
        order = [collapse(election.candidates[c]) for c in counted["elected"]]
        for who, seat in (declared.get("seat_order") or {}).items():
            check("glasgow 2007", collapse(who) in order and order.index(collapse(who)) + 1
                  == seat, "%s: %s's seat is %d; counted order %s" % (ward, who, seat, order))


def test_election_rules():
    """Hand-counted cases of "Counting an election" and Sangam's own tests' cases."""
    E, T = stv.Election, stv.TieBreak
    # Approval for 2 seats: Bala 5, Chitra 4, Asha 3, Devi 3: no tie at the last seat.
    papers = [(3, [0, 1]), (2, [1, 2]), (2, [2, 3]), (1, [3])]
    four = ["Asha", "Bala", "Chitra", "Devi"]
    counted = stv.count(E(four, 2, papers), "approval", T.in_order(4))
    check("election rules", counted["elected"] == [1, 2] and counted["ties"] == []
          and counted["rounds"][0]["votes"] == ["3", "5", "4", "3"]
          and counted["rounds"][0]["quota"] == "0", "approval %r" % counted)
    # One more for Asha: Asha and Chitra tie at 4 for the second seat; the lot has
    # Chitra first.
    counted = stv.count(E(four, 2, papers + [(1, [0])]), "approval",
                        T([2, 0, 1, 3], look_back=True))
    check("election rules", counted["elected"] == [1, 2] and counted["ties"] == [
        {"round": 1, "tie_for": "seat", "among": [0, 2], "chosen": 2, "by": {"by": "lot"}}],
        "approval tie %r" % counted["ties"])
    # Three seats, Asha 5, the others 3 each: two of the three tied are elected, each
    # listed as a tie the lot broke.
    counted = stv.count(E(four, 3, [(5, [0]), (3, [1, 2, 3])]), "approval",
                        T([3, 0, 1, 2], look_back=True))
    check("election rules", counted["elected"] == [0, 3, 1] and [
        (t["among"], t["chosen"]) for t in counted["ties"]] == [([1, 2, 3], 3), ([1, 2, 3], 1)],
        "approval: two seats to the lot %r" % counted)
    try:
        stv.count(E(four, 2, papers + [(1, [0, 1, 2])]), "approval", T.in_order(4))
        refused = None
    except stv.ElectionError as exc:
        refused = str(exc)
    check("election rules", refused == "ballot 5 approves 3 candidates, but at most 2 may be "
          "approved", "three approvals for two seats: %r" % refused)
    # Scottish, one seat, quota 6: A 5, B 3, C 2, D 1; D's paper goes to C; B and C tie
    # lowest at 3; at stage 1 C had fewer, so C goes although the lot has B first.
    papers = [(5, [0]), (3, [1]), (2, [2]), (1, [3, 2])]
    lot_b = [1, 2, 0, 3]
    counted = stv.count(E("ABCD", 1, papers), "scottish", T(lot_b, look_back=True))
    excluded = [r["action"]["candidate"] for r in counted["rounds"]
                if r["action"]["kind"] == "excluded"]
    check("election rules", excluded == [3, 2, 1] and counted["elected"] == [0]
          and counted["ties"] == [{"round": 3, "tie_for": "exclusion", "among": [1, 2],
                                   "chosen": 2, "by": {"by": "earlier_round", "round": 1}}],
          "look back %r %r" % (excluded, counted["ties"]))
    counted = stv.count(E("ABCD", 1, papers), "scottish", T(lot_b, look_back=False))
    check("election rules", counted["ties"][0]["chosen"] == 1
          and counted["ties"][0]["by"] == {"by": "lot"}, "no look back %r" % counted["ties"])
    # Two reach the quota in one stage: most votes first (Scottish), candidate order
    # (Meek). 10 papers, 2 seats, quota 4: A 4, B 5, C 1.
    papers = [(4, [0]), (5, [1]), (1, [2])]
    counted = stv.count(E("ABC", 2, papers), "scottish", T.in_order(3))
    check("election rules", counted["elected"] == [1, 0]
          and counted["rounds"][0]["elected"] == [1, 0] and len(counted["rounds"]) == 1,
          "scottish: most votes elected first %r" % counted)
    counted = stv.count(E("ABC", 2, papers), "meek", T.in_order(3))
    check("election rules", counted["elected"] == [0, 1]
          and counted["rounds"][0]["quota"] == "3.333333334", "meek: candidate order %r" % counted)
    # Sangam's report scenario: Asha [Oak, Elm] with a proxy (weight 2), Bo [Ash, Oak],
    # Cy [Elm, Ash]; two seats.
    def scenario(method):
        ballots = [(FakeBallot("asha", {"rank": ["Oak", "Elm"]}), 2),
                   (FakeBallot("bo", {"rank": ["Ash", "Oak"]}), 1),
                   (FakeBallot("cy", {"rank": ["Elm", "Ash"]}), 1),
                   (FakeBallot("dee", {"vote": "abstain"}), 1)]
        return tally_mod.count_method(FakeProp(method, ["Oak", "Elm", "Ash"], seats=2), ballots)
    counts, rounds, outcome, meek = scenario("stv")
    check("election rules", counts == {"Oak": 2, "Elm": 1, "Ash": 1} and rounds == []
          and outcome == "elected" and meek["ballots"] == 4 and meek["elected"] == [0, 1]
          and meek["rounds"][0]["quota"] == "1.333333334" and meek["ties"] == [],
          "meek scenario %r" % meek)
    _, _, outcome, scot = scenario("scottish_stv")
    check("election rules", outcome == "elected" and scot["elected"][0] == 0
          and len(scot["elected"]) == 2 and scot["rounds"][0]["quota"] == "2.00000"
          and len(scot["ties"]) == 1 and scot["ties"][0]["by"] == {"by": "lot"},
          "scottish scenario %r" % scot)
    # Only abstentions: the count still runs (P = 0), the outcome is failed.
    counts, _, outcome, e = tally_mod.count_method(
        FakeProp("stv", ["Oak", "Elm", "Ash"], seats=1),
        [(FakeBallot("a", {"vote": "abstain"}), 1)])
    check("election rules", outcome == "failed" and e["ballots"] == 0 and len(e["elected"]) == 1
          and counts == {"Oak": 0, "Elm": 0, "Ash": 0}, "no papers %r" % e)
    # Approval without seats is not an election; with seats it is, approvals in counts.
    ap = [(FakeBallot("a", {"approve": ["Oak", "Elm"]}), 1),
          (FakeBallot("b", {"approve": ["Elm"]}), 2)]
    check("election rules", tally_mod.count_method(FakeProp("approval", ["Oak", "Elm"]), ap)
          == ({"Oak": 1, "Elm": 3}, [], "Elm", None), "approval for one winner")
    counts, _, outcome, e = tally_mod.count_method(
        FakeProp("approval", ["Oak", "Elm", "Ash"], seats=2), ap)
    check("election rules", counts == {"Oak": 1, "Elm": 3, "Ash": 0} and outcome == "elected"
          and e["method"] == "approval" and e["elected"] == [1, 0], "approval for 2: %r" % e)
    # The lot: SHA-256("sangam lot" || id || c, 4 bytes big-endian), smallest first.
    pid = bytes(range(32))
    draws = sorted(range(5), key=lambda c: hashlib.sha256(
        b"sangam lot" + pid + bytes([0, 0, 0, c])).digest())
    check("election rules", T.drawn(pid, 5).lot == draws, "the lot's order")
    check("election rules", T.drawn(pid, 5).lot != T.drawn(bytes(32), 5).lot,
          "another proposal draws another lot")
    # Figures keep every place.
    check("election rules", [stv.decimal(u, p) for u, p in
                             ((138100000, 5), (500000001, 9), (7, 0), (-5, 2), (3, 9))]
          == ["1381.00000", "0.500000001", "7", "-0.05", "0.000000003"], "decimals")


def random_election(rng, approval=False):
    n = rng.randrange(3, 8)
    seats = rng.randrange(1, n)
    withdrawn = {rng.randrange(n)} if rng.random() < 0.3 else set()
    seats = max(1, min(seats, n - len(withdrawn)))
    papers = []
    for _ in range(rng.randrange(1, 40)):
        order = list(range(n))
        rng.shuffle(order)
        papers.append((rng.randrange(1, 4), order[:rng.randrange(0, n + 1)]))
    if approval:
        papers = [(w, r[:seats]) for w, r in papers]
    return stv.Election(["C%d" % c for c in range(n)], seats, papers, withdrawn)


def test_election_properties():
    """Over random elections: a count does not depend on the order papers arrive in,
    fills every seat with distinct candidates who stand, and loses no vote (Meek
    holds exactly the papers in every round but an exclusion's)."""
    rng = random.Random(20070503)
    for i in range(40):
        ties = stv.TieBreak.drawn(i.to_bytes(8, "big"), 8)
        for method in ("meek", "scottish", "approval"):
            election = random_election(rng, approval=method == "approval")
            counted = stv.count(election, method, ties)
            shuffled = list(election.ballots)
            rng.shuffle(shuffled)
            arrivals = [stv.Election(election.candidates, election.seats, papers,
                                     election.withdrawn)
                        for papers in (election.ballots[::-1], shuffled)]
            check("election properties", all(stv.count(e, method, ties) == counted
                                             for e in arrivals),
                  "%s %d: the order of the papers changed the count" % (method, i))
            elected = counted["elected"]
            scale = 10 ** {"meek": 9, "scottish": 5, "approval": 0}[method]
            held_ok = True
            for r in counted["rounds"]:
                held = sum(int(v.replace(".", "")) for v in r["votes"] if v is not None) + int(
                    r["exhausted"].replace(".", ""))
                if method == "meek" and r["action"]["kind"] != "excluded":
                    held_ok &= held == counted["ballots"] * scale
                elif method == "scottish":
                    held_ok &= held <= counted["ballots"] * scale
            check("election properties", len(elected) == len(set(elected)) == election.seats
                  and all(election.stands(c) for c in elected) and held_ok,
                  "%s %d: elected %r, papers held %s" % (method, i, elected, held_ok))
    # Through the tally: counts, outcome and count alike in any arrival order.
    options = ["Oak", "Elm", "Ash", "Fir", "Yew"]
    for i in range(20):
        ballots = []
        for v in range(rng.randrange(1, 25)):
            order = list(options)
            rng.shuffle(order)
            listed = order[:rng.randrange(0, 4)]
            choice = {"rank": listed} if listed else {"vote": "abstain"}
            ballots.append((FakeBallot("v%d" % v, choice), rng.randrange(1, 3)))
        for method in ("stv", "scottish_stv"):
            prop = FakeProp(method, options, seats=rng.randrange(1, 4), id_="%064x" % i)
            first = tally_mod.count_method(prop, ballots)
            shuffled = list(ballots)
            rng.shuffle(shuffled)
            check("election properties", tally_mod.count_method(prop, ballots[::-1]) == first
                  == tally_mod.count_method(prop, shuffled),
                  "%s %d: counts changed with the order of the ballots" % (method, i))


def test_election_bodies():
    """proposal.open's `seats`, and the ballots an election takes where written."""
    def opened(method, seats, options=("Asha", "Bala", "Chitra")):
        body = {"closes_at": 9, "electorate": [], "method": method, "options": list(options),
                "quorum_pct": 0, "text": "", "threshold": {"den": 2, "num": 1},
                "title": "Board"}
        if seats is not ...:
            body["seats"] = seats
        try:
            return records.body_open(body)
        except records.BodyError as exc:
            return str(exc)

    for method, seats in (("stv", 2), ("scottish_stv", 3), ("approval", 2), ("approval", ...)):
        got = opened(method, seats)
        check("election bodies", isinstance(got, dict) and got.get("seats", ...) == seats,
              "%s with seats %r is valid: %r" % (method, seats, got))
    for method, seats in (("stv", ...), ("stv", 0), ("scottish_stv", 4), ("ranked", 2),
                          ("yes_no", 1), ("stv", None), ("stv", True), ("stv", -1),
                          ("stv", 2 ** 32)):
        options = () if method == "yes_no" else ("Asha", "Bala", "Chitra")
        got = opened(method, seats, options)
        check("election bodies", isinstance(got, str), "%s with seats %r is refused: %r"
              % (method, seats, got))
    check("election bodies", "seats" not in opened("ranked", ...), "no seats written when absent")
    prop = FakeProp("approval", ["Asha", "Bala", "Chitra"], seats=2)
    check("election bodies", choice_problem(prop, {"approve": ["Asha", "Bala", "Chitra"]})
          == "approve at most 2 candidates (one per seat)", "approve more than the seats")
    check("election bodies", choice_problem(prop, {"approve": ["Asha", "Bala"]}) is None,
          "approve as many as the seats")
    for method in ("stv", "scottish_stv"):
        p = FakeProp(method, ["Asha", "Bala", "Chitra"], seats=2)
        check("election bodies", choice_problem(p, {"rank": ["Chitra", "Asha"]}) is None
              and choice_problem(p, {"approve": ["Asha"]}) is not None
              and choice_problem(p, {"rank": ["Asha", "Asha"]}) is not None,
              "%s takes a ranking of distinct candidates" % method)


def build_board():
    """A co-op of five electing two of four candidates three ways: Meek STV, Scottish
    STV and approval for 2 seats. Bo holds Dee's proxy; Cy changes a ballot; Eve
    abstains; an approval of three for two seats is refused where written."""
    k = {n: Key(n) for n in ("asha", "bo", "cy", "dee", "eve", "bdev")}
    log = Log()
    log.add(k["asha"], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": k["bdev"].pub,
             "founder_name": "Asha", "name": "Board Co-op", "nonce": "b0" * 16}, 1)
    for i, n in enumerate(("bo", "cy", "dee", "eve")):
        log.add(k["asha"], "member.admit", {"member": k[n].pub, "name": n.capitalize()}, 2 + i)
    electorate = sorted(k[n].pub for n in ("asha", "bo", "cy", "dee", "eve"))
    candidates = ["Asha", "Bala", "Chitra", "Devi"]
    ranks = {"asha": ["Asha", "Bala"], "bo": ["Bala", "Chitra", "Asha"], "cy": ["Devi"],
             "eve": None}
    ids = {}
    at = 100
    for method in ("stv", "scottish_stv", "approval"):
        p = log.add(k["asha"], "proposal.open",
                    {"closes_at": 10 ** 6, "electorate": electorate, "method": method,
                     "options": candidates, "quorum_pct": 50, "seats": 2,
                     "text": "Two seats on the board.", "threshold": {"den": 2, "num": 1},
                     "title": "Board (%s)" % method}, at)
        ids[method] = p
        named, proxies = [], []
        for n, listed in ranks.items():
            if listed is None:
                choice = {"vote": "abstain"}
            elif method == "approval":
                choice = {"approve": listed[:2]}
            else:
                choice = {"rank": listed}
            named.append(log.add(k[n], "ballot", {"choice": choice, "proposal": p, "seq": 1},
                                 at + 1, deps=[p]))
        # Cy changes their mind; Dee's proxy goes to Bo.
        second = {"approve": ["Asha", "Devi"]} if method == "approval" else {
            "rank": ["Chitra", "Devi"]}
        named.append(log.add(k["cy"], "ballot", {"choice": second, "proposal": p, "seq": 2},
                             at + 2, deps=[named[2]]))
        proxies.append(log.add(k["dee"], "proxy.grant",
                               {"holder": k["bo"].pub, "proposal": p, "seq": 1}, at + 3,
                               deps=[p]))
        if method == "approval":
            ids["too_many"] = log.add(k["dee"], "ballot", {
                "choice": {"approve": ["Asha", "Bala", "Chitra"]}, "proposal": p, "seq": 1},
                at + 4, deps=[p])
        ids[method + "_close"] = log.add(k["bo"], "proposal.close",
                                         {"ballots": sorted(named), "proposal": p,
                                          "proxies": proxies}, 2 * 10 ** 6)
        at += 1000
    ids["yes_no"] = log.add(k["asha"], "proposal.open",
                            {"closes_at": 10 ** 7, "electorate": electorate, "method": "yes_no",
                             "options": [], "quorum_pct": 50, "text": "",
                             "threshold": {"den": 2, "num": 1}, "title": "Paint"}, 3 * 10 ** 6)
    log.add(k["asha"], "ballot", {"choice": {"vote": "yes"}, "proposal": ids["yes_no"],
                                  "seq": 1}, 3 * 10 ** 6 + 1)
    return log, k, ids



def test_nominated_election_reports():
    """An election whose candidates a call for nominations gave (docs/protocol.md
    "Nominations"): the opening with exactly those who accepted, in the order first
    nominated, verifies; one naming others, or opened before the close, or by someone
    other than the caller, is refused where written, so its report is refused."""
    k = {n: Key(n) for n in ("asha", "bo", "cy", "dee", "bdev")}
    log = Log()
    log.add(k["asha"], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": k["bdev"].pub,
             "founder_name": "Asha", "name": "Call Co-op", "nonce": "c0" * 16}, 1)
    for i, n in enumerate(("bo", "cy", "dee")):
        log.add(k["asha"], "member.admit", {"member": k[n].pub, "name": n.capitalize()}, 2 + i)
    electorate = sorted(k[n].pub for n in ("asha", "bo", "cy", "dee"))
    close_at = 1000
    call = log.add(k["asha"], "nomination.call",
                   {"closes_at": close_at, "method": "stv", "seats": 2,
                    "text": "Two seats.", "title": "Board"}, 10)
    # Bo nominates Cy, Dee herself, Cy nominates Bo; Cy and Dee accept, Bo declines;
    # Asha's answer is refused (nobody nominated her), as is a nomination after the close.
    log.add(k["bo"], "nomination", {"call": call, "nominee": k["cy"].pub}, 20)
    log.add(k["dee"], "nomination", {"call": call, "nominee": k["dee"].pub}, 30)
    log.add(k["cy"], "nomination", {"call": call, "nominee": k["bo"].pub}, 40)
    log.add(k["cy"], "nomination.answer", {"answer": "accept", "call": call, "seq": 0}, 50)
    log.add(k["dee"], "nomination.answer", {"answer": "accept", "call": call, "seq": 0}, 60)
    log.add(k["bo"], "nomination.answer", {"answer": "decline", "call": call, "seq": 0}, 70)
    stray = log.add(k["asha"], "nomination.answer",
                    {"answer": "accept", "call": call, "seq": 0}, 80)
    late = log.add(k["bo"], "nomination", {"call": call, "nominee": k["asha"].pub}, close_at)
    base = dict(log.recs), set(log.cited)

    def election(author, at, candidates):
        return log.add(k[author], "proposal.open",
                       {"closes_at": 10 ** 6, "electorate": electorate, "method": "stv",
                        "nominated": {"call": call,
                                      "candidates": [k[c].pub for c in candidates]},
                        "options": [c.capitalize() for c in candidates], "quorum_pct": 50,
                        "seats": 2, "text": "Two seats.", "threshold": {"den": 2, "num": 1},
                        "title": "Board"}, at)

    def ballots_and_close(p):
        named = [log.add(k[n], "ballot", {"choice": {"rank": ["Dee", "Cy"]}, "proposal": p,
                                          "seq": 1}, 2000, deps=[p])
                 for n in ("asha", "bo", "cy", "dee")]
        log.add(k["asha"], "proposal.close", {"ballots": sorted(named), "proposal": p,
                                              "proxies": []}, 2 * 10 ** 6)

    good = election("asha", close_at + 1, ["cy", "dee"])
    ballots_and_close(good)
    v = expect_verified("nominated election", make_report(log, good, k["asha"]),
                        status="closed", outcome="elected", ballots_counted=4)
    fold = Fold([records.check_record(w.encode()) for w in
                 make_report(log, good, k["asha"])["records"]], log.coop)
    check("nominated elections", v is not None and len(v.tally["election"]["elected"]) == 2,
          "two elected from the call")
    check("nominated elections", stray not in fold.by_id or not fold.valid[fold.by_id[stray].pos],
          "an answer by someone not nominated does not count")
    check("nominated elections", late not in fold.by_id or not fold.valid[fold.by_id[late].pos],
          "a nomination after the close does not count")
    for name, author, at, cands in (
            ("the candidates in another order", "asha", close_at + 1, ["dee", "cy"]),
            ("one who declined among them", "asha", close_at + 1, ["bo", "cy"]),
            ("opened before the close", "asha", close_at - 1, ["cy", "dee"]),
            ("opened by another", "bo", close_at + 1, ["cy", "dee"])):
        log.recs, log.cited = dict(base[0]), set(base[1])
        bad = election(author, at, cands)
        recs = [records.check_record(log.recs[i].wire) for i in report_records(log, bad)]
        f = Fold(recs, log.coop)
        check("nominated elections", not f.valid[f.by_id[bad].pos],
              "%s: refused where written" % name)
        expect_refused("nominated: " + name,
                       to_bytes(make_report_unchecked(log, bad, k["asha"])),
                       "refused_proposal")


def test_templates_in_reports():
    """A co-op's templates in a report's causal past: read and judged (a second one of
    an id already in its past is refused where written), and the report verifies."""
    k = {n: Key(n) for n in ("asha", "bo", "tdev")}
    log = Log()
    log.add(k["asha"], "coop.genesis",
            {"bylaws": BYLAWS, "currency": "EUR", "device": k["tdev"].pub,
             "founder_name": "Asha", "name": "Template Co-op", "nonce": "d0" * 16}, 1)
    log.add(k["asha"], "member.admit", {"member": k["bo"].pub, "name": "Bo"}, 2)
    tpl = {"days": 7, "id": "equipment", "method": "yes_no", "name": "Buying equipment",
           "purpose": "Before we spend on a machine", "questions": ["What it costs"],
           "title": "Buy:"}
    first = log.add(k["asha"], "template.add", tpl, 10)
    again = log.add(k["bo"], "template.add", dict(tpl, title="Purchase:"), 20)
    electorate = sorted([k["asha"].pub, k["bo"].pub])
    p = log.add(k["asha"], "proposal.open",
                {"closes_at": 10 ** 6, "electorate": electorate, "method": "yes_no",
                 "options": [], "quorum_pct": 50, "template": "equipment",
                 "text": "## What it costs\n\n400 EUR", "threshold": {"den": 2, "num": 1},
                 "title": "Buy: a mill"}, 30)
    b1 = log.add(k["asha"], "ballot", {"choice": {"vote": "yes"}, "proposal": p, "seq": 1}, 40)
    b2 = log.add(k["bo"], "ballot", {"choice": {"vote": "yes"}, "proposal": p, "seq": 1}, 41,
                 deps=[p])
    log.add(k["asha"], "proposal.close", {"ballots": sorted([b1, b2]), "proposal": p,
                                          "proxies": []}, 2 * 10 ** 6)
    doc = make_report(log, p, k["asha"])
    expect_verified("report with templates in its past", doc, status="closed",
                    outcome="passed")
    fold = Fold([records.check_record(w.encode()) for w in doc["records"]], log.coop)
    check("templates", fold.valid[fold.by_id[first].pos], "the first template counts")
    check("templates", not fold.valid[fold.by_id[again].pos],
          "a second of the same id in its past is refused")

def test_election_reports():
    log, k, ids = build_board()
    # Counted: Asha [Asha, Bala], Bo [Bala, Chitra, Asha] of weight 2 (Dee's proxy),
    # Cy [Chitra, Devi] (seq 2), Eve abstains: P = 4. Approval: Asha approves Asha and
    # Bala, Bo Bala and Chitra, Cy Asha and Devi.
    want_counts = {"Asha": 1, "Bala": 2, "Chitra": 1, "Devi": 0}
    reports = {}
    for method in ("stv", "scottish_stv", "approval"):
        doc = make_report(log, ids[method], k["asha"])
        v = expect_verified("board " + method, doc, status="closed", outcome="elected",
                            rounds=[], ballots_counted=4, represented=1, quorum_met=True,
                            counts=want_counts if method != "approval" else
                            {"Asha": 2, "Bala": 3, "Chitra": 2, "Devi": 1})
        reports[method] = doc
        if v is None:
            continue
        e = v.tally["election"]
        check("election reports", e["ballots"] == 4 and e["seats"] == 2
              and len(e["elected"]) == 2, "%s: %r" % (method, e))
        lines = verify_report.summary(v)
        check("election reports", any(line.startswith("elected:  ") for line in lines)
              and any(line.startswith("  round 1: ") for line in lines),
              "%s: the summary names the elected and the rounds" % method)
    # Meek, by hand: quota (4 / 3 rounded down) + 0.000000001 = 1.333333334; Bala has
    # 2 and is elected at once; her surplus goes on to Chitra (from Bo) and Asha.
    e = reports["stv"]["tally"]["election"]
    check("election reports", e["method"] == "meek" and e["elected"][0] == 1
          and e["rounds"][0]["quota"] == "1.333333334"
          and e["rounds"][0]["action"] == {"kind": "settled"}, "meek board %r" % e["rounds"][0])
    e = reports["scottish_stv"]["tally"]["election"]
    check("election reports", e["method"] == "scottish" and e["rounds"][0]["quota"] == "2.00000"
          and e["rounds"][0]["votes"] == ["1.00000", "2.00000", "1.00000", "0.00000"]
          and e["elected"][0] == 1, "scottish board %r" % e["rounds"][0])
    # Approval: Bala 3, then Asha and Chitra at 2 for the second seat: the lot's.
    e = reports["approval"]["tally"]["election"]
    check("election reports", e["method"] == "approval" and e["elected"][0] == 1
          and e["rounds"][0]["votes"] == ["2", "3", "2", "1"] and len(e["ties"]) == 1
          and e["ties"][0]["among"] == [0, 2] and e["ties"][0]["chosen"] == e["elected"][1],
          "approval board %r" % e)
    fold = Fold([records.check_record(w.encode()) for w in reports["approval"]["records"]],
                log.coop)
    bad = fold.by_id[ids["too_many"]]
    check("election reports", not fold.valid[bad.pos] and "approve at most 2 candidates" in
          fold.reason[bad.pos], "three approvals for two seats refused where written: %r"
          % fold.reason[bad.pos])
    election_tamperings(log, k, ids, reports)


def election_tamperings(log, k, ids, reports):
    stv_doc = reports["stv"]

    def edited(doc, edit, resign=True):
        d = copy.deepcopy(doc)
        edit(d)
        if resign:
            sign_report(d, k["asha"])
        return to_bytes(d)

    def figure(d):
        votes = d["tally"]["election"]["rounds"][0]["votes"]
        votes[1] = "2.000000001"
    expect_refused("election: a vote figure edited", edited(stv_doc, figure), "tally")
    expect_refused("election: a figure edited, not re-signed",
                   edited(stv_doc, figure, resign=False), "tally")
    expect_refused("election: the elected reordered", edited(
        stv_doc, lambda d: d["tally"]["election"]["elected"].reverse()), "tally")
    expect_refused("election: a tie left out", edited(
        reports["approval"], lambda d: d["tally"]["election"]["ties"].clear()), "tally")
    expect_refused("election: counted as Scottish STV", edited(
        stv_doc, lambda d: d["tally"].update(election=reports["scottish_stv"]["tally"]
                                             ["election"])), "tally")
    expect_refused("election: left out", edited(stv_doc, lambda d: d["tally"].pop("election")),
                   "tally")
    expect_refused("election: places dropped", edited(stv_doc, lambda d: d["tally"]["election"]
                                                      ["rounds"][0].update(quota="1.333333")),
                   "tally")
    expect_refused("election: outcome changed", edited(
        stv_doc, lambda d: d["tally"].update(outcome="Bala")), "tally")
    yes_no = make_report(log, ids["yes_no"], k["asha"])
    expect_verified("board yes_no", yes_no, outcome="no_quorum")
    expect_refused("election: added to a yes/no report", edited(
        yes_no, lambda d: d["tally"].update(election=stv_doc["tally"]["election"])), "tally")
    for name, edit in (
            ("null", lambda d: d["tally"].update(election=None)),
            ("an extra member", lambda d: d["tally"]["election"].update(note="x")),
            ("an extra member in a round", lambda d: d["tally"]["election"]["rounds"][0]
             .update(note="x")),
            ("a figure as a number", lambda d: d["tally"]["election"]["rounds"][0]
             .update(quota=1)),
            ("a signed figure", lambda d: d["tally"]["election"]["rounds"][0]
             .update(quota="+1.333333334")),
            ("an unknown action", lambda d: d["tally"]["election"]["rounds"][0]
             .update(action={"kind": "recount"})),
            ("an action whose kind is a list", lambda d: d["tally"]["election"]["rounds"][0]
             .update(action={"kind": ["settled"]})),
            ("an action missing its member", lambda d: d["tally"]["election"]["rounds"][0]
             .update(action={"kind": "excluded"})),
            ("a negative seat count", lambda d: d["tally"]["election"].update(seats=-2)),
            ("a tie broken by a coin", lambda d: d["tally"]["election"]["ties"].append(
                {"round": 1, "tie_for": "seat", "among": [0, 1], "chosen": 0,
                 "by": {"by": "coin"}})),
            ("an unknown method", lambda d: d["tally"]["election"].update(method="borda"))):
        expect_refused("election: " + name, edited(stv_doc, edit), "malformed")


def main():
    t0 = time.perf_counter()
    test_record_vectors()
    test_signature_vectors()
    test_counting()
    test_reports()
    test_concurrent_closes()
    test_vector_report()
    test_election_rules()
    test_election_bodies()
    test_election_properties()
    test_published_elections()
    test_election_reports()
    test_nominated_election_reports()
    test_templates_in_reports()
    timings = []
    test_performance(timings)
    total = sum(counts.values())
    parts = ", ".join("%s %d" % kv for kv in counts.items())
    perf = "; %d-record report verified in %.2f s" % timings[0] if timings else ""
    status = "PASS" if not failures else "FAIL (%d failed)" % len(failures)
    print("selftest %s: %d checks (%s)%s; %.1f s in all" % (
        status, total, parts, perf, time.perf_counter() - t0))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
