"""Column expressions shared by the Spark measures: the hash functions of
:mod:`synthgov.verify.sql` spelled with Spark's ``md5`` and ``conv``, text normalisation,
the Luhn and IBAN checks, word n-grams. PySpark is imported when an expression is built."""

from __future__ import annotations

from typing import Any

from synthgov.verify import sql

TWO64 = 1 << 64


def signed(value: int) -> int:
    """An unsigned 64-bit hash as Spark's BIGINT holds it (two's complement)."""
    return value - TWO64 if value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value + TWO64 if value < 0 else value


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def hash64(col: Any) -> Any:
    from pyspark.sql import functions as F

    return F.conv(F.substring(F.md5(col), 1, 16), 16, -10).cast("bigint")


def hash31(col: Any) -> Any:
    from pyspark.sql import functions as F

    return F.pmod(F.conv(F.substring(F.md5(col), 1, 8), 16, 10).cast("bigint"), sql.PRIME)


def normalise(col: Any) -> Any:
    from pyspark.sql import functions as F

    return F.trim(
        F.regexp_replace(F.regexp_replace(F.lower(col), r"[^\pL\pN\s]+", " "), r"\s+", " ")
    )


def words() -> Any:
    from pyspark.sql import functions as F

    return F.split(F.col("nt"), " ")


def grams(n: int) -> Any:
    """Hashed word n-grams of ``w`` plus the hash of the whole normalised text (as DuckDB)."""
    from pyspark.sql import functions as F

    w = F.col("w")
    found = F.when(
        F.size(w) >= n,
        F.transform(
            F.sequence(F.lit(1), F.size(w) - n + 1),
            lambda i: hash64(F.array_join(F.slice(w, i, F.lit(n)), " ")),
        ),
    ).otherwise(F.array().cast("array<bigint>"))
    return F.array_append(found, hash64(F.col("nt")))


def luhn(cand: Any) -> Any:
    """The Luhn checksum of a card number candidate holds."""
    from pyspark.sql import functions as F

    d = F.regexp_replace(cand, "[^0-9]", "")
    n = F.length(d)

    def add(acc: Any, i: Any) -> Any:
        x = d.substr(n - i + 1, F.lit(1)).cast("int")
        doubled = x * 2 - F.when(x * 2 > 9, 9).otherwise(0)
        return acc + F.when(i % 2 == 0, doubled).otherwise(x)

    return F.aggregate(F.sequence(F.lit(1), n), F.lit(0), add) % 10 == 0


def iban(c: Any) -> Any:
    """ISO 13616 mod-97 of an IBAN candidate, as sql.IBAN_MACRO spells it for DuckDB:
    the first four characters moved to the end, letters as 10..35, the digits folded."""
    from pyspark.sql import functions as F

    cleaned = F.regexp_replace(c, " ", "")
    moved = F.concat(F.substring(cleaned, 5, 1 << 16), F.substring(cleaned, 1, 4))
    chars = F.filter(F.split(moved, ""), lambda ch: ch != "")

    def as_digits(ch: Any) -> Any:
        return F.when((ch >= "A") & (ch <= "Z"), (F.ascii(ch) - 55).cast("string")).otherwise(ch)

    digits = F.array_join(F.transform(chars, as_digits), "")
    folded = F.aggregate(
        F.filter(F.split(digits, ""), lambda d: d != ""),
        F.lit(0).cast("bigint"),
        lambda acc, x: (acc * 10 + x.cast("bigint")) % 97,
    )
    return folded == 1
