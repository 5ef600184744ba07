"""The plugin manager: built-ins and third parties registered through the same pluggy hooks."""
