"""Memory management services: page frames, kmalloc, ioremap."""
