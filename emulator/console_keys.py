"""Console commands for the board's keys: press, release, click (issue 12).

``press K2`` / ``release K2`` change the key's contact now; ``click K2 [HOLD] [bounce=N]``
presses, holds for HOLD of virtual time (default 100ms; ``0.2``, ``200ms``, ``500us``,
``1s``) and releases. With ``bounce=N`` each edge is preceded by N contact bounces, 1 ms of
virtual time apart (the contact opens and closes again N times before it settles), as a
real push button does without debouncing. An unknown key fails the command (status 1).
"""

import re

from .console import command
from .errors import CommandFailed

DEFAULT_HOLD_NS = 100_000_000
BOUNCE_NS = 1_000_000
_UNITS = {"": 1e9, "s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}


def parse_duration(text):
    """'0.2' (seconds), '200ms', '500us', '1s' -> nanoseconds; ValueError otherwise."""
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(s|ms|us|ns)?", text)
    if not match:
        raise ValueError(f"invalid duration '{text}' (e.g. 0.1, 100ms, 500us)")
    return int(float(match.group(1)) * _UNITS[match.group(2) or ""])


def _key(console, args, usage):
    if not args:
        raise CommandFailed(f"usage: {usage}")
    try:
        return console.machine.key(args[0]).name
    except KeyError as e:
        raise CommandFailed(f"{usage.split()[0]}: {e.args[0]}") from None


@command("press", "press KEY")
def cmd_press(console, args):
    console.machine.set_key(_key(console, args, "press KEY"), True)
    return 0


@command("release", "release KEY")
def cmd_release(console, args):
    console.machine.set_key(_key(console, args, "release KEY"), False)
    return 0


@command("click", "click KEY [HOLD] [bounce=N]")
def cmd_click(console, args):
    usage = "click KEY [HOLD] [bounce=N]"
    name = _key(console, args, usage)
    hold, bounce = DEFAULT_HOLD_NS, 0
    try:
        for arg in args[1:]:
            if arg.startswith("bounce="):
                bounce = int(arg[len("bounce="):])
                if bounce < 0:
                    raise ValueError("bounce must be 0 or more")
            else:
                hold = parse_duration(arg)
    except ValueError as e:
        raise CommandFailed(f"click: {e}") from None
    click(console.machine, name, hold, bounce)
    return 0


def click(machine, name, hold_ns=DEFAULT_HOLD_NS, bounce=0):
    """Press, hold, release; each edge preceded by ``bounce`` chatters 1 ms apart."""
    for pressed in (True, False):
        for _ in range(bounce):
            machine.set_key(name, pressed)
            machine.advance(BOUNCE_NS)
            machine.set_key(name, not pressed)
            machine.advance(BOUNCE_NS)
        machine.set_key(name, pressed)
        if pressed:
            machine.advance(hold_ns)
