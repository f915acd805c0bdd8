"""Benchmarks: ``python -m bench`` (or ``make bench``) prints one table of figures and limits."""
