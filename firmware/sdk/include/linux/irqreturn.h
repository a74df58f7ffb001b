#ifndef _LINUX_IRQRETURN_H
#define _LINUX_IRQRETURN_H

/* Linux 3.14 include/linux/irqreturn.h: what an interrupt handler returns. */

enum irqreturn {
	IRQ_NONE		= (0 << 0),	/* not this device's interrupt */
	IRQ_HANDLED		= (1 << 0),	/* serviced */
	IRQ_WAKE_THREAD		= (1 << 1),	/* wake the threaded handler */
};

typedef enum irqreturn irqreturn_t;
#define IRQ_RETVAL(x)	((x) ? IRQ_HANDLED : IRQ_NONE)

#endif /* _LINUX_IRQRETURN_H */
