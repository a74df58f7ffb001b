"""Board scripts (`*.board`): reading a file and splitting it into commands.

One command per line, `#` comments, shell quoting (README.md, Usage). The console, the
test runner (`emu4412 test`, golden-trace detection) and the CLI all read scripts here.
"""

import shlex
from typing import NamedTuple

from .errors import InputError, ScriptError


class ScriptLine(NamedTuple):
    number: int          # 1-based line number in the file
    text: str            # the line as written, stripped
    words: list          # the command and its arguments, unquoted


def read_script(path) -> list[str]:
    """The lines of the script at ``path``; InputError (status 2) if it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text board script") from None


def parse_lines(lines, strict=True) -> list[ScriptLine]:
    """The commands of ``lines`` (blank and comment lines dropped). A line shlex cannot split
    raises ScriptError (status 2), or is skipped when not ``strict``."""
    parsed = []
    for number, text in enumerate(lines, 1):
        try:
            if "\0" in text:
                raise ValueError("NUL byte in the script")
            words = shlex.split(text, comments=True)
        except ValueError as e:
            if strict:
                raise ScriptError(f"line {number}: {e}") from None
            continue
        if words:
            parsed.append(ScriptLine(number, text.strip(), words))
    return parsed


def uses_command(lines, name) -> bool:
    """Whether any line of a script runs command ``name`` (parsed as the console does)."""
    return any(line.words[0] == name for line in parse_lines(lines, strict=False))
