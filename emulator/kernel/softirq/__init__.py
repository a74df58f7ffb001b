"""Deferred work of the emulated 3.14 kernel (Linux kernel/softirq.c): tasklets so far."""
