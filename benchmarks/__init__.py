"""Benchmarks that print ratios measured in one run; they report, never gate."""
