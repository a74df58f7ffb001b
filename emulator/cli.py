"""The `emu4412` command: a thin click group over the console and the loaders."""

import json
import os
import sys
import time
from pathlib import Path

import click

from .errors import EmulatorError, InputError

FIRMWARE = Path(__file__).resolve().parents[1] / "firmware"
DEMO_SCRIPT = FIRMWARE / "scenarios" / "seed_demo.board"
DEMO_ROOTFS = FIRMWARE / "prebuilt"


def _open_output(path):
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as e:
        _fail(f"{path}: {e.strerror}", 2)


def _fail(message, status):
    click.echo(f"emu4412: {message}", err=True)
    sys.exit(status)


@click.group()
@click.version_option(package_name="emu4412")
def main():
    """Emulate the FS4412 board: run compiled driver modules and ARM programs."""


@main.command()
@click.argument("script", required=False, type=click.Path(dir_okay=False))
@click.option("--board", default="fs4412", show_default=True, help="Board name or TOML file.")
@click.option("--rootfs", type=click.Path(file_okay=False), help="Root filesystem directory "
              "(default: the script's directory).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds a guest call may run.")
@click.option("--trace", "trace_file", type=click.Path(dir_okay=False),
              help="Write every event as JSON Lines to FILE.")
@click.option("--trace-only", default=None, metavar="GROUPS",
              help="Comma-separated event groups for --trace/-v: "
                   "mmio,pin,led,syscall,kernel,printk,fault,guest_error (default: all).")
@click.option("-v", "--verbose", is_flag=True, help="Print the events as text on stderr.")
@click.option("--realtime", is_flag=True, help="Pace virtual time to the wall clock "
              "(sleeps take real time, for watching LEDs blink).")
def run(script, board, rootfs, as_json, timeout, trace_file, trace_only, verbose, realtime):
    """Run a board script (default: the bundled seed LED demo)."""
    from .console import Console, report
    from .debug.tracefile import ALL, TraceRecorder, parse_only
    from .machine import Machine

    try:
        kinds = parse_only(trace_only or ",".join(ALL))
    except ValueError as e:
        _fail(f"--trace-only: {e}", 2)
    if script is None:
        script, rootfs = str(DEMO_SCRIPT), rootfs or str(DEMO_ROOTFS)
    try:
        with open(script, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        _fail(f"{script}: {e.strerror}", 2)
    except UnicodeDecodeError:
        _fail(f"{script}: not a text board script", 2)
    rootfs = rootfs or os.path.dirname(os.path.abspath(script))
    if not os.path.isdir(rootfs):
        _fail(f"{rootfs}: root filesystem is not a directory", 2)
    out = sys.stderr if as_json else sys.stdout
    started = time.perf_counter()
    outputs = []            # trace writers and the like: closed even when the guest crashes
    try:
        machine = Machine(board, rootfs, timeout_s=timeout, console=out.write)
        machine.clock.realtime = realtime
        if trace_file or verbose:
            jsonl = _open_output(trace_file) if trace_file else None
            outputs.append(TraceRecorder(machine, kinds, jsonl=jsonl,
                                         text=sys.stderr if verbose else None))
            if jsonl is not None:
                outputs.append(jsonl)
        console = Console(machine, out, fancy=out.isatty())
        status = console.run_lines(lines)
    except EmulatorError as e:
        _fail(str(e), e.exit_status)
    finally:
        for output in outputs:
            output.close()
    out.flush()
    if as_json:
        click.echo(json.dumps(report(console, started)))
    sys.exit(status)


@main.command()
@click.option("--board", default="fs4412", show_default=True)
@click.option("--rootfs", default=".", type=click.Path(file_okay=False), show_default=True)
@click.option("--timeout", default=10.0, show_default=True)
def shell(board, rootfs, timeout):
    """An interactive board console (the script language, one command a line)."""
    from .console import Console
    from .machine import Machine

    machine = Machine(board, rootfs, timeout_s=timeout, console=sys.stdout.write)
    console = Console(machine, sys.stdout, fancy=sys.stdout.isatty())
    number = 0
    while True:
        try:
            line = input("[root@fs4412 ]# ") if sys.stdin.isatty() else sys.stdin.readline()
        except EOFError:
            break
        if not line and not sys.stdin.isatty():
            break
        number += 1
        if line.strip() in ("exit", "quit"):
            break
        try:
            console.run_lines([line])
        except EmulatorError as e:
            click.echo(str(e))
    sys.exit(0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
def info(file):
    """Describe a .ko (sections, imports, relocations, modinfo) or an ARM program."""
    from .info import describe

    try:
        click.echo(describe(file))
    except InputError as e:
        _fail(str(e), 2)


if __name__ == "__main__":
    main()
