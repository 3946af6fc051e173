"""Text → JSON tree with positions → policy AST."""
