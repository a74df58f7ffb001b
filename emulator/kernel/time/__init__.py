"""Time of the emulated 3.14 kernel (Linux kernel/time): sleeping system calls so far."""
