#ifndef LINUX_HARDIRQ_H
#define LINUX_HARDIRQ_H

/* Linux 3.14 include/linux/hardirq.h: in_interrupt(), in_atomic() & co. */

#include <linux/preempt_mask.h>

#endif /* LINUX_HARDIRQ_H */
