"""Board-state expectations of the console beyond `led`/`exit`/`dmesg`/`stdout`.

Each entry of :data:`EXPECTATIONS` is ``check(console, args) -> (ok, message)``; the message
says what was found against what was expected. Bad usage (unknown LED, pin or register, a
malformed number) raises CommandFailed, like the console's own expectations.

``no-leaks`` judges every module removed so far (the resources its exit left held); modules
still loaded are not judged, as valgrind does not count memory still reachable at exit.
``no-kasan`` needs the memory checker (``machine.kasan_reports``); a build without it fails
the expectation rather than passing it unchecked.
"""

import re

from .errors import CommandFailed
from .hw.registers import RegisterBlock

STATES = {"on": True, "off": False}
LEVELS = {"0": 0, "1": 1, "low": 0, "high": 1}


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


def find_register(machine, name):
    """(block, offset) of the SoC register called ``name`` (any case); CommandFailed if none."""
    wanted = name.upper()
    for block in machine.hw.mmio_regions:
        if not isinstance(block, RegisterBlock):
            continue
        for reg in block.registers():
            if reg.name.upper() == wanted:
                return block, reg.offset
    raise CommandFailed(f"no register {name!r} on this SoC (names like GPX2CON)")


def read_register(machine, name):
    """The value a guest read of register ``name`` would return (no side effects, no event)."""
    block, offset = find_register(machine, name)
    return block.peek(offset)


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


def expect_reg(console, args):
    _need(args, 2, "reg NAME VALUE [MASK]")
    want = _number(args[1], "value")
    mask = _number(args[2], "mask") if len(args) > 2 else 0xFFFFFFFF
    value = read_register(console.machine, args[0])
    masked = f" (masked with {mask:#010x}: {value & mask:#010x})" if len(args) > 2 else ""
    return (value & mask) == (want & mask), \
        f"{args[0].upper()} is {value:#010x}{masked}, expected {want & mask:#010x}"


def expect_dmesg_not(console, args):
    _need(args, 1, "dmesg-not REGEX")
    pattern = _regex(args[0])
    hits = [t for t in console.machine.log.texts() if pattern.search(t)]
    return not hits, f"dmesg line matches /{args[0]}/: {hits[0]!r}" if hits else ""


def expect_no_leaks(console, args):
    leaks = [f"{module}: {h.kind} {h.what} (acquired at {h.site})"
             for module, held in console.machine.modules.leak_reports for h in held]
    more = f" (and {len(leaks) - 3} more)" if len(leaks) > 3 else ""
    return not leaks, f"{len(leaks)} resource(s) not released at rmmod: " \
                      f"{'; '.join(leaks[:3])}{more}"


def expect_no_kasan(console, args):
    reports = getattr(console.machine, "kasan_reports", None)
    if reports is None:
        return False, "KASAN checks are not available in this build (no memory checker)"
    first = str(reports[0]).splitlines()[0] if reports else ""
    return not reports, f"{len(reports)} KASAN report(s), first: {first}"


def expect_proc(console, args):
    _need(args, 2, "proc PATH REGEX")
    pattern = _regex(args[1])
    data = console.machine.vfs.read_file(args[0])
    if isinstance(data, int):
        raise CommandFailed(f"expect proc: {args[0]}: No such file or directory")
    text = data.decode("utf-8", "replace")
    return bool(pattern.search(text)), f"{args[0]} does not match /{args[1]}/: {text[:200]!r}"


EXPECTATIONS = {
    "leds": expect_leds,
    "gpio": expect_gpio,
    "reg": expect_reg,
    "dmesg-not": expect_dmesg_not,
    "no-leaks": expect_no_leaks,
    "no-kasan": expect_no_kasan,
    "proc": expect_proc,
}
