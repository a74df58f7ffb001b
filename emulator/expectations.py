"""Every `expect` of the console: one registry (:data:`EXPECTATIONS`).

Each entry is ``check(console, args) -> (ok, message)``, registered with :func:`expectation`
under its name with a usage line; the message says what was found against what was
expected. Bad usage (unknown LED, pin or register, a malformed number) raises
CommandFailed. A new expectation is one decorated function here.

``no-leaks`` judges every module removed so far (the resources its exit left held); modules
still loaded are not judged, as valgrind does not count memory still reachable at exit.
``no-kasan`` needs the memory checker (``machine.kasan_reports``); a build without it fails
the expectation rather than passing it unchecked.
"""

import re

from .errors import CommandFailed

STATES = {"on": True, "off": False}
LEVELS = {"0": 0, "1": 1, "low": 0, "high": 1}
#: name -> check(console, args) -> (ok, message), in the order `expect`'s usage lists them.
EXPECTATIONS = {}
#: name -> its usage line (without "expect ").
USAGES = {}


def expectation(name, usage):
    """Register check(console, args) -> (ok, message) as `expect NAME ...`."""
    def mark(fn):
        EXPECTATIONS[name] = fn
        USAGES[name] = usage
        return fn
    return mark


def usage():
    """The `expect` command's usage line, every expectation's form."""
    return "expect " + " | ".join(USAGES.values())


def _need(args, n, usage):
    if len(args) < n:
        raise CommandFailed(f"usage: expect {usage}")


def _regex(text):
    try:
        return re.compile(text)
    except re.error as e:
        raise CommandFailed(f"expect: bad regular expression /{text}/: {e}") from None


def _number(text, what):
    try:
        return int(text, 0)
    except ValueError:
        raise CommandFailed(f"expect: {what} '{text}' is not a number (e.g. 0x10000000)") from None


def read_register(machine, name):
    """The value a guest read of register ``name`` would return (no side effects, no event);
    CommandFailed if the SoC has no such register."""
    try:
        block, reg = machine.hw.register(name)
    except LookupError as e:
        raise CommandFailed(str(e)) from None
    return block.peek(reg.offset)


@expectation("led", "led NAME on|off")
def expect_led(console, args):
    _need(args, 2, "led NAME on|off")
    name, want = args[0], args[1]
    if want not in ("on", "off"):
        raise CommandFailed("expect led: state must be on or off")
    leds = console.machine.leds
    if name not in leds:
        raise CommandFailed(f"expect led: no LED {name} (board has {', '.join(leds)})")
    actual = "on" if leds[name] else "off"
    return actual == want, f"{name} is {actual}, expected {want}"


@expectation("leds", "leds NAME=on|off...")
def expect_leds(console, args):
    _need(args, 1, "leds NAME=on|off ...")
    leds = console.machine.leds
    wrong = []
    for arg in args:
        name, _, want = arg.partition("=")
        if want not in STATES:
            raise CommandFailed(f"expect leds: '{arg}': write NAME=on or NAME=off")
        if name not in leds:
            raise CommandFailed(f"expect leds: no LED {name} (board has {', '.join(leds)})")
        if leds[name] != STATES[want]:
            wrong.append(f"{name} is {'on' if leds[name] else 'off'}, expected {want}")
    return not wrong, "; ".join(wrong)


@expectation("exit", "exit N")
def expect_exit(console, args):
    """Judges the previous command's status (a failing command may be followed by this)."""
    _need(args, 1, "exit N")
    last = console.last_step
    actual = last.status if last else 0
    return str(actual) == args[0], f"exit status {actual}, expected {args[0]}"


@expectation("dmesg", "dmesg REGEX")
def expect_dmesg(console, args):
    _need(args, 1, "dmesg REGEX")
    pattern = _regex(args[0])
    return (any(pattern.search(t) for t in console.machine.log.texts()),
            f"no dmesg line matches /{args[0]}/")


@expectation("dmesg-not", "dmesg-not REGEX")
def expect_dmesg_not(console, args):
    _need(args, 1, "dmesg-not REGEX")
    pattern = _regex(args[0])
    hits = [t for t in console.machine.log.texts() if pattern.search(t)]
    return not hits, f"dmesg line matches /{args[0]}/: {hits[0]!r}" if hits else ""


@expectation("stdout", "stdout REGEX")
def expect_stdout(console, args):
    _need(args, 1, "stdout REGEX")
    pattern = _regex(args[0])
    last = console.last_step
    text = last.stdout if last else ""
    return bool(pattern.search(text)), f"stdout of line {last.line if last else 0} " \
                                       f"does not match /{args[0]}/: {text!r}"


@expectation("gpio", "gpio PIN 0|1")
def expect_gpio(console, args):
    _need(args, 2, "gpio PIN 0|1")
    if args[1] not in LEVELS:
        raise CommandFailed(f"expect gpio: level '{args[1]}' must be 0 or 1")
    try:
        pin = console.machine.hw.gpio.pin(args[0])
    except LookupError as e:
        raise CommandFailed(f"expect gpio: {e}") from None
    level = pin.level
    return level == LEVELS[args[1]], f"{pin.name} is {level} ({pin.function}), expected {LEVELS[args[1]]}"


@expectation("reg", "reg NAME VALUE [MASK]")
def expect_reg(console, args):
    _need(args, 2, "reg NAME VALUE [MASK]")
    want = _number(args[1], "value")
    mask = _number(args[2], "mask") if len(args) > 2 else 0xFFFFFFFF
    value = read_register(console.machine, args[0])
    masked = f" (masked with {mask:#010x}: {value & mask:#010x})" if len(args) > 2 else ""
    return (value & mask) == (want & mask), \
        f"{args[0].upper()} is {value:#010x}{masked}, expected {want & mask:#010x}"


@expectation("proc", "proc PATH REGEX")
def expect_proc(console, args):
    _need(args, 2, "proc PATH REGEX")
    pattern = _regex(args[1])
    data = console.machine.vfs.read_file(args[0])
    if isinstance(data, int):
        raise CommandFailed(f"expect proc: {args[0]}: No such file or directory")
    text = data.decode("utf-8", "replace")
    return bool(pattern.search(text)), f"{args[0]} does not match /{args[1]}/: {text[:200]!r}"


@expectation("no-leaks", "no-leaks")
def expect_no_leaks(console, args):
    leaks = [f"{module}: {h.kind} {h.what} (acquired at {h.site})"
             for module, held in console.machine.modules.leak_reports for h in held]
    more = f" (and {len(leaks) - 3} more)" if len(leaks) > 3 else ""
    return not leaks, f"{len(leaks)} resource(s) not released at rmmod: " \
                      f"{'; '.join(leaks[:3])}{more}"


@expectation("no-kasan", "no-kasan")
def expect_no_kasan(console, args):
    reports = getattr(console.machine, "kasan_reports", None)
    if reports is None:
        return False, "KASAN checks are not available in this build (no memory checker)"
    first = str(reports[0]).splitlines()[0] if reports else ""
    return not reports, f"{len(reports)} KASAN report(s), first: {first}"
