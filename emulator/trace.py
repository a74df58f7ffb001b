"""The event catalogue and a tiny publish/subscribe hub.

Hardware models, the kernel and the CPU publish events; consumers (console LED panel, trace
files, tests) subscribe. Publishing to a kind nobody listens to costs one dict lookup, so
producers may call ``publish`` on hot paths; they should test ``kind in tracer.active`` first when
building the event's fields is itself costly.
"""

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


class _NoBacklog:
    nrec = 0


class Tracer:
    """Routes events from producers to subscribers, by kind."""

    def __init__(self):
        self._subscribers = {}       # kind -> its callbacks, a tuple (speed: no copy to iterate)
        #: Kinds with at least one subscriber. Hot paths test `kind in tracer.active`
        #: (no call) before building an event.
        self.active = set()
        #: kind -> direct(*fields in CATALOGUE order), when the kind's only subscriber gave
        #: one (speed, issue 15 (e): a trace file's line writer takes an event's fields
        #: positionally, without a keyword dict or a publish frame). Hot producers call it
        #: in place of publish; it delivers the backlog itself (deliver_backlog).
        self.direct = {}
        self._directs = {}           # (kind, callback) -> its direct form
        self.deliver, self.waiting = None, _NoBacklog     # set_backlog

    def subscribe(self, kind, callback, direct=None):
        """callback(kind, fields) for each event of kind; direct: the same subscriber taking
        the fields positionally (used while it is the kind's only subscriber)."""
        if kind not in CATALOGUE:
            raise KeyError(f"unknown trace event kind {kind!r}")
        self._subscribers[kind] = self._subscribers.get(kind, ()) + (callback,)
        self.active.add(kind)
        if direct is not None:
            self._directs[kind, callback] = direct
        self._route(kind)

    def _route(self, kind):
        callbacks = self._subscribers.get(kind, ())
        direct = self._directs.get((kind, callbacks[0])) if len(callbacks) == 1 else None
        if direct is None:
            self.direct.pop(kind, None)
        else:
            self.direct[kind] = direct

    def unsubscribe(self, kind, callback):
        callbacks = list(self._subscribers[kind])
        callbacks.remove(callback)
        if callbacks:
            self._subscribers[kind] = tuple(callbacks)
        else:
            del self._subscribers[kind]
            self.active.discard(kind)
        self._directs.pop((kind, callback), None)
        self._route(kind)

    def wants(self, kind):
        return kind in self.active

    def set_backlog(self, deliver, waiting):
        """Events a producer records natively and publishes later (the traced native
        syscall path, kernel/entry.py): ``waiting.nrec`` counts those not yet published (a
        ctypes field: read on every publish without a call), ``deliver()`` publishes them.
        They are delivered before any later event, so subscribers see every event in order."""
        self.deliver, self.waiting = deliver, waiting

    def deliver_backlog(self):
        """Publish the backlog if there is one (a direct subscriber does this first:
        ``if tracer.waiting.nrec: tracer.deliver()``, inline)."""
        if self.waiting.nrec:
            self.deliver()

    def publish(self, kind, **fields):
        callbacks = self._subscribers.get(kind)
        if callbacks:
            if self.waiting.nrec:
                self.deliver()
            for callback in callbacks:
                callback(kind, fields)

    def flush(self):
        """Publish what producers recorded natively and not yet published (a trace file
        closing)."""
        if self.waiting.nrec:
            self.deliver()
