"""Counts of fuzz cases run and failures, and where failing inputs are kept."""

from pathlib import Path

REPRODUCERS = Path(__file__).resolve().parent / "reproducers"
COUNTS = {"cases": 0, "tracebacks": 0}


def count_case():
    COUNTS["cases"] += 1


def save_reproducer(name, data):
    """Keep the failing input (the last one saved is hypothesis's shrunk example)."""
    REPRODUCERS.mkdir(exist_ok=True)
    COUNTS["tracebacks"] += 1
    (REPRODUCERS / name).write_bytes(data if isinstance(data, bytes) else data.encode())
