"""Tasks: what the scheduler switches between (Linux's task_struct + thread_info + registers).

Each task owns, in guest memory, an 8 KiB kernel stack with struct thread_info at its base
(preempt_count, task) and a struct task_struct (state, stack, pid, tgid, comm at the board's
3.14 offsets), so a driver's ``current->pid``, ``set_current_state()`` and ``in_atomic()``
read and write what the kernel sees. Between runs its registers are a Unicorn context; the
syscall in progress (the generator frames of entry.py) stays with the task. Everything else
is a plain Python attribute owned by the scheduler: no task state lives on the Python stack
while the task sleeps.
"""

import struct

from ...memory.layout import phys_to_virt
from ..abi import TASK_STRUCT

TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE = 0, 1, 2
TASK_STOPPED = 4             # __TASK_STOPPED: a job-control stop (signals)
TASK_DEAD = 64
TASK_NORMAL = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE
THREAD_SIZE = 8192
#: struct task_struct of the board's 3.14 build (DWARF): size and the fields modelled.
TASK_STRUCT_SIZE = TASK_STRUCT.size
TS_STATE, TS_STACK, TS_PID, TS_TGID, TS_COMM = (TASK_STRUCT[f] for f in
                                                ("state", "stack", "pid", "tgid", "comm"))
TI_PREEMPT, TI_TASK = 4, 12
USER_DS = 0xBF000000
#: ps state letters (fs/proc/array.c task_state_array).
STATE_LETTER = {TASK_RUNNING: "R", TASK_INTERRUPTIBLE: "S", TASK_UNINTERRUPTIBLE: "D"}
#: The first pid given out: the board's boot leaves pids below it to init and kernel threads.
FIRST_PID = 100


class PidMap:
    """alloc_pid: process and thread ids, in order (pids are not reused in a run)."""

    def __init__(self, first=FIRST_PID):
        self.next = first

    def alloc(self):
        pid, self.next = self.next, self.next + 1
        return pid

    @property
    def last(self):
        """The pid given out most recently."""
        return self.next - 1


class Task:
    """One schedulable task; ``process`` is set for user processes (files, address space)."""

    def __init__(self, pid, comm, block_pa, vm, process=None):
        """block_pa: a 16 KiB physical block: kernel stack (8 KiB) then the task_struct."""
        self.pid, self.comm, self.process = pid, comm, process
        self.vm = vm
        self.ti_va = phys_to_virt(block_pa)
        self.kstack_top = self.ti_va + THREAD_SIZE
        self.kstack_top_pa = block_pa + THREAD_SIZE
        self.ts_va = self.ti_va + THREAD_SIZE
        self.block_pa = block_pa
        self.context = None          # saved registers (Unicorn context) while not running
        self.saved_cpsr = None       # the CPSR in that context
        self.start = None            # (pc, sp) of a task that never ran
        self.frames = []             # entry.py's syscall frames of this task
        self.saved_words = None      # entry.py's tail-call save area (per kernel stack)
        self.on_resume = None        # callable() run when the task next runs (sets r0)
        self.wake_at = None          # virtual ns of a timed sleep's end
        self.exited = False
        self.exit_status = None
        self.sleeping_in = ""        # what it blocks in (for ps and deadlock messages)
        self.pending_signal = 0      # the deliverable signal it takes next (0: none; signals)
        self.syscall_regs = None     # the SvcFrame of its last syscall (signal restarts)
        self.triggered = False       # woken while running (poll's lost-wake-up guard)
        self.kernel = False          # a kernel thread (no process, starts in SVC mode)
        self.timer_only = False      # in msleep: only its timer wakes it
        self._init_guest()

    def _init_guest(self):
        vm = self.vm
        vm.write(self.ti_va, struct.pack("<IiIIIII", 0, 0, USER_DS, self.ts_va, 0, 0, 0))
        ts = bytearray(TASK_STRUCT_SIZE)
        struct.pack_into("<iI", ts, TS_STATE, TASK_RUNNING, self.ti_va)
        struct.pack_into("<ii", ts, TS_PID, self.pid, self.pid)
        ts[TS_COMM:TS_COMM + 16] = self.comm.encode()[:15].ljust(16, b"\0")
        vm.write(self.ts_va, bytes(ts))

    def set_comm(self, comm):
        """__set_task_comm: the name ps and current->comm show (execve)."""
        self.comm = comm
        self.vm.write(self.ts_va + TS_COMM, comm.encode()[:15].ljust(16, b"\0"))

    # -- guest-visible state ---------------------------------------------------------------
    @property
    def state(self):
        return self.vm.read_u32(self.ts_va + TS_STATE)

    @state.setter
    def state(self, value):
        self.vm.write_u32(self.ts_va + TS_STATE, value)

    @property
    def preempt_count(self):
        return self.vm.read_u32(self.ti_va + TI_PREEMPT)

    @property
    def runnable(self):
        return not self.exited and self.state == TASK_RUNNING

    def state_letter(self):
        if self.exited:
            return "Z"
        if self.state & TASK_STOPPED:
            return "T"
        return STATE_LETTER.get(self.state & 3, "S")

    def __repr__(self):
        return f"<Task {self.pid} {self.comm} {self.state_letter()}>"
