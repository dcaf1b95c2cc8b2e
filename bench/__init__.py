"""`make bench`: load benchmarks of a throw-away production-mode site (see bench/run.py and docs/performance.md)."""
