"""`--trace FILE` (JSON Lines) and `-v` (the same events as text on stderr).

Every event is stamped with virtual time and the instruction count, so two runs of the same
script write byte-identical traces. MMIO events carry the exact PC, its symbol, the register
and what the write changed pin by pin; syscalls and kernel-service calls carry arguments
and results. The file is written line by line and closed by the caller in a `finally`, so a
guest crash still leaves every event before it.
"""

import json
from operator import itemgetter

from ..kernel.clock import CPU_HZ
from ..trace import CATALOGUE

#: What `--trace-only` accepts -> the event kinds it selects.
GROUPS = {
    "mmio": ("mmio_read", "mmio_write"),
    "pin": ("pin",),
    "led": ("led",),
    "key": ("key",),
    "irq": ("irq",),
    "sched": ("sched",),
    "signal": ("signal",),
    "syscall": ("syscall",),
    "kernel": ("hypercall",),
    "printk": ("printk",),
    "fault": ("fault",),
    "guest_error": ("guest_error", "unimp"),
    "periph": ("beeper", "adc", "i2c", "board_reset"),   # periph (issue 13)
}
ALL = tuple(GROUPS)


def parse_only(text):
    """'mmio,led' -> the event kinds; ValueError naming an unknown group."""
    kinds = []
    for group in filter(None, (g.strip() for g in text.split(","))):
        if group not in GROUPS:
            raise ValueError(f"unknown trace group {group!r} (groups: {', '.join(GROUPS)})")
        kinds += GROUPS[group]
    return tuple(dict.fromkeys(kinds))


def _hex(v):
    return None if v is None else f"{v:#010x}"


def _make_encoder():
    """A compact JSON encoder built once: json.JSONEncoder.encode rebuilds its C encoder on
    every call, which is most of the cost of a trace line."""
    c_make = json.encoder.c_make_encoder
    if c_make is None:                                  # no C accelerator: the plain way
        return json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    chunks = c_make(None, lambda o: str(o), json.encoder.encode_basestring_ascii, None,
                    ":", ",", False, False, True)
    return lambda record: "".join(chunks(record, 0))


_encode = _make_encoder()
#: JSON lines written per write call.
BATCH = 256


class _Memo(dict):
    """A dict that fills itself from a function: symbols and decoded changes repeat a lot."""

    def __init__(self, fn):
        super().__init__()
        self._fn = fn

    def __missing__(self, key):
        value = self[key] = self._fn(*key) if isinstance(key, tuple) else self._fn(key)
        return value


