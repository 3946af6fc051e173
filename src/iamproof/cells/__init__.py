"""Glob automata and the partition of a string domain into cells.

Every pattern that a query matches against one string variable (an action, a resource, a context
key's value) splits the set of all strings into *cells*: maximal sets of strings that every pattern
treats alike. A cell is identified by its signature (the set of patterns that match its strings);
the solver then reasons over finitely many cell ids instead of strings. The partition is computed by
a breadth-first walk of the product of the patterns' automata, which also yields, for each cell, the
shortest strings that belong to it (the witnesses).
"""
