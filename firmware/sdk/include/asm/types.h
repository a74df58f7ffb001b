#ifndef _ASM_TYPES_H
#define _ASM_TYPES_H

#include <asm-generic/int-ll64.h>

#define BITS_PER_LONG 32

#endif /* _ASM_TYPES_H */
