"""Interrupt numbering (kernel/irq in Linux 3.14)."""
