"""The `emu4412` command: a thin click group over the console and the loaders."""

import contextlib
import gc
import json
import math
import os
import sys
import time

import click

from .boardscript import read_script
from .data import data_dir
from .errors import EmulatorError, InputError
from .kernel.fs.skeleton import board_skeleton   # the board's /bin (busybox), /etc, /tmp

DEMO_SCRIPT = data_dir("scenarios") / "seed_demo.board"
DEMO_ROOTFS = data_dir("prebuilt")


def _attach_outputs(machine, outputs, kinds, trace_file, verbose, vcd_file, plot_file,
                    audio_file=None):
    """Trace, waveform, plot and audio writers subscribed to machine, appended to outputs."""
    from .debug.tracefile import TraceRecorder
    if trace_file or verbose:
        jsonl = _open_output(trace_file) if trace_file else None
        if jsonl is not None:
            outputs.append(jsonl)
        outputs.insert(0, TraceRecorder(machine, kinds, jsonl=jsonl,
                                        text=sys.stderr if verbose else None))
    if plot_file:                                 # first: it rejects a bad extension
        try:
            from .debug.plot import PlotWriter    # imports matplotlib: only when asked
        except ImportError:
            _fail("--plot needs matplotlib: pip install 'emu4412[plot]'", 2)
        outputs.append(PlotWriter(machine, plot_file))
    if vcd_file:
        from .debug.vcd import VcdWriter
        stream = _open_output(vcd_file)
        outputs.append(stream)
        outputs.insert(0, VcdWriter(machine, stream))    # writers close before their files
    if audio_file:                                # periph (issue 13): the beeper as a WAV
        from .debug.audio import AudioWriter
        try:
            stream = open(audio_file, "wb")
        except OSError as e:
            _fail(f"--audio {audio_file}: cannot write: {e.strerror}", 2)
        outputs.append(stream)
        outputs.insert(0, AudioWriter(machine, stream))


def _wait_for_gdb(machine, port, outputs):
    from .debug.gdbstub import GdbStub
    stub = GdbStub(machine, port, sys.stderr)
    outputs.insert(0, stub)
    try:
        stub.wait_for_gdb()
    except OSError as e:
        _fail(f"--gdb {port}: {e.strerror}", 2)


def _close_all(outputs):
    """Close every output even if one fails (a full disk): report each failure on one line."""
    for output in outputs:
        try:
            output.close()
        except OSError as e:
            click.echo(f"emu4412: {getattr(output, 'name', type(output).__name__)}: "
                       f"{e.strerror}", err=True)


@contextlib.contextmanager
def _start_up():
    """Start-up (the imports, the board's build) makes objects that live all run and little
    garbage: no collections while it runs (they cost ~10 ms of a seed demo), and what it made
    is frozen out of the collector's sight after (15-20 ms of collections later)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _read_script(path):
    try:
        return read_script(path)
    except InputError as e:
        _fail(str(e), 2)


def _open_output(path):
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as e:
        _fail(f"{path}: {e.strerror}", 2)


DT_HELP = ("Device tree the board boots with: a .dtb, or a .dts (may #include \"fs4412.dts\" "
           "and <dt-bindings/...>). Default: the board's own fs4412.dtb.")


def _dt_of(lines, script, dt):
    """A script's own `dt FILE` line wins over --dt (issue 11)."""
    from .console import script_dt
    return (script_dt(lines, os.path.dirname(os.path.abspath(script))) if script else None) or dt


def _fail(message, status, console=None, started=None):
    """One line on stderr and exit; under `run --json` also the one JSON object on stdout."""
    click.echo(f"emu4412: {message}", err=True)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("as_json"):
        click.echo(json.dumps(_error_report(message, status, console, started)))
    sys.exit(status)


def _error_report(message, status, console, started):
    """The --json object for a run that stopped with an error (DESIGN.md section 3)."""
    if console is not None:
        from .console import report
        obj = report(console, started)
        obj.update(ok=False, exit_code=status)
    else:
        obj = {"ok": False, "exit_code": status, "steps": [], "leds": {}, "dmesg": [],
               "stats": {}}
    obj["error"] = message
    return obj


def _seconds(allow_zero):
    """A click callback: --timeout must be a finite number of seconds, > 0 (or 0 if allowed)."""
    def check(_ctx, param, value):
        if not (math.isfinite(value) and (value > 0 or allow_zero and value == 0)):
            raise click.BadParameter(f"{value!r}: must be a {'non-negative' if allow_zero else 'positive'}"
                                     " finite number of seconds", param=param)
        return value
    return check


