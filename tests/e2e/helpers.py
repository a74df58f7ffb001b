"""Running board scripts in-process (Console + StringIO) and through the CLI."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from emulator.console import Console
from emulator.machine import Machine

ROOT = Path(__file__).resolve().parents[2]


def run_script(text, rootfs, timeout_s=10.0):
    """(status, console output, machine) for a board script run in-process."""
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=timeout_s, console=out.write)
    console = Console(machine, out)
    status = console.run_lines(text.splitlines())
    return status, out.getvalue(), machine


def cli(*args, cwd=None, timeout=120, input=None):
    """Run `emu4412 ARGS` as a user would; returns CompletedProcess (text). input: its
    standard input (default: none)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=timeout, input=input,
                          stdin=None if input is not None else subprocess.DEVNULL)


def cli_json(*args, **kw):
    proc = cli(*args, "--json", **kw)
    return proc, json.loads(proc.stdout)
