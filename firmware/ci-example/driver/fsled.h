/*
 * fsled.h - ioctl commands of the ci-example LED driver (fsled.c) and its program (ledctl.c).
 * The ioctl argument is the LED number, 2 to 5 (LED2 gpx2-7, LED3 gpx1-0, LED4 gpf3-4,
 * LED5 gpf3-5 on the FS4412).
 */
#ifndef FSLED_H
#define FSLED_H

#include <linux/ioctl.h>

#define FSLED_MAJOR 245
#define FSLED_MAGIC 'f'
#define FSLED_OFF _IO(FSLED_MAGIC, 0)
#define FSLED_ON  _IO(FSLED_MAGIC, 1)

#endif /* FSLED_H */
