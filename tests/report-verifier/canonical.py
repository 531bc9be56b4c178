"""Strict JSON parsing and Sangam's canonical JSON.

Implements docs/protocol.md, "Canonical JSON" (the RFC 8785 subset):
  - values null, true, false, integers, strings, arrays, objects;
  - integers only, within +-(2^53 - 1), shortest decimal form (no -0, no fraction,
    no exponent);
  - no whitespace; object members sorted by key as sequences of UTF-16 code units;
    a key appears once;
  - strings: exactly `"` `\\` U+0008 U+0009 U+000A U+000C U+000D escaped as
    \\" \\\\ \\b \\t \\n \\f \\r, every other character below U+0020 as \\u00xx
    (lowercase hex), everything else as itself;
  - depth: top level 0, each element or member value one deeper; deeper than 32
    is refused.

`parse` reads RFC 8259 JSON from UTF-8 bytes and reports what it found (repeated
keys, numbers without a canonical form, excessive depth) instead of guessing, so
that "Checking a record" (steps 2 and 3) and "Verifying a report" (step 2) can each
name their own error class.
"""

import json
import re

MAX_INT = 2 ** 53 - 1
MAX_DEPTH = 32


class JsonError(Exception):
    """`kind` is 'malformed' (not JSON) or 'too_deep' (valid JSON, nested too deep
    for Python's parser: always deeper than MAX_DEPTH)."""

    def __init__(self, kind, reason):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class BadNumber:
    """A number literal with no canonical form (fraction, exponent, -0, or a
    magnitude above 2^53 - 1). Kept as a marker so the caller decides the class."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "BadNumber(%r)" % self.text


class Parsed:
    """Result of `parse`: the value plus what the strict checks found."""

    __slots__ = ("value", "duplicate_key", "bad_number", "max_depth")

    def __init__(self, value, duplicate_key):
        self.value = value
        self.duplicate_key = duplicate_key
        self.bad_number = None      # first BadNumber found, if any
        self.max_depth = 0


def _parse_int(text):
    if text == "-0":
        return BadNumber(text)
    digits = text[1:] if text.startswith("-") else text
    if len(digits) > 16:
        return BadNumber(text)
    n = int(text)
    if n > MAX_INT or n < -MAX_INT:
        return BadNumber(text)
    return n


def _parse_float(text):
    return BadNumber(text)


def _parse_constant(text):
    raise ValueError("%s is not JSON" % text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse(data):
    """Parse UTF-8 bytes as RFC 8259 JSON. Raises JsonError. Never raises for
    repeated keys or non-canonical numbers: those are reported in Parsed."""
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError("malformed", "not UTF-8 (%s)" % exc.reason)
    else:
        text = data
    dup = [False]

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                dup[0] = True
            obj[k] = v
        return obj

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_int=_parse_int,
                           parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        if valid_syntax(text):
            raise JsonError("too_deep", "nested deeper than %d" % MAX_DEPTH)
        raise JsonError("malformed", "not JSON")
    except ValueError as exc:          # json.JSONDecodeError is a ValueError
        raise JsonError("malformed", "not JSON (%s)" % exc)
    result = Parsed(value, dup[0])
    # A string holding an escaped lone surrogate is not a sequence of Unicode
    # scalar values and cannot be UTF-8: treated as not JSON (SPEC-QUESTIONS.md).
    if _SURROGATE_ESCAPE.search(text):
        if _has_lone_surrogate(value):
            raise JsonError("malformed", "a string holds a lone UTF-16 surrogate")
    _scan(result)
    return result


def _has_lone_surrogate(value):
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _LONE_SURROGATE.search(v):
                return True
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                if _LONE_SURROGATE.search(k):
                    return True
                stack.append(x)
    return False


def _scan(result):
    """Depth and bad numbers, iteratively."""
    stack = [(result.value, 0)]
    max_depth = 0
    bad = None
    while stack:
        v, depth = stack.pop()
        if depth > max_depth:
            max_depth = depth
        if isinstance(v, list):
            for x in v:
                stack.append((x, depth + 1))
        elif isinstance(v, dict):
            for x in v.values():
                stack.append((x, depth + 1))
        elif isinstance(v, BadNumber):
            if bad is None:
                bad = v
    result.max_depth = max_depth
    result.bad_number = bad


# --- canonical writing ------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
            "\f": "\\f", "\r": "\\r"}
for _c in range(0x20):
    _ESCAPES.setdefault(chr(_c), "\\u%04x" % _c)
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f]')


def quote(s):
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], s) + '"'


def utf16_key(s):
    """Sort key comparing strings as sequences of unsigned 16-bit UTF-16 code
    units (big-endian bytes compare exactly like the code units, a proper prefix
    first)."""
    return s.encode("utf-16-be", "surrogatepass")


def dumps(value):
    """Canonical JSON text of a value (str). Raises ValueError for values with no
    canonical form."""
    parts = []
    _write(value, parts, 0)
    return "".join(parts)


def dumps_bytes(value):
    return dumps(value).encode("utf-8")


def _write(v, out, depth):
    if depth > MAX_DEPTH:
        raise ValueError("nested deeper than %d" % MAX_DEPTH)
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif type(v) is int:
        if v > MAX_INT or v < -MAX_INT:
            raise ValueError("integer out of range")
        out.append(str(v))
    elif isinstance(v, str):
        out.append(quote(v))
    elif isinstance(v, list):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _write(x, out, depth + 1)
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        for i, k in enumerate(sorted(v, key=utf16_key)):
            if i:
                out.append(",")
            out.append(quote(k))
            out.append(":")
            _write(v[k], out, depth + 1)
        out.append("}")
    else:
        raise ValueError("no canonical form for %r" % (v,))


# --- syntax-only validator (used only when Python's parser runs out of stack) -----

_TOKEN = re.compile(
    r'[ \t\n\r]*(?:(?P<s>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")'
    r'|(?P<n>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)'
    r'|(?P<l>true|false|null)|(?P<p>[\[\]{},:]))')


def valid_syntax(text):
    """True when `text` is one RFC 8259 JSON value (any depth), iteratively."""
    pos = 0
    stack = []
    state = "value"      # value | value_or_close | key_or_close | key | colon | after | end
    while True:
        m = _TOKEN.match(text, pos)
        if not m:
            return state == "end" and text[pos:].strip(" \t\n\r") == ""
        pos = m.end()
        tok = m.group("p")
        scalar = tok is None
        done = False
        if state in ("value", "value_or_close"):
            if scalar:
                done = True
            elif tok == "[":
                stack.append("[")
                state = "value_or_close"
            elif tok == "{":
                stack.append("{")
                state = "key_or_close"
            elif tok == "]" and state == "value_or_close":
                stack.pop()
                done = True
            else:
                return False
        elif state in ("key_or_close", "key"):
            if m.group("s") is not None:
                state = "colon"
            elif tok == "}" and state == "key_or_close":
                stack.pop()
                done = True
            else:
                return False
        elif state == "colon":
            if tok != ":":
                return False
            state = "value"
        elif state == "after":
            top = stack[-1]
            if tok == ",":
                state = "value" if top == "[" else "key"
            elif (tok == "]" and top == "[") or (tok == "}" and top == "{"):
                stack.pop()
                done = True
            else:
                return False
        else:            # end: nothing may follow
            return False
        if done:
            state = "after" if stack else "end"
