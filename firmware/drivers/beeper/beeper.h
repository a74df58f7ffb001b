/* ioctls of /dev/beeper (beeper.ko): on, off, and the tone's frequency in Hz. */
#ifndef BEEPER_H
#define BEEPER_H

#define BEEPER_MAJOR 250

#define BEEP_ON   _IO('B', 0)
#define BEEP_OFF  _IO('B', 1)
#define BEEP_FREQ _IOW('B', 2, int)

#endif
