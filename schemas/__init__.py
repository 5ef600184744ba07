"""JSON Schemas (draft 2020-12), shipped inside the wheel as synthgov.schemas."""
