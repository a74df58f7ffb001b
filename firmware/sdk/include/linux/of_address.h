#ifndef __OF_ADDRESS_H
#define __OF_ADDRESS_H

/* emu4412 SDK: Linux 3.14 include/linux/of_address.h. */

#include <linux/ioport.h>
#include <linux/errno.h>
#include <linux/of.h>

extern int of_address_to_resource(struct device_node *dev, int index, struct resource *r);
extern void __iomem *of_iomap(struct device_node *device, int index);

#endif /* __OF_ADDRESS_H */
