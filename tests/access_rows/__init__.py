"""Rows of the access matrix by area: each module defines ROUTES and samples(base)."""
