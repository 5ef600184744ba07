"""Configuration and policies: finding and validating the config (:mod:`.config`); reading
policies (:mod:`.layers`), merging them (:mod:`.resolve`) with their rule entries
(:mod:`.ruleentries`) and custom rule definitions (:mod:`.customspec`) into the resolved
policy (:mod:`.types`); evaluating custom rules (:mod:`.custom`, CEL in :mod:`.expr`); the
JSON-schema checks they use (:mod:`.schemacheck`, with the proof of :mod:`.quickschema` on
:mod:`.jsonvalues` and the regex cost bound of :mod:`.regexcost`)."""
