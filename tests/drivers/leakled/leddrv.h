/*
 * leddrv.h - ioctl commands of the FS4412 LED driver (leddrv.c) and its test program.
 *
 * Shared by the kernel module (built against firmware/sdk, where <linux/ioctl.h> is the
 * SDK's) and by user programs (built with the cross toolchain's libc headers, where it is
 * Debian's linux-libc-dev).  The ioctl argument is the LED number, 2 to 5.
 */
#ifndef LEDDRV_H
#define LEDDRV_H

#include <linux/ioctl.h>

#define LED_DEV_MAGIC 'g'

#define MY_LED_OFF _IO(LED_DEV_MAGIC, 0)
#define MY_LED_ON  _IO(LED_DEV_MAGIC, 1)

#endif /* LEDDRV_H */
