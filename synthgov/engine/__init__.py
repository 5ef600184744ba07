"""Pure evaluation: documents x rules -> findings, the run context, waivers and the report.
No I/O: everything it reads arrives through the run context."""
