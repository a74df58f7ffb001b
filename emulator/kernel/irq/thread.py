"""Threaded interrupt handlers (Linux kernel/irq/manage.c: irq_thread, irq_wake_thread,
irq_finalize_oneshot; 3.14).

request_threaded_irq() with a thread_fn creates a kernel thread "irq/VIRQ-NAME" (ps shows
it) and starts it: it sleeps (TASK_INTERRUPTIBLE) until the primary handler returns
IRQ_WAKE_THREAD, then runs thread_fn(irq, dev_id) in process context, where it may sleep.
The thread is a five-instruction loop in kernel memory: call irq_thread_wait() (this module:
the next (irq, dev_id, thread_fn), or sleep until woken), call thread_fn, call
irq_thread_done() with its result, repeat. With IRQF_ONESHOT the level and fasteoi flows keep
the line masked while a thread is due (desc.threads_oneshot) and irq_thread_done() unmasks it
(3.14's edge flow never masks). 3.14 runs irq threads SCHED_FIFO: a woken one goes to the
front of the run queue, so it runs before the normal tasks. free_irq() stops the thread
(kthread_stop): a thread still inside thread_fn is waited for from module exit.
"""

import struct

from ...errors import GuestTimeout, Unimplemented
from ..hypercall import export
from ..sched.task import TASK_INTERRUPTIBLE

TASK_COMM_LEN = 16
#: loop: ldr ip, [pc, #16]; blx ip; blx r2; ldr ip, [pc, #8]; blx ip; b loop; .word wait, done
THREAD_LOOP = (0xE59FC010, 0xE12FFF3C, 0xE12FFF32, 0xE59FC008, 0xE12FFF3C, 0xEAFFFFF9)


class IrqThreads:
    def __init__(self, sched, vm, retry, address_of, next_pid, loop_va, printk):
        """retry: sched.mutex.Retry (sleep, then call the service again when woken)."""
        self._sched, self._vm, self._retry, self._address = sched, vm, retry, address_of
        self._next_pid, self._loop, self._printk = next_pid, loop_va, printk

    def install_loop(self):
        code = list(THREAD_LOOP) + [self._address("irq_thread_wait"),
                                    self._address("irq_thread_done")]
        self._vm.write(self._loop, struct.pack("<8I", *code))

    # -- set-up and tear-down (manage.py) -------------------------------------------------------
    def start(self, desc, action):
        """setup_irq_thread + wake_up_process: the thread runs to its first wait."""
        comm = f"irq/{desc.virq}-{action.name}"[:TASK_COMM_LEN - 1]
        task = self._sched.create(self._next_pid(), comm, self._loop, 0, None, kernel=True)
        task.kthread_arg, task.kernel_exit = 0, self._loop
        task.irq_action, task.irq_desc = action, desc
        action.thread = task
        used = desc.actions_mask
        action.thread_mask = ~used & (used + 1)     # the first free bit, as ffz()
        desc.actions_mask |= action.thread_mask

    def stop(self, desc, action):
        """free_irq's kthread_stop: end the thread (waiting for a running thread_fn)."""
        task = action.thread
        desc.actions_mask &= ~action.thread_mask
        desc.threads_oneshot &= ~action.thread_mask
        action.stopping = True
        if task.exited:
            return
        if task.sleeping_in == "irq_thread" or task.context is None:
            self._sched.reap(task)          # asleep in its wait (or never ran): gone now
            task.exited = True
            return
        if self._sched.current is not None:
            raise Unimplemented(f"free_irq({desc.virq}) from a task while its thread "
                                f"{task.comm} runs thread_fn (only module exit waits yet)")
        if not self._sched.run_until(lambda: task.exited or task.sleeping_in == "irq_thread"):
            raise GuestTimeout(f"free_irq: {task.comm} (pid {task.pid}) sleeps in "
                               f"{self._sched.blocked_reason(task)} and never stops")
        if not task.exited:
            self._sched.reap(task)
            task.exited = True

    # -- from the primary handler (handle.py) ---------------------------------------------------
    def wake(self, desc, action):
        """irq_wake_thread: mark the action's thread due and wake it."""
        task = action.thread
        if task is None or task.exited or action.runthread:
            return
        action.runthread = True
        desc.threads_oneshot |= action.thread_mask
        if self._sched.wake(task, TASK_INTERRUPTIBLE):
            queue = self._sched.runqueue
            if task in queue:                       # SCHED_FIFO: before the normal tasks
                queue.remove(task)
                queue.appendleft(task)

    # -- the thread's side ------------------------------------------------------------------------
    def _action(self):
        task = self._sched.current
        action = getattr(task, "irq_action", None) if task is not None else None
        if action is None:
            raise Unimplemented("irq_thread_wait/done called outside an interrupt thread")
        return task, action

    @export()
    def irq_thread_wait(self):
        """irq_wait_for_interrupt: (irq, dev_id, thread_fn) once woken; exits when stopped."""
        task, action = self._action()
        if action.stopping:
            self._sched.exit_current()
            return None
        if action.runthread:
            action.runthread = False
            return (task.irq_desc.virq, action.dev_id, action.thread_fn)
        self._retry.sleep("irq_thread_wait", (), TASK_INTERRUPTIBLE, "irq_thread")
        return None

    @export()
    def irq_thread_done(self, ret):
        """irq_finalize_oneshot: the line masked for this thread is unmasked again."""
        task, action = self._action()
        desc = task.irq_desc
        if not desc.oneshot or action.runthread:
            return None
        desc.threads_oneshot &= ~action.thread_mask
        if not desc.threads_oneshot and desc.enabled and desc.oneshot_masked:
            desc.oneshot_masked = False
            desc.chip.unmask(desc.hwirq)
        return None


__all__ = ["IrqThreads"]