def _optional_seconds(ctx, param, value):
    """--timeout of `shell`: None (the mode's default) or a finite number of seconds >= 0."""
    return None if value is None else _seconds(True)(ctx, param, value)


class _Group(click.Group):
    """click's group, keeping the --json contract also for a usage error (exit 2)."""

    def main(self, args=None, **kwargs):
        args = list(sys.argv[1:] if args is None else args)
        try:
            return super().main(args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except click.ClickException as e:
            e.show()
            if args[:1] == ["run"] and "--json" in args:
                click.echo(json.dumps(_error_report(e.format_message(), e.exit_code, None, None)))
            sys.exit(e.exit_code)


@click.group(cls=_Group)
@click.version_option(package_name="emu4412")
def main():
    """Emulate the FS4412 board: run compiled driver modules and ARM programs."""


@main.command()
@click.argument("script", required=False, type=click.Path(dir_okay=False))
@click.option("--board", default="fs4412", show_default=True, help="Board name or TOML file.")
@click.option("--rootfs", type=click.Path(file_okay=False), help="Root filesystem directory "
              "(default: the script's directory).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option("--timeout", default=10.0, show_default=True, callback=_seconds(False),
              help="Seconds a guest call may run.")
@click.option("--trace", "trace_file", type=click.Path(dir_okay=False),
              help="Write every event as JSON Lines to FILE.")
@click.option("--trace-only", default=None, metavar="GROUPS",
              help="Comma-separated event groups for --trace/-v: "
                   "mmio,pin,led,key,irq,sched,syscall,kernel,printk,fault,guest_error,periph "
                   "(default: all).")
@click.option("-v", "--verbose", is_flag=True, help="Print the events as text on stderr.")
@click.option("--max-time", "max_time", type=click.FloatRange(min=0, min_open=True),
              default=3600.0, show_default=True,
              help="Virtual seconds of board time the run may last (a `while (1) sleep(1);` "
                   "app stops there with status 3).")
@click.option("--realtime", is_flag=True, help="Pace virtual time to the wall clock "
              "(sleeps take real time, for watching LEDs blink).")
@click.option("--gdb", "gdb_port", type=click.IntRange(1, 65535), metavar="PORT",
              help="Wait for gdb-multiarch on 127.0.0.1:PORT (stops before the script and "
                   "at each module load).")
@click.option("--vcd", "vcd_file", type=click.Path(dir_okay=False),
              help="Write the LEDs and changed GPIO pins as a VCD waveform (GTKWave) to FILE.")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False),
              help="Draw the LED/pin timeline to FILE.png or FILE.svg.")
@click.option("--audio", "audio_file", type=click.Path(dir_okay=False),
              help="Write what the beeper played over virtual time to FILE.wav.")
@click.option("--no-kasan", is_flag=True, help="Switch the memory checker off (slab "
              "out-of-bounds, use-after-free, double/invalid free; it slows slab accesses).")
@click.option("--force-vermagic", is_flag=True, help="Load modules whose vermagic names "
              "another kernel release or configuration, tainting the kernel (as modprobe "
              "--force-vermagic; the board's own kernel lacks CONFIG_MODULE_FORCE_LOAD).")
@click.option("--no-leak-check", is_flag=True, help="Do not track who holds kernel memory "
              "(rmmod then reports only ioremaps, chrdev regions and cdevs).")
@click.option("--dt", "dt", type=click.Path(dir_okay=False), help=DT_HELP)
@click.option("--shell", "as_shell", is_flag=True, help="SCRIPT is a shell script: boot the "
              "board (init, rcS) and run it with busybox sh (also when its first line is "
              "#!/bin/sh).")
