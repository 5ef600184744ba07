"""The SQL of every measure, shared by engines (DuckDB dialect; the Spark engine spells the
same functions in Spark SQL).

Hash choice (docs/verify.md, docs/decisions.md): every hash is a prefix of MD5, because MD5
is built into DuckDB and Spark and is the same everywhere (DuckDB's own ``hash`` may change
between versions and Spark's ``hash`` is a 32-bit Murmur3 with another seed):

- text and n-gram hashes: the first 64 bits of MD5 of the normalised text (collision
  probability about 3e-8 at a million distinct texts);
- MinHash: each word shingle hashes to the first 32 bits of its MD5 reduced modulo the
  Mersenne prime 2^31 - 1, and permutation i is ``(a_i * x + b_i) mod p``; the products stay
  below 2^62, so 64-bit integer arithmetic is exact in both engines;
- an LSH band hashes to the first 64 bits of MD5 of ``"<band>:<values, comma-separated>"``.
"""

from __future__ import annotations

import hashlib

PRIME = (1 << 31) - 1

#: lower case; every run of characters that are not letters, digits or spaces becomes a
#: space; runs of white space become one space; trimmed
NORMALISE = (
    "trim(regexp_replace(regexp_replace(lower({x}), '[^\\pL\\pN\\s]+', ' ', 'g'), "
    "'\\s+', ' ', 'g'))"
)


def normalise(expr: str) -> str:
    return NORMALISE.format(x=expr)


def hash64(expr: str) -> str:
    return f"('0x' || md5({expr})[1:16])::UBIGINT"


def hash31(expr: str) -> str:
    return f"(('0x' || md5({expr})[1:8])::BIGINT % {PRIME})"


def permutations(num_perm: int) -> list[tuple[int, int]]:
    """The (a, b) pairs of the MinHash permutations: derived from SHA-256 of a fixed label,
    so every engine and every version computes the same ones."""
    out = []
    for i in range(num_perm):
        digest = hashlib.sha256(f"synthgov-minhash-{i}".encode()).digest()
        a = int.from_bytes(digest[:8], "big") % (PRIME - 1) + 1
        b = int.from_bytes(digest[8:16], "big") % PRIME
        out.append((a, b))
    return out


def shingle_hashes(words: str, k: int) -> str:
    """The list of hashed k-word shingles of a word list (one shingle if shorter than k)."""
    span = f"greatest(len({words}) - {k} + 1, 1)"
    piece = f"array_to_string({words}[i:i + {k - 1}], ' ')"
    return f"list_transform(range(1, {span} + 1), lambda i: {hash31(piece)})"


def minhash_bands(shingles: str, num_perm: int, rows_per_band: int) -> tuple[str, str]:
    """(signature columns, band hash list) for a row whose shingle hashes are the list
    ``shingles``: signature value i is the minimum of (a_i * x + b_i) mod p over the shingles
    (a column ``v<i>``); band k hashes values k*r .. k*r + r - 1 as ``"<k>:<v1>,<v2>,..."``.

    One flat lambda per permutation, its constants written in: DuckDB evaluates a lambda over
    the whole chunk's list elements at once. A nested form (a lambda over the permutations
    calling a lambda over the shingles) runs the inner lambda once per row and permutation
    and measured 61 rows/s here; a join of shingles and permutations with a ``min``
    aggregation about 2,100 rows/s; this form about 10,000 rows/s (docs/decisions.md)."""
    columns = ", ".join(
        f"list_min(list_transform({shingles}, lambda x: ({a} * x + {b}) % {PRIME})) AS v{i}"
        for i, (a, b) in enumerate(permutations(num_perm))
    )
    r = rows_per_band
    bands = []
    for k in range(num_perm // r):
        values = " || ',' || ".join(f"v{i}::VARCHAR" for i in range(k * r, (k + 1) * r))
        bands.append(hash64(f"'{k}:' || {values}"))
    return columns, "[" + ", ".join(bands) + "]"


def ngram_hashes(words: str, n: int) -> str:
    """The hashed word n-grams of a word list (none when shorter than n)."""
    piece = f"array_to_string({words}[i:i + {n - 1}], ' ')"
    return f"list_transform(range(1, len({words}) - {n} + 2), lambda i: {hash64(piece)})"


# PII detectors (RE2 syntax). Card numbers are candidates that must also pass Luhn.
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
PII_PATTERNS = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone": (
        r"(^|[^\d])(\+\d{1,3}[ .-]?\d{1,4}[ .-]\d{3,4}[ .-]?\d{3,4}"
        r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})($|[^\d])"
    ),
    "ip": r"(^|[^\d.])(" + _OCTET + r"\.){3}" + _OCTET + r"($|[^\d.])",
    "iban": r"\b[A-Z]{2}\d{2} ?([A-Z0-9]{4} ?){2,7}[A-Z0-9]{1,4}\b",
}
CARD_CANDIDATE = r"\b\d(?:[ -]?\d){12,18}\b"

#: Luhn check of a string of digits, as a DuckDB macro
LUHN_MACRO = """
CREATE OR REPLACE TEMP MACRO sg_luhn(d) AS (
  list_sum(list_transform(range(1, length(d) + 1), lambda i:
    CASE WHEN i % 2 = 0
      THEN (substr(d, length(d) - i + 1, 1)::INTEGER * 2)
           - CASE WHEN substr(d, length(d) - i + 1, 1)::INTEGER * 2 > 9 THEN 9 ELSE 0 END
      ELSE substr(d, length(d) - i + 1, 1)::INTEGER END)) % 10 = 0
)
"""


def card_number(text: str) -> str:
    cands = f"regexp_extract_all({text}, '{CARD_CANDIDATE}')"
    digits = "regexp_replace(c, '[^0-9]', '', 'g')"
    return f"len(list_filter({cands}, lambda c: sg_luhn({digits}))) > 0"
