"""The preemption exports of the board's kernel (CONFIG_PREEMPT with CONFIG_DEBUG_PREEMPT).

With DEBUG_PREEMPT, 3.14's preempt_disable()/preempt_enable() in module code are calls to
preempt_count_add()/preempt_count_sub() (kernel/sched/core.c), preempt_enable() calls
preempt_schedule() when the count drops to zero with a reschedule pending, and
smp_processor_id() is debug_smp_processor_id() (lib/smp_processor_id.c), which reports a use
in preemptible code. The count is the word in thread_info the spinlock services change.
"""

from .hypercall import export

PREEMPT_MASK = 0xFF


class Preempt:
    def __init__(self, context, printk, symbolize, caller, current):
        """context: the AtomicContext holding the preempt count; current() -> (comm, pid)."""
        self._context, self._printk, self._symbolize = context, printk, symbolize
        self._caller, self._current = caller, current
        self._reported = set()

    @export()
    def preempt_count_add(self, val):
        if self._context.preempt_count() < 0:
            self._printk(4, "WARNING: at kernel/sched/core.c: preempt_count_add: "
                            "DEBUG_LOCKS_WARN_ON((preempt_count() < 0))")
            return
        self._context.preempt_add(val)

    @export()
    def preempt_count_sub(self, val):
        count = self._context.preempt_count()
        if val > count:
            self._printk(4, "WARNING: at kernel/sched/core.c: preempt_count_sub: "
                            "DEBUG_LOCKS_WARN_ON(val > preempt_count())")
            return
        if val <= PREEMPT_MASK and not count & PREEMPT_MASK:
            self._printk(4, "WARNING: at kernel/sched/core.c: preempt_count_sub: "
                            "DEBUG_LOCKS_WARN_ON((val < PREEMPT_MASK) && "
                            "!(preempt_count() & PREEMPT_MASK))")
            return
        self._context.preempt_add(-val)

    @export()
    def preempt_schedule(self):
        """Preempt the caller if another task should run: the emulated kernel has one
        runnable task, so (as schedule() with nothing else runnable) it returns."""
        return None

    @export()
    def debug_smp_processor_id(self):
        """CPU 0; reports a call from preemptible code (count 0, IRQs on), as
        check_preemption_disabled() does for a task allowed on every CPU."""
        in_atomic, irqs_off = self._context.atomic()
        if not (in_atomic or irqs_off):
            caller = self._caller()
            if caller not in self._reported:
                self._reported.add(caller)
                comm, pid = self._current()
                self._printk(3, f"BUG: using smp_processor_id() in preemptible "
                                f"[{self._context.preempt_count():08x}] code: {comm}/{pid}")
                self._printk(4, f"caller is {self._symbolize(caller)}")
        return 0
