"""`--trace FILE` (JSON Lines) and `-v` (the same events as text on stderr).

Every event is stamped with virtual time and the instruction count, so two runs of the same
script write byte-identical traces. MMIO events carry the exact PC, its symbol, the register
and what the write changed pin by pin; syscalls and kernel-service calls carry arguments
and results. The file is written line by line and closed by the caller in a `finally`, so a
guest crash still leaves every event before it.
"""

import json

#: What `--trace-only` accepts -> the event kinds it selects.
GROUPS = {
    "mmio": ("mmio_read", "mmio_write"),
    "pin": ("pin",),
    "led": ("led",),
    "key": ("key",),
    "irq": ("irq",),
    "sched": ("sched",),
    "syscall": ("syscall",),
    "kernel": ("hypercall",),
    "printk": ("printk",),
    "fault": ("fault",),
    "guest_error": ("guest_error", "unimp"),
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
        self.count = 0
        self._clock, self._cpu = machine.clock, machine.cpu
        # Symbols do not move while a module stays loaded, and the same register writes
        # repeat: caches keep formatting cheap on the MMIO path.
        self.symbols = _Memo(machine.symbolize.short)
        self.changes = _Memo(machine.hw.gpio.describe_write)
        machine.symbolize.on_add.append(lambda table: self.symbols.clear())
        if {"mmio_read", "mmio_write"} & set(kinds):
            machine.track_access_pc()
        if {"syscall", "hypercall"} & set(kinds):
            machine.trace_calls()
        for kind in kinds:
            machine.tracer.subscribe(kind, self._event)

    def _event(self, kind, fields):
        icount = self._cpu.instructions
        record = {"t_ns": self._clock.at(icount), "icount": icount, "kind": kind}
        enrich = ENRICH.get(kind)
        if enrich is None:
            record.update(fields)
        else:
            enrich(self, fields, record)
        self.count += 1
        if self._jsonl is not None:
            self._jsonl.write(_encode(record) + "\n")
        if self._text is not None:
            self._text.write(render_text(record) + "\n")

    def close(self):
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
}


def render_text(record):
    sec, ns = divmod(record["t_ns"], 1_000_000_000)
    return f"[{sec:5d}.{ns // 1000:06d}] {record['kind']:<11} {TEXT[record['kind']](record)}"