class TraceRecorder:
    """Subscribes to a machine's events; writes JSON lines and/or human-readable lines."""

    def __init__(self, machine, kinds, jsonl=None, text=None):
        """jsonl, text: writable text streams (either may be None)."""
        self.m, self._jsonl, self._text = machine, jsonl, text
        self._count = 0              # events recorded, apart from the pending lines
        self._pending = []           # encoded JSON lines not yet written
        self._clock, self._cpu = machine.clock, machine.cpu
        # Symbols do not move while a module stays loaded, and the same register writes
        # repeat: caches keep formatting cheap on the MMIO path.
        self.symbols = _Memo(machine.symbolize.short)
        self.changes = _Memo(machine.hw.describe_write)
        # speed: the JSON text of a record after its time stamps, by kind and the event's
        # fields, for kinds whose records depend on nothing else (symbols aside: cleared
        # with them).
        self._lines = {kind: {} for kind in LINE_KEYS}
        self._fast = jsonl is not None and text is None
        # speed: the time stamps' text, kept while the block counter's byte count and the
        # virtual time slept stay (an MMIO write, the pin and the LED it changed share it)
        self._stamp = [-1, -1, ""]
        machine.symbolize.on_add.append(self._symbols_changed)
        if {"mmio_read", "mmio_write"} & set(kinds):
            machine.track_access_pc()
        if {"syscall", "hypercall"} & set(kinds):
            machine.trace_calls()
        for kind in kinds:
            if self._fast and kind in LINE_KEYS:
                machine.tracer.subscribe(kind, self._line_writer(kind),
                                         direct=self._direct_writer(kind))
            else:
                machine.tracer.subscribe(kind, self._event)

    @property
    def count(self):
        """Events recorded."""
        return self._count + (len(self._pending) if self._jsonl is not None else 0)

    def _symbols_changed(self, _table):
        self.symbols.clear()
        for lines in self._lines.values():
            lines.clear()

    def _line_writer(self, kind):
        """The subscriber of a LINE_KEYS kind when only JSON lines are written: its line after
        the time stamps is looked up by the event's fields (speed: the hot path of a traced
        MMIO access or syscall is a look-up and one f-string)."""
        key_of, size = LINE_KEYS[kind], LINE_FIELDS[kind]
        lines, pending, clock = self._lines[kind], self._pending, self._clock
        stamp, counters = self._stamp, self._cpu.counters       # counters.bytes // 4: icount

        def write(_kind, fields):
            try:
                rest = lines[key_of(fields)] if len(fields) == size else None
            except KeyError:
                rest = self._remember(kind, fields)
            except TypeError:                      # an unhashable field value
                rest = None
            if rest is None:                       # fields the kind does not usually carry
                self._record(kind, fields, self._cpu.instructions)
                return
            count, slept = counters.bytes, clock.slept_ns
            if count != stamp[0] or slept != stamp[1]:
                icount = count // 4                # Clock.at(icount), without the call:
                t_ns = icount * 1_000_000_000 // CPU_HZ + slept     # test_trace_lines checks
                stamp[:] = count, slept, f'{{"t_ns":{t_ns},"icount":{icount},'
            pending.append(stamp[2] + rest)
            if len(pending) >= BATCH:
                self._write_pending()
        return write

    def _direct_writer(self, kind):
        """_line_writer's work for the fields given positionally, in CATALOGUE order (the
        tracer's direct route, speed: no keyword dict, no publish frame, and the fields'
        tuple is the look-up key). Delivers the tracer's backlog first, as publish does."""
        names, tracer = CATALOGUE[kind], self.m.tracer
        lines, pending, clock = self._lines[kind], self._pending, self._clock
        stamp, counters = self._stamp, self._cpu.counters

        def direct(*values):
            if tracer.waiting.nrec:
                tracer.deliver()
            try:
                rest = lines[values]
            except KeyError:
                rest = self._remember(kind, dict(zip(names, values)))
            except TypeError:                      # an unhashable field value
                self._record(kind, dict(zip(names, values)), self._cpu.instructions)
                return
            count, slept = counters.bytes, clock.slept_ns
            if count != stamp[0] or slept != stamp[1]:
                icount = count // 4
                t_ns = icount * 1_000_000_000 // CPU_HZ + slept
                stamp[:] = count, slept, f'{{"t_ns":{t_ns},"icount":{icount},'
            pending.append(stamp[2] + rest)
            if len(pending) >= BATCH:
                self._write_pending()

        def direct_syscall(nr, name, args, result):    # the key has the arguments' tuple
            if tracer.waiting.nrec:
                tracer.deliver()
            try:
                rest = lines[nr, name, tuple(args), result]
            except KeyError:
                rest = self._remember(kind, {"nr": nr, "name": name, "args": args,
                                             "result": result})
            except TypeError:                      # an unhashable field value
                self._record(kind, {"nr": nr, "name": name, "args": args, "result": result},
                             self._cpu.instructions)
                return
            count, slept = counters.bytes, clock.slept_ns
            if count != stamp[0] or slept != stamp[1]:
                icount = count // 4
                t_ns = icount * 1_000_000_000 // CPU_HZ + slept
                stamp[:] = count, slept, f'{{"t_ns":{t_ns},"icount":{icount},'
            pending.append(stamp[2] + rest)
            if len(pending) >= BATCH:
                self._write_pending()
        return direct_syscall if kind == "syscall" else direct

    def _remember(self, kind, fields):
        """Encode the record after its time stamps and remember it for its fields."""
        record = {"kind": kind}
        enrich = ENRICH.get(kind)
        if enrich is None:
            record.update(fields)
        else:
            enrich(self, fields, record)
        lines = self._lines[kind]
        if len(lines) >= LINES_KEPT:
            lines.clear()
        rest = lines[LINE_KEYS[kind](fields)] = _encode(record)[1:]
        return rest

    def _event(self, kind, fields):
        self._record(kind, fields, self._cpu.instructions)

    def _record(self, kind, fields, icount):
        record = {"t_ns": self._clock.at(icount), "icount": icount, "kind": kind}
        enrich = ENRICH.get(kind)
        if enrich is None:
            record.update(fields)
        else:
            enrich(self, fields, record)
        if self._jsonl is None:
            self._count += 1
        else:
            # speed: lines are written BATCH at a time (one write call, not one per event);
            # close() writes the rest, and the caller closes in a `finally`.
            pending = self._pending
            pending.append(_encode(record))
            if len(pending) >= BATCH:
                self._write_pending()
        if self._text is not None:
            self._text.write(render_text(record) + "\n")

    def _write_pending(self):
        if self._pending:
            self._jsonl.write("\n".join(self._pending) + "\n")
            self._count += len(self._pending)
            self._pending.clear()

    def close(self):
        self.m.tracer.flush()                  # events recorded natively, not yet published
        if self._jsonl is not None:
            self._write_pending()
        for stream in (self._jsonl, self._text):
            if stream is not None:
                stream.flush()


