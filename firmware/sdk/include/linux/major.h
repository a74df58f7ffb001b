#ifndef _LINUX_MAJOR_H
#define _LINUX_MAJOR_H

/* emu4412 SDK: device major numbers (Linux 3.14 include/uapi/linux/major.h, excerpt). */

#define MEM_MAJOR		1
#define TTY_MAJOR		4
#define MISC_MAJOR		10
#define INPUT_MAJOR		13
#define I2C_MAJOR		89

#endif /* _LINUX_MAJOR_H */
