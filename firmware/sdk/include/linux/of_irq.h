#ifndef __OF_IRQ_H
#define __OF_IRQ_H

/* emu4412 SDK: Linux 3.14 include/linux/of_irq.h. */

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/of.h>

extern unsigned int irq_of_parse_and_map(struct device_node *node, int index);
extern int of_irq_count(struct device_node *dev);
extern int of_irq_to_resource(struct device_node *dev, int index, struct resource *r);

#endif /* __OF_IRQ_H */