# -- per-kind record fields, added to the record (rec: the TraceRecorder) --------------------
def _mmio(rec, f, record):
    pc = f["pc"]
    record["pc"] = _hex(pc)
    record["sym"] = rec.symbols[pc] if pc else None
    record["addr"] = f"{f['addr']:#010x}"
    record["reg"] = f["reg"]
    record["size"] = f["size"]
    record["value"] = f"{f['value']:#010x}"
    if "old" in f:
        old = f["old"] or 0
        record["old"] = f"{old:#010x}"
        record["change"] = rec.changes[f["reg"], old, f["value"]]


def _syscall(rec, f, record):
    result = f["result"]
    record.update(nr=f["nr"], name=f["name"], args=[_hex(a) for a in f["args"]],
                  result=result if isinstance(result, int) else str(result))


def _hypercall(rec, f, record):
    result = f["result"]
    if isinstance(result, tuple):
        result = [_hex(r) for r in result]
    elif isinstance(result, int):
        result = _hex(result)
    args = [_hex(a) if isinstance(a, int) else "..." for a in f["args"]]
    record.update(name=f["name"], args=args, result=result, caller=rec.symbols[f["caller"]])


def _fault(rec, f, record):
    record.update(fault=f["fault"], pc=_hex(f["pc"]), sym=rec.symbols[f["pc"]],
                  message=f["message"])


ENRICH = {"mmio_read": _mmio, "mmio_write": _mmio, "syscall": _syscall,
          "hypercall": _hypercall, "fault": _fault}

#: Kinds whose JSON line (after the time stamps) is a function of the event's fields (and
#: the symbols): the fields that decide it, hashable. The ioctl loop repeats the same few
#: MMIO, pin, LED and syscall events, so most lines are a look-up and one f-string.
LINE_KEYS = {
    "mmio_read": itemgetter("pc", "addr", "reg", "size", "value"),
    "mmio_write": itemgetter("pc", "addr", "reg", "size", "value", "old"),
    "pin": itemgetter("pin", "level"),
    "led": itemgetter("led", "on"),
    "syscall": lambda f: (f["nr"], f["name"], tuple(f["args"]), f["result"]),
}
LINE_FIELDS = {kind: len(CATALOGUE[kind]) for kind in LINE_KEYS}
#: Lines remembered at most per kind (then forgotten at once: traces with few repeats stay
#: cheap).
LINES_KEPT = 4096


# -- text form (-v) ----------------------------------------------------------------------------
def _text_mmio(r):
    if r["kind"] == "mmio_read":
        return f"{r['reg']} -> {r['value']} ({r['size'] * 8}-bit read at {r['sym']})"
    change = "  " + ", ".join(r["change"]) if r.get("change") else ""
    return f"{r['reg']} <- {r['value']} (was {r['old']}) at {r['sym']}{change}"


TEXT = {
    "mmio_read": _text_mmio,
    "mmio_write": _text_mmio,
    "pin": lambda r: f"{r['pin']} = {'z' if r['level'] is None else r['level']}",
    "led": lambda r: f"{r['led']} {'on' if r['on'] else 'off'}",
    "sched": lambda r: f"{r['event']} {r['comm']}/{r['pid']}{' ' + r['detail'] if r['detail'] else ''}",
    "key": lambda r: f"{r['key']} {'pressed' if r['pressed'] else 'released'}",
    "signal": lambda r: (f"{r['event']} {r['name']} pid {r['pid']}"
                         f"{' ' + r['detail'] if r['detail'] else ''}"),
    "irq": lambda r: (f"softirq {r['name']}" if r["irq"] is None
                      else f"irq {r['irq']} {r['name']} entry" if r["phase"] == "entry"
                      else f"irq {r['irq']} {r['name']} exit: "
                           f"{ {0: 'IRQ_NONE', 1: 'IRQ_HANDLED'}.get(r['ret'], r['ret'])}"),
    "syscall": lambda r: f"{r['name']}({', '.join(r['args'])}) = {r['result']}",
    "hypercall": lambda r: f"{r['name']}({', '.join(r['args'])}) = {r['result']}  from {r['caller']}",
    "printk": lambda r: f"<{r['level']}> {r['text']}",
    "fault": lambda r: f"{r['message']}",
    "guest_error": lambda r: f"{r['source']}: {r['message']}",
    "unimp": lambda r: f"{r['source']}: {r['message']}",
    # periph (issue 13)
    "beeper": lambda r: (f"{r['beeper']} on {r['frequency']:.1f} Hz duty {round(r['duty'] * 100)}%"
                         if r["on"] else f"{r['beeper']} off"),
    "adc": lambda r: f"{r['channel']} = {r['value']} ({r['volts']:.3f} V)",
    "i2c": lambda r: f"{r['bus']}: {r['line']}",
    "board_reset": lambda r: f"{r['source']}: {r['message']}",
}


def render_text(record):
    sec, ns = divmod(record["t_ns"], 1_000_000_000)
    return f"[{sec:5d}.{ns // 1000:06d}] {record['kind']:<11} {TEXT[record['kind']](record)}"
