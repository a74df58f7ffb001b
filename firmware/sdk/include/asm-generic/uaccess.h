#ifndef __ASM_GENERIC_UACCESS_H
#define __ASM_GENERIC_UACCESS_H

/*
 * emu4412 SDK: course drivers include <asm-generic/uaccess.h> for copy_to_user and
 * copy_from_user; on the board's ARM kernel those are the architecture's (asm/uaccess.h).
 */

#include <asm/uaccess.h>

#endif /* __ASM_GENERIC_UACCESS_H */
