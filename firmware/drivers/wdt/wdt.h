/* /dev/wdt (wdt.ko): any write() feeds the watchdog; WDT_KEEPALIVE does the same. */
#ifndef WDT_H
#define WDT_H

#define WDT_MAJOR 252
#define WDT_KEEPALIVE _IO('W', 5)

#endif
