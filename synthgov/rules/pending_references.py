"""Regulation references of the rules in governance.py and diffmode.py.

These move to the classes at merge (issue 12): their modules are being reworked in another
branch, so the references wait here, keyed by rule id, and ``builtin.py`` puts them on the
classes when it registers them. Delete this module once each class has its ``references``.
"""

from __future__ import annotations

from collections.abc import Mapping

_GOVERNANCE = "EU AI Act Art. 10(2)"
# a waiver documents a known gap or shortcoming and how (and by when) it is addressed
_SHORTCOMINGS = "EU AI Act Art. 10(2)(h)"

MOVES_TO_CLASS_AT_MERGE: Mapping[str, tuple[str, ...]] = {
    # who answers for the data: the governance practices of Art. 10(2)
    "SG401": (_GOVERNANCE,),
    "SG402": (_GOVERNANCE,),
    "SG403": (_SHORTCOMINGS,),
    "SG404": (_SHORTCOMINGS,),
    "SG405": (_GOVERNANCE,),
    # a changed data file whose card did not follow: an undocumented updating operation
    "SG406": ("EU AI Act Art. 10(2)(c)",),
    "SG407": (_SHORTCOMINGS,),
}
