"""Interrupt handling of the emulated 3.14 kernel (Linux kernel/irq and drivers/irqchip).

domain.py   virq numbers for the interrupt controllers' hardware IRQs (irq_domain)
desc.py     irq_desc: per-virq chip, flow, actions, counts; /proc/interrupts
chips.py    the irq_chips of the GIC, the combiner and the GPIO EINT groups, with their
            flow handlers and chained demultiplexers
manage.py   request_irq and friends (the exported kernel API)
handle.py   taking an interrupt: hardirq context, the handlers in guest code, irq_exit
"""
