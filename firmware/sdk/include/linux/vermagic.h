#ifndef _LINUX_VERMAGIC_H
#define _LINUX_VERMAGIC_H

#include <generated/utsrelease.h>

/* The board kernel's configuration: SMP, PREEMPT, module unloading, ARMv7, p2v patching. */
#define VERMAGIC_STRING UTS_RELEASE " SMP preempt mod_unload ARMv7 p2v8 "

#endif /* _LINUX_VERMAGIC_H */
