"""Worlds: what an account holds (principals, functions, APIs) and the paths between them."""