def run(script, board, rootfs, as_json, timeout, trace_file, trace_only, verbose, max_time,
        realtime, gdb_port, vcd_file, plot_file, audio_file, no_kasan, force_vermagic,
        no_leak_check, dt, as_shell):
    """Run a board script (default: the bundled seed LED demo)."""
    with _start_up():
        from .console_shell import is_shell_script, run_shell_script   # process model (14)
        from .console import Console, report
        from .debug.tracefile import ALL, parse_only
        from .machine import Machine
    try:
        kinds = parse_only(trace_only or ",".join(ALL))
    except ValueError as e:
        _fail(f"--trace-only: {e}", 2)
    if script is None:
        script, rootfs = str(DEMO_SCRIPT), rootfs or str(DEMO_ROOTFS)
    lines = _read_script(script)
    rootfs = rootfs or os.path.dirname(os.path.abspath(script))
    if not os.path.isdir(rootfs):
        _fail(f"{rootfs}: root filesystem is not a directory", 2)
    out = sys.stderr if as_json else sys.stdout
    started = time.perf_counter()
    outputs = []            # trace writers and the like: closed even when the guest crashes
    console = None
    try:
        # Under gdb the guest sits stopped for as long as the user likes: no time limit.
        with _start_up():
            machine = Machine(board, rootfs, timeout_s=0 if gdb_port else timeout,
                              console=out.write, kasan=not no_kasan,
                              leak_check=not no_leak_check, skeleton=board_skeleton(),
                              dt=_dt_of(lines, script, dt), force_vermagic=force_vermagic,
                              max_time_s=max_time)
        machine.clock.realtime = realtime
        _attach_outputs(machine, outputs, kinds, trace_file, verbose, vcd_file, plot_file,
                        audio_file)
        if gdb_port:
            _wait_for_gdb(machine, gdb_port, outputs)
        console = Console(machine, out, fancy=out.isatty())
        if as_shell or is_shell_script(lines):                 # busybox sh on the board
            status = run_shell_script(console, script, rootfs)
        else:
            status = console.run_lines(lines)
    except EmulatorError as e:
        _close_all(outputs)
        outputs = []
        out.flush()
        _fail(str(e), e.exit_status, console, started)
    finally:
        _close_all(outputs)
    out.flush()
    if as_json:
        click.echo(json.dumps(report(console, started)))
    sys.exit(status)


@main.command()
@click.argument("script", type=click.Path(dir_okay=False))
@click.option("--board", default="fs4412", show_default=True)
@click.option("--rootfs", type=click.Path(file_okay=False), help="Root filesystem directory "
              "(default: the script's directory).")
@click.option("-x", "--commands", type=click.File("r"), help="Read debugger commands from "
              "FILE instead of the terminal.")
@click.option("--timeout", default=0.0, show_default=True, callback=_seconds(True),
              help="Seconds a guest call may run (0: no limit, for sitting at the prompt).")
@click.option("--dt", "dt", type=click.Path(dir_okay=False), help=DT_HELP)
def debug(script, board, rootfs, commands, timeout, dt):
    """Run a board script under the debugger: break, watch, step, inspect."""
    from .console import Console
    from .debug.debugger import Debugger
    from .machine import Machine

    lines = _read_script(script)
    rootfs = rootfs or os.path.dirname(os.path.abspath(script))
    inp = commands or sys.stdin
    try:
        machine = Machine(board, rootfs, timeout_s=timeout, console=sys.stdout.write,
                          skeleton=board_skeleton(), dt=_dt_of(lines, script, dt))
        debugger = Debugger(machine, inp, sys.stdout)
        debugger.attach()
        click.echo("emu4412 debugger: set breakpoints (break myled_ioctl, watch GPX2DAT), "
                   "then `run`; `help` lists the commands")
        debugger.repl()
        status = Console(machine, sys.stdout, inp=inp).run_lines(lines)
    except EmulatorError as e:
        _fail(str(e), e.exit_status)
    sys.exit(status)


@main.command()
@click.option("--board", default="fs4412", show_default=True)
@click.option("--rootfs", default=".", type=click.Path(file_okay=False), show_default=True)
@click.option("--timeout", default=None, type=float, callback=_optional_seconds,
              help="Seconds a guest call may run (default: no limit at the busybox prompt, "
                   "where Ctrl-C stops a program; 10 with --console; 0: no limit).")
@click.option("--dt", "dt", type=click.Path(dir_okay=False), help=DT_HELP)
@click.option("--force-vermagic", is_flag=True, help="Load modules whose vermagic names "
              "another kernel release or configuration, tainting the kernel (as modprobe "
              "--force-vermagic; the board's own kernel lacks CONFIG_MODULE_FORCE_LOAD).")
@click.option("--console", "as_console", is_flag=True, help="The emulator's console language "
              "(board-script commands, one a line) instead of the board's busybox shell.")
