"""The command line: click commands that parse, call the app layer and print. The only user
of click, and the only place that exits."""
