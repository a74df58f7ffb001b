"""Find the board scripts to run: files given, and `*.board` and `*.sh` (shell scripts run
by busybox sh on the booted board) files under directories given."""

from pathlib import Path

from ..errors import InputError

PATTERNS = ("*.board", "*.sh")


def collect(paths):
    """Script paths in a stable order (directories walked sorted), each once."""
    found, seen = [], set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            scripts = sorted(p for pattern in PATTERNS for p in path.rglob(pattern) if p.is_file()
                             and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            scripts = [path]
        else:
            raise InputError(f"{given}: No such file or directory")
        for script in scripts:
            key = script.resolve()
            if key not in seen:
                seen.add(key)
                found.append(str(script))
    return found
