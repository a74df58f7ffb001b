"""Tasks and scheduling of the emulated 3.14 kernel (Linux kernel/sched).

task.py    a task's guest objects (kernel stack, thread_info, task_struct) and saved state
core.py    the scheduler: run queue, slices, ticks, preemption, virtual-time sleeps
wait.py    schedule(), schedule_timeout(), wait queues and wake-ups (exported services)
setup.py   building it for the machine
"""
