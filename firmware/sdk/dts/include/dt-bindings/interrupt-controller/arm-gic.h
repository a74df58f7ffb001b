/* emu4412 SDK: the ARM GIC's interrupt specifier cells (Linux 3.14 names). */
#ifndef _DT_BINDINGS_INTERRUPT_CONTROLLER_ARM_GIC_H
#define _DT_BINDINGS_INTERRUPT_CONTROLLER_ARM_GIC_H

#include <dt-bindings/interrupt-controller/irq.h>

/* first cell: interrupt type */
#define GIC_SPI 0
#define GIC_PPI 1

#endif
