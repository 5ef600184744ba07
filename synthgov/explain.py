"""``synthgov explain ID``: a rule's documentation as text."""

from __future__ import annotations

import json
import textwrap

from synthgov.model import Rule


def _indent(block: str) -> str:
    return textwrap.indent(block.rstrip("\n"), "    ") + "\n"


def applies_to(rule: Rule) -> str:
    if rule.doc.applies:
        return rule.doc.applies
    kinds = "every document" if "*" in rule.kinds else " and ".join(sorted(rule.kinds))
    if rule.synthetic_only:
        kinds = "synthetic dataset cards"
    if rule.evaluation_only:
        kinds = "evaluation dataset cards"
    if rule.phase == "post":
        kinds = "waivers of dataset cards and pipelines"
    if rule.diff_only:
        kinds += " (diff mode only: --diff-base)"
    if rule.engine_managed:
        kinds = "every file a loader claims"
    return kinds


def render_explanation(rule: Rule) -> str:
    out = [f"{rule.id} {rule.name}", ""]
    out.append(f"Default severity: {rule.severity.label}")
    out.append(f"Applies to: {applies_to(rule)}")
    out.append(f"Provided by: {rule.plugin}")
    out.append("")
    out.append(textwrap.fill(rule.doc.summary, 88))
    if rule.doc.description and rule.doc.description != rule.doc.summary:
        out.append("")
        out.append(textwrap.fill(rule.doc.description, 88))
    out.append("")
    props = (rule.parameters or {}).get("properties", {})
    if props:
        out.append("Parameters (policy: rules: {ID: {with: {...}}}):")
        for name, spec in props.items():
            default = json.dumps(spec.get("default")) if "default" in spec else "(none)"
            kind = spec.get("type", "any")
            desc = spec.get("description", "")
            out.append(f"  {name} ({kind}, default {default}): {desc}".rstrip(": "))
    else:
        out.append("Parameters: none")
    if rule.doc.bad:
        out += ["", "Example violation:", _indent(rule.doc.bad).rstrip("\n")]
    if rule.doc.good:
        out += ["", "Fix:", _indent(rule.doc.good).rstrip("\n")]
    return "\n".join(out) + "\n"
