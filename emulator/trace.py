"""The event catalogue and a tiny publish/subscribe hub.

Hardware models, the kernel and the CPU publish events; consumers (console LED panel, trace
files, tests) subscribe. Publishing to a kind nobody listens to costs one dict lookup, so
producers may call ``publish`` on hot paths; they should test ``kind in tracer.active`` first when
building the event's fields is itself costly.
"""

from collections import defaultdict

#: Every event kind, with the fields it carries. One place, so consumers can rely on names.
CATALOGUE = {
    "mmio_read": ("pc", "addr", "reg", "size", "value"),
    "mmio_write": ("pc", "addr", "reg", "size", "value", "old"),
    "pin": ("pin", "level"),                      # a GPIO pin's driven level changed
    "led": ("led", "on"),                         # an LED lamp changed
    "key": ("key", "pressed"),                    # a board key was pressed or released
    "irq": ("irq", "name", "phase", "ret"),       # an interrupt handler's entry and exit
    "sched": ("event", "pid", "comm", "detail"),  # switch, sleep, wakeup, exit of a task
    # a signal generated (or ignored), a handler entered, a sigreturn, a fatal default action
    "signal": ("event", "pid", "signo", "name", "detail"),
    "guest_error": ("source", "message"),         # guest did something the hardware rejects
    "unimp": ("source", "message"),               # guest used something not modelled
    "printk": ("level", "text"),
    "syscall": ("nr", "name", "args", "result"),
    "hypercall": ("name", "args", "result", "caller"),
    "fault": ("fault", "pc", "message"),
    # periph (issue 13): the board's other devices
    "beeper": ("beeper", "on", "frequency", "duty"),  # the buzzer started/stopped/retuned
    "adc": ("channel", "value", "volts"),          # an ADC conversion finished
    "i2c": ("bus", "line"),                        # one decoded bus transaction, S ... P
    "board_reset": ("source", "message"),          # the watchdog reset the board
}


class Tracer:
    """Routes events from producers to subscribers, by kind."""

    def __init__(self):
        self._subscribers = defaultdict(list)
        #: Kinds with at least one subscriber. Hot paths test `kind in tracer.active`
        #: (no call) before building an event.
        self.active = set()
        #: backlog(): publishes the events a producer recorded natively and has not published
        #: yet (the traced native syscall path, kernel/entry.py); run before any other event is
        #: delivered, so subscribers see every event in order.
        self.backlog = None

    def subscribe(self, kind, callback):
        if kind not in CATALOGUE:
            raise KeyError(f"unknown trace event kind {kind!r}")
        self._subscribers[kind].append(callback)
        self.active.add(kind)

    def unsubscribe(self, kind, callback):
        self._subscribers[kind].remove(callback)
        if not self._subscribers[kind]:
            self.active.discard(kind)

    def wants(self, kind):
        return kind in self.active

    def publish(self, kind, **fields):
        if kind in self.active:
            if self.backlog is not None:
                self.backlog()
            for callback in self._subscribers[kind]:
                callback(kind, fields)

    def flush(self):
        """Publish what producers recorded natively and not yet published (a trace file
        closing)."""
        if self.backlog is not None:
            self.backlog()
