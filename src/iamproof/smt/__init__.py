"""The symbolic engine: policies compiled to constraints over a symbolic request, solved with Z3.

`formula.py` and `compile_*.py` build a solver-independent formula; only `encode.py` and the query
layer import z3.
"""
