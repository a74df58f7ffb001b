"""The text report of `emu4412 test`: one line a script, failure details, the summary line."""

REPORT_TAIL = 15
MARKS = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


def headline(result):
    """What failed in one line: `line N (command): message` (the message alone if no step)."""
    at = f"line {result.line} ({result.command}): " if result.line else ""
    return at + result.message


def line(result):
    """`PASS path` or `FAIL path: line N (command): message`, plus any notes."""
    text = f"{MARKS[result.outcome]} {result.path}"
    if not result.passed:
        text += f": {headline(result)}"
    return text + "".join(f" [{note}]" for note in result.notes)


def failure(result, header=True, console=True):
    """The details block of a failed script (pytest shows its own header and console)."""
    out = [f"---- FAIL {result.path} ({result.kind}) ----"] if header else [headline(result)]
    if header and result.message not in result.details:
        out.append(result.message)
    if result.details:
        out.append(result.details)
    if console and result.output:
        out.append(f"console (last {REPORT_TAIL} lines):")
        out += ["  " + text for text in result.output.splitlines()[-REPORT_TAIL:]]
    return "\n".join(out)


def summary(results):
    """`N passed, N failed` (`, N skipped` when some were)."""
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in MARKS}
    text = f"{counts['passed']} passed, {counts['failed']} failed"
    return text + (f", {counts['skipped']} skipped" if counts["skipped"] else "")


def timing(count, seconds, jobs):
    rate = count / seconds if seconds > 0 else 0.0
    return (f"{count} script{'s' if count != 1 else ''} in {seconds:.2f} s "
            f"({rate:.1f} scripts/s, {jobs} job{'s' if jobs != 1 else ''})")
