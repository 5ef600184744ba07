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

#: lower case; every run of characters that are not letters or digits (white space
#: included) becomes one space; trimmed. One regular expression: the two-step form (symbols
#: to a space, then runs of white space to one space) gives the same text and cost a third
#: more. ``NORMALISE_FAST`` is the same function for engines that can tell ASCII text apart
#: cheaply (DuckDB: byte length equals character length): on ASCII text ``[^a-z0-9]`` after
#: ``lower`` is exactly ``[^\\pL\\pN]``, and RE2 runs the ASCII class faster.
#:
#: Both branches replace only the runs that are not already one space (a run holding a
#: character other than a space, or two characters or more): a single space between two
#: words becomes a space either way, so the text is the same, but RE2 stops for a handful of
#: matches a row instead of one per word (3x faster on the benchmark's texts, and on texts
#: with punctuation; docs/decisions.md).
NORMALISE = "trim(regexp_replace(lower({x}), '[^\\pL\\pN]+', ' ', 'g'))"
_RUN_ASCII = "[^a-z0-9]*[^a-z0-9 ][^a-z0-9]*|[^a-z0-9]{{2,}}"
_RUN_UNICODE = "[^\\pL\\pN]*[^\\pL\\pN ][^\\pL\\pN]*|[^\\pL\\pN]{{2,}}"
NORMALISE_FAST = (
    "CASE WHEN strlen({x}) = length({x}) "
    f"THEN trim(regexp_replace(lower({{x}}), '{_RUN_ASCII}', ' ', 'g')) "
    f"ELSE trim(regexp_replace(lower({{x}}), '{_RUN_UNICODE}', ' ', 'g')) END"
)


def normalise(expr: str) -> str:
    return NORMALISE_FAST.format(x=expr)


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


def _window(words: str, k: int) -> str:
    """Words i .. i + k - 1 joined by a space; ``concat_ws`` skips the NULLs past the end of
    the list, so a list shorter than k gives all its words (as a slice would), at half the
    cost of ``array_to_string`` of a slice."""
    return "concat_ws(' ', " + ", ".join(f"{words}[i + {j}]" for j in range(k)) + ")"


def shingle_hashes(words: str, k: int) -> str:
    """The list of hashed k-word shingles of a word list (one shingle if shorter than k)."""
    span = f"greatest(len({words}) - {k} + 1, 1)"
    return f"list_transform(range(1, {span} + 1), lambda i: {hash31(_window(words, k))})"


def minhash_bands(shingles: str, num_perm: int, rows_per_band: int) -> tuple[str, str]:
    """(signature columns, band hash list) for a row whose shingle hashes are the list
    ``shingles``: signature value i is the minimum of (a_i * x + b_i) mod p over the shingles
    (a column ``v<i>``); band k hashes values k*r .. k*r + r - 1 as ``"<k>:<v1>,<v2>,..."``.

    One flat lambda per permutation, its constants written in. The DuckDB engine computes the
    same columns with :func:`minhash_values` (aggregates over an unnest), which measured
    faster; this form is kept as the reference spelling and for engines without it."""
    columns = ", ".join(
        f"list_min(list_transform({shingles}, lambda x: ({a} * x + {b}) % {PRIME})) AS v{i}"
        for i, (a, b) in enumerate(permutations(num_perm))
    )
    return columns, band_hashes(num_perm, rows_per_band)


def band_hashes(num_perm: int, rows_per_band: int) -> str:
    """The list of LSH band hashes from the signature columns ``v0 .. v<num_perm - 1>``."""
    r = rows_per_band
    bands = []
    for k in range(num_perm // r):
        values = " || ',' || ".join(f"v{i}::VARCHAR" for i in range(k * r, (k + 1) * r))
        bands.append(hash64(f"'{k}:' || {values}"))
    return "[" + ", ".join(bands) + "]"


def minhash_values(shingle: str, num_perm: int) -> str:
    """The signature as ``min`` aggregates over one shingle hash per input row (the rows of
    one record grouped together): ``min((a_i * x + b_i) mod p) AS v<i>``. The same values as
    the lambda form of :func:`minhash_bands`; DuckDB runs the aggregates over an ``unnest``
    of the shingle lists about a third faster than 128 list lambdas (docs/decisions.md)."""
    return ", ".join(
        f"min(({a} * {shingle} + {b}) % {PRIME}) AS v{i}"
        for i, (a, b) in enumerate(permutations(num_perm))
    )


def ngram_hashes(words: str, n: int) -> str:
    """The hashed word n-grams of a word list (none when shorter than n)."""
    span = f"len({words}) - {n} + 2"
    return f"list_transform(range(1, {span}), lambda i: {hash64(_window(words, n))})"


# PII detectors (RE2 syntax). Card numbers are candidates that must also pass Luhn; IBANs
# are candidates (this shape) that must also pass the ISO 13616 mod-97 check.
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


#: ISO 13616 check of an IBAN candidate, as a DuckDB macro: spaces removed, the first four
#: characters moved to the end, letters replaced by 10 .. 35, the number taken mod 97 digit by
#: digit (no big integers): a real IBAN leaves 1
IBAN_MACRO = """
CREATE OR REPLACE TEMP MACRO sg_iban(c) AS (
  list_reduce(
    list_transform(
      string_split(array_to_string(list_transform(
        string_split(substr(replace(c, ' ', ''), 5) || substr(replace(c, ' ', ''), 1, 4), ''),
        lambda ch: CASE WHEN ch BETWEEN 'A' AND 'Z' THEN (ascii(ch) - 55)::VARCHAR ELSE ch END
      ), ''), ''),
      lambda ch: ch::BIGINT),
    lambda acc, x: (acc * 10 + x) % 97) = 1
)
"""


def iban(text: str) -> str:
    cands = f"regexp_extract_all({text}, {_quote(PII_PATTERNS['iban'])})"
    return f"len(list_filter({cands}, lambda c: sg_iban(c))) > 0"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
