"""irq_desc: what the kernel knows about each virq (Linux include/linux/irqdesc.h,
kernel/irq/proc.c for /proc/interrupts, kernel/irq/spurious.c for "nobody cared").

A descriptor names its domain and hwirq, its irq_chip (chips.py), the flow handler that chip
set ("fasteoi", "level", "edge", or a chained demultiplexer: a Python callable), its actions
(request_irq) and its count for CPU0. Actions run guest handlers (``handler`` is a guest
address) or, for the kernel's own handlers (the GPIO EINT demultiplexer), a Python callable.
"""

from dataclasses import dataclass, field

IRQ_NONE, IRQ_HANDLED, IRQ_WAKE_THREAD = 0, 1, 2
#: IRQ_TYPE_* (include/linux/irq.h), which IRQF_TRIGGER_* equal.
IRQ_TYPE_NONE, IRQ_TYPE_EDGE_RISING, IRQ_TYPE_EDGE_FALLING = 0, 1, 2
IRQ_TYPE_EDGE_BOTH, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW = 3, 4, 8
IRQ_TYPE_SENSE_MASK, IRQ_TYPE_LEVEL_MASK = 0xF, 0xC
#: note_interrupt (kernel/irq/spurious.c): after 100000 interrupts, 99900 unhandled disable it.
SPURIOUS_WINDOW, SPURIOUS_LIMIT = 100000, 99900


@dataclass
class IrqAction:
    """struct irqaction: one request_irq on a virq."""

    handler: int                 # guest address of the irq_handler_t (0: see py)
    flags: int
    name: str
    dev_id: int
    owner: str = ""              # the module that requested it ("" for the kernel)
    thread_fn: int = 0
    py: object = None            # a Python handler(virq) -> irqreturn for kernel actions
    name_va: int = 0
    thread: object = None        # the irq thread's Task (thread.py)
    thread_mask: int = 0         # this action's bit in desc.threads_oneshot
    runthread: bool = False      # IRQTF_RUNTHREAD: the thread is due
    stopping: bool = False       # free_irq is stopping the thread
    module_owned: bool = True    # requested by a module (in the leak ledger)


@dataclass
class IrqDesc:
    """struct irq_desc: one interrupt line's chip, flow, actions and counts."""
    virq: int
    domain: str
    hwirq: int
    chip: object
    flow: object = "level"       # "fasteoi" | "level" | "edge" | callable(desc) (chained)
    actions: list = field(default_factory=list)
    count: int = 0               # kstat for CPU0
    depth: int = 1               # disable depth: 1 until the first request_irq enables it
    trigger: int = IRQ_TYPE_NONE
    unhandled: int = 0
    window: int = 0
    spurious_disabled: bool = False
    oneshot: bool = False        # IRQS_ONESHOT: requested with IRQF_ONESHOT
    threads_oneshot: int = 0     # the threads due (their thread_mask bits)
    oneshot_masked: bool = False # a flow left the line masked for the threads
    actions_mask: int = 0        # thread_mask bits in use

    @property
    def enabled(self):
        return self.depth == 0


class IrqDescs:
    """All descriptors, by virq."""

    def __init__(self):
        self.descs = {}

    def get(self, virq):
        return self.descs.get(virq)

    def add(self, desc):
        self.descs[desc.virq] = desc
        return desc

    def proc_interrupts(self):
        """/proc/interrupts as 3.14's show_interrupts prints it, for the one CPU emulated.
        nr_irqs grows with the descriptors allocated (SPARSE_IRQ), so it is the highest virq
        + 1; it sets the width of the first column."""
        nr_irqs = max(self.descs, default=15) + 1
        prec = 3
        j = 1000
        while prec < 10 and j <= nr_irqs:
            prec += 1
            j *= 10
        lines = [" " * (prec + 8) + f"{'CPU0':<11}"]
        for virq in sorted(self.descs):
            desc = self.descs[virq]
            if not desc.actions and not desc.count:
                continue
            text = f"{virq:>{prec}}: {desc.count:>10} {desc.chip.name:>8} {desc.hwirq:>{prec}}"
            if desc.actions:
                text += "  " + ", ".join(a.name for a in desc.actions)
            lines.append(text)
        for i, name in enumerate(IPI_TYPES):
            lines.append(f"{'IPI':>{prec - 1}}{i}: {0:>10}  {name}")
        lines.append(f"{'Err':>{prec}}: {0:>10}")
        return "".join(line + "\n" for line in lines)


#: arch/arm/kernel/smp.c ipi_types (shown with zero counts: one CPU is emulated).
IPI_TYPES = ("CPU wakeup interrupts", "Timer broadcast interrupts", "Rescheduling interrupts",
             "Function call interrupts", "Single function call interrupts", "CPU stop interrupts",
             "IRQ work interrupts", "completion interrupts")