def shell(board, rootfs, timeout, dt, force_vermagic, as_console):
    """Boot the board to its busybox shell on the console (init, rcS, sh); with --console
    an interactive board-script console."""
    from .console import Console
    from .machine import Machine

    if not as_console:
        _busybox_shell(board, rootfs, timeout or 0, dt, force_vermagic)
    timeout = 10.0 if timeout is None else timeout
    try:
        machine = Machine(board, rootfs, timeout_s=timeout, console=sys.stdout.write,
                          skeleton=board_skeleton(), dt=dt,
                          force_vermagic=force_vermagic)
    except EmulatorError as e:
        _fail(str(e), e.exit_status)
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


def _busybox_shell(board, rootfs, timeout, dt, force_vermagic):
    """`emu4412 shell`: the booted board's console on the host terminal (console_shell.py)."""
    from .console_shell import HostTerminal, interactive
    from .machine import DEFAULT_MAX_TIME_S, Machine

    with HostTerminal(sys.stdin.fileno()) as terminal:
        raw = terminal.is_tty

        def show(text):
            sys.stdout.write(text.replace("\n", "\r\n") if raw else text)
            sys.stdout.flush()
        try:
            machine = Machine(board, rootfs, timeout_s=timeout, console=show,
                              skeleton=board_skeleton(), dt=dt, force_vermagic=force_vermagic,
                              max_time_s=None if raw else DEFAULT_MAX_TIME_S)
            reason = interactive(machine, terminal)
        except EmulatorError as e:
            show("\n")
            _fail(str(e), e.exit_status)
    if reason == "done":
        click.echo("\nemu4412: the console's shell ended", err=True)
    sys.exit(0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--board", default="fs4412", show_default=True, help="Board name or TOML file "
              "whose kernel the module is checked against.")
def info(file, board):
    """Describe a .ko (sections, imports, relocations, modinfo, and whether the board's
    kernel takes it: vermagic, relocations, ABI, exports) or an ARM program."""
    from .info import describe

    try:
        click.echo(describe(file, board))
    except InputError as e:
        _fail(str(e), 2)


@main.command()
def sdk():
    """Print the SDK's path: make -C "$(emu4412 sdk)" M=$PWD modules builds a module."""
    click.echo(data_dir("sdk"))


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes (0: one per CPU).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Write JUnit XML here.")
@click.option("--update-golden", is_flag=True, help="Rewrite the golden traces from this run.")
@click.option("--board", default="fs4412", show_default=True, help="Board name or TOML file.")
@click.option("--rootfs", type=click.Path(file_okay=False), help="Root filesystem for every "
              "script (default: each script's directory).")
@click.option("--timeout", default=10.0, show_default=True, callback=_seconds(False),
              help="Seconds a guest call may run.")
@click.option("--shard", "shard_spec", metavar="K/N", help="Run only shard K of N (a CI job "
              "matrix: each script lands in one shard, by its path).")
@click.option("--progress", is_flag=True, help="Show a live count and ETA on a terminal "
              "(off when stderr is not a terminal or CI is set).")
@click.option("--dt", "dt", type=click.Path(dir_okay=False), help=DT_HELP)
@click.option("--force-vermagic", is_flag=True, help="Load modules whose vermagic names "
              "another kernel release or configuration, tainting the kernel (as modprobe "
              "--force-vermagic; the board's own kernel lacks CONFIG_MODULE_FORCE_LOAD).")
def test_command(paths, jobs, junit_path, update_golden, board, rootfs, timeout, shard_spec,
                 progress, dt, force_vermagic):
    """Run board scripts (files, and *.board under directories), each on a clone of a
    board booted once (as a fresh board would run it); shell scripts (*.sh, #!/bin/sh) boot
    a board of their own and run in busybox sh."""
    from .hw.board import load_board
    from .runner.script import Options
    from .runner.session import run_tests

    if rootfs and not os.path.isdir(rootfs):
        _fail(f"{rootfs}: root filesystem is not a directory", 2)
    try:
        load_board(board)
        status = run_tests(paths, Options(board, rootfs, timeout, update_golden,
                                                 os.path.abspath(dt) if dt else None,
                                                 force_vermagic), jobs,
                           junit_path, echo=lambda text: click.echo(text),
                           shard_spec=shard_spec, progress=progress)
    except InputError as e:
        _fail(str(e), 2)
    sys.exit(status)


if __name__ == "__main__":
    main()
