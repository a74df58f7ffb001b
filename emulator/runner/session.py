"""`emu4412 test`: collect scripts, run each on a clone of a board booted once (a forked
child; -j N: N at a time), print one line a script in input order, failure details,
and the summary `N passed, N failed`; optionally write JUnit XML."""

import functools
import os
import time

from ..errors import InputError
from . import clone, junit, report, shard
from .collect import collect
from .pool import run_parallel
from .progress import Progress, wanted as progress_wanted
from .script import FAILURE_TYPES, ScriptResult, run_script, shown_path, test_names

#: Hard wall-clock limit of one script in a worker: this + the guest timeout per command.
DEADLINE_SLACK_S = 30.0


def deadline(options, script):
    """Seconds a worker may spend on ``script`` before it is presumed wedged and killed."""
    try:
        with open(script, encoding="utf-8", errors="replace") as f:
            commands = sum(1 for text in f if text.strip() and not text.lstrip().startswith("#"))
    except OSError:
        commands = 1
    return DEADLINE_SLACK_S + options.timeout * max(1, commands)


def lost(script, reason):
    result = ScriptResult(shown_path(script), *test_names(script))
    result.fail(3, FAILURE_TYPES[3], reason)
    return result


def execute(scripts, options, jobs=1):
    """Yield each script's ScriptResult, in the order of ``scripts``.

    Where the platform forks, the board is built once here and each script runs in a forked
    child of it (clone.py), ``jobs`` at a time; elsewhere each script builds a fresh board,
    in this process or in ``jobs`` worker processes."""
    from .. import console, console_shell, machine  # noqa: F401  (imported before forking)
    limit = functools.partial(deadline, options)
    template = clone.template(options.board, options.timeout) if clone.CAN_FORK else None
    if template is not None:
        clone.warm_images(scripts, lambda s: options.rootfs or os.path.dirname(os.path.abspath(s)))
        work = functools.partial(run_script, options=options, template=template)
        yield from clone.run_warmed(template, scripts, jobs, work, limit, lost)
        return
    if jobs <= 1 or len(scripts) <= 1:
        for script in scripts:
            yield run_script(script, options)
        return
    yield from run_parallel(scripts, jobs, functools.partial(run_script, options=options),
                            limit, lost)


def run_tests(paths, options, jobs=1, junit_path=None, echo=print, shard_spec=None,
              progress=False):
    """Run the scripts found in ``paths``; returns the exit status (0 only if all passed).

    shard_spec: "K/N" to run only this job's share of the scripts (shard.py); progress: show
    a live count and ETA on stderr when it is a terminal (progress.py).
    Raises InputError when a path does not exist or no script is found."""
    scripts = collect(paths)
    if not scripts:
        raise InputError(f"no board scripts (*.board) in {' '.join(paths)}")
    name = "emu4412"
    if shard_spec is not None:
        part = shard.parse(shard_spec)
        total = len(scripts)
        scripts = shard.select(scripts, part)
        name = f"emu4412 shard {part[0]}/{part[1]}"
        echo(f"shard {part[0]}/{part[1]}: {len(scripts)} of {total} scripts")
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    started = time.perf_counter()
    results = []
    live = Progress(len(scripts)) if progress and scripts and progress_wanted() else None
    if live:
        live.show()
    for result in execute(scripts, options, jobs) if scripts else ():
        results.append(result)
        if live:
            live.clear()
        echo(report.line(result))
        if live:
            live.advance()
            live.show()
    if live:
        live.clear()
    elapsed = time.perf_counter() - started
    for result in results:
        if not result.passed:
            echo("")
            echo(report.failure(result))
    if junit_path:
        junit.write(results, elapsed, junit_path, name)
    echo("")
    echo(report.timing(len(results), elapsed, jobs))
    echo(report.summary(results))
    return 0 if all(r.passed for r in results) else 1
