"""A ``synthgov check`` run: prepare, discover, load (one loading path, both cores),
scope, context, evaluate, baseline, report; and the gate's inputs from the base ref."""
