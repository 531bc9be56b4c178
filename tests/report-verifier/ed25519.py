"""Ed25519 (RFC 8032, pure Ed25519) with Sangam's strict verification rule.

Implements docs/protocol.md, "Keys and signatures":
  - "Domain separation": signed = tag || 0x00 || message  (see `domain`)
  - "Strict verification", rules 1-4  (see `verify_strict`)
    1. S < l
    2. A and R decode per RFC 8032 section 5.1.3 and are canonical (y < p)
    3. neither A nor R has small order (8*P != identity)
    4. the cofactored equation [8][S]B = [8]R + [8][k]A, k = SHA-512(R || A || M) mod l

The arithmetic is RFC 8032's reference arithmetic: the twisted Edwards curve
-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19) in extended coordinates (X:Y:Z:T),
x = X/Z, y = Y/Z, x*y = T/Z, with the addition and doubling formulas of RFC 8032
section 5.1.4 and the point decoding of section 5.1.3. Signing (section 5.1.6) is
here only so that the self-test can build reports; a verifier never signs.

This is not constant-time and must not be used to sign with real keys.
"""

import functools
import hashlib

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
D2 = (2 * D) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

# Base point B (RFC 8032 section 5.1): y = 4/5, x positive (even).
_BY = (4 * pow(5, P - 2, P)) % P


def _recover_x(y, sign):
    """RFC 8032 section 5.1.3 steps 2-4: x from y and the sign bit, or None."""
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x2 = (u * pow(v, P - 2, P)) % P
    if x2 == 0:
        if sign:
            return None          # x = 0 with the sign bit set: decoding fails
        return 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = (x * SQRT_M1) % P
    if (x * x - x2) % P != 0:
        return None              # not a square: not a point
    if (x & 1) != sign:
        x = P - x
    return x


_BX = _recover_x(_BY, 0)
B = (_BX, _BY, 1, (_BX * _BY) % P)
IDENTITY = (0, 1, 1, 0)


def point_add(p, q):
    """RFC 8032 section 5.1.4, addition in extended coordinates (a = -1)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = ((y1 - x1) * (y2 - x2)) % P
    b = ((y1 + x1) * (y2 + x2)) % P
    c = (t1 * D2 * t2) % P
    d = (z1 * 2 * z2) % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return ((e * f) % P, (g * h) % P, (f * g) % P, (e * h) % P)


def point_double(p):
    """RFC 8032 section 5.1.4, doubling in extended coordinates."""
    x1, y1, z1, _ = p
    a = (x1 * x1) % P
    b = (y1 * y1) % P
    c = (2 * z1 * z1) % P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1)
    g = a - b
    f = c + g
    return ((e * f) % P, (g * h) % P, (f * g) % P, (e * h) % P)


def point_neg(p):
    x, y, z, t = p
    return ((-x) % P, y, z, (-t) % P)


def is_identity(p):
    x, y, z, _ = p
    return x % P == 0 and (y - z) % P == 0


def points_equal(p, q):
    x1, y1, z1, _ = p
    x2, y2, z2, _ = q
    return (x1 * z2 - x2 * z1) % P == 0 and (y1 * z2 - y2 * z1) % P == 0


def times8(p):
    return point_double(point_double(point_double(p)))


def has_small_order(p):
    """Rule 3: P has small order when 8*P is the identity."""
    return is_identity(times8(p))


def _window_table(p):
    """[0]P .. [15]P for a 4-bit fixed window."""
    table = [IDENTITY, p]
    for _ in range(14):
        table.append(point_add(table[-1], p))
    return table


def scalar_mult_table(table, k):
    """[k]P for 0 <= k < 2^256, given `_window_table(P)`."""
    q = IDENTITY
    for shift in range(252, -1, -4):
        q = point_double(point_double(point_double(point_double(q))))
        nib = (k >> shift) & 15
        if nib:
            q = point_add(q, table[nib])
    return q


def scalar_mult(p, k):
    return scalar_mult_table(_window_table(p), k)


# Fixed-base table for B: _BASE[i][j] = [j * 16^i] B, i = 0..63, j = 0..15.
def _make_base_table():
    rows = []
    base = B
    for _ in range(64):
        row = _window_table(base)
        rows.append(row)
        base = point_add(row[15], base)   # [16] base
    return rows


_BASE = _make_base_table()


def base_mult(k):
    """[k]B for 0 <= k < 2^256 with the precomputed table."""
    q = IDENTITY
    i = 0
    while k:
        nib = k & 15
        if nib:
            q = point_add(q, _BASE[i][nib])
        k >>= 4
        i += 1
    return q


def decode_point(s):
    """RFC 8032 section 5.1.3 decoding of 32 bytes; None if it fails.

    Rule 2's canonicity (y < p) is part of RFC 8032's decoding step 1, and
    "x = 0 with the sign bit set" fails step 4."""
    if len(s) != 32:
        return None
    n = int.from_bytes(s, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, (x * y) % P)


def encode_point(p):
    x, y, z, _ = p
    zi = pow(z, P - 2, P)
    x = (x * zi) % P
    y = (y * zi) % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


@functools.lru_cache(maxsize=4096)
def checked_key(key):
    """Rules 2 and 3 for a 32-byte public key: the decoded point and its
    window table, or None if the key decodes badly or has small order."""
    a = decode_point(key)
    if a is None or has_small_order(a):
        return None
    return _window_table(point_neg(a))


def key_is_strict(key):
    """True when `key` passes rules 2 and 3 ("canonical encoding of a curve
    point that is not of small order")."""
    return checked_key(bytes(key)) is not None


def verify_strict(public, message, signature):
    """docs/protocol.md "Strict verification", rules 1 to 4."""
    if len(public) != 32 or len(signature) != 64:
        return False
    r_bytes = bytes(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if s >= L:                                   # rule 1
        return False
    neg_a_table = checked_key(bytes(public))      # rules 2 and 3 for A
    if neg_a_table is None:
        return False
    r = decode_point(r_bytes)                     # rule 2 for R
    if r is None or has_small_order(r):           # rule 3 for R
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + bytes(public) + bytes(message)).digest(),
                       "little") % L
    # rule 4: [8]([S]B - [k]A - R) = identity
    q = point_add(base_mult(s), scalar_mult_table(neg_a_table, k))
    q = point_add(q, point_neg(r))
    return is_identity(times8(q))


def domain(tag, message):
    """Domain separation: tag || 0x00 || message."""
    return tag.encode("ascii") + b"\x00" + bytes(message)


# --- signing (RFC 8032 section 5.1.5 and 5.1.6), for the self-test only ----------

def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed):
    a, _ = _expand(seed)
    return encode_point(base_mult(a))


def sign(seed, message):
    a, prefix = _expand(seed)
    pub = encode_point(base_mult(a))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % L
    r_bytes = encode_point(base_mult(r))
    k = int.from_bytes(hashlib.sha512(r_bytes + pub + message).digest(), "little") % L
    s = (r + k * a) % L
    return r_bytes + s.to_bytes(32, "little")
