#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

/*
 * Linux 3.14 include/linux/timer.h: kernel timers.  A timer's function runs in softirq
 * context at the first tick at or after its expires (in jiffies).  init_timer()/
 * setup_timer() are macros over init_timer_key(), as in 3.14.
 */

#include <linux/list.h>
#include <linux/jiffies.h>
#include <linux/stddef.h>

struct tvec_base;

struct timer_list {
	struct list_head entry;		/* entry.next != NULL while pending */
	unsigned long expires;
	struct tvec_base *base;
	void (*function)(unsigned long);
	unsigned long data;
	int slack;
};

#define TIMER_ENTRY_STATIC		((void *) 0x74737461)
#define TIMER_DEFERRABLE		0x1LU
#define TIMER_IRQSAFE			0x2LU

extern void init_timer_key(struct timer_list *timer, unsigned int flags, const char *name,
			   void *key);

#define __init_timer(_timer, _flags)					\
	init_timer_key((_timer), (_flags), #_timer, NULL)

#define init_timer(timer)		__init_timer((timer), 0)

#define __setup_timer(_timer, _fn, _data, _flags)			\
	do {								\
		__init_timer((_timer), (_flags));			\
		(_timer)->function = (_fn);				\
		(_timer)->data = (_data);				\
	} while (0)

#define setup_timer(timer, fn, data)	__setup_timer((timer), (fn), (data), 0)

#define TIMER_INITIALIZER(_function, _expires, _data) {		\
		.entry = { .prev = TIMER_ENTRY_STATIC },		\
		.function = (_function),				\
		.expires = (_expires),					\
		.data = (_data),					\
		.slack = -1,						\
	}

#define DEFINE_TIMER(_name, _function, _expires, _data)		\
	struct timer_list _name = TIMER_INITIALIZER(_function, _expires, _data)

static inline int timer_pending(const struct timer_list *timer)
{
	return timer->entry.next != NULL;
}

extern void add_timer(struct timer_list *timer);
extern int mod_timer(struct timer_list *timer, unsigned long expires);
extern int mod_timer_pending(struct timer_list *timer, unsigned long expires);
extern int del_timer(struct timer_list *timer);
extern int del_timer_sync(struct timer_list *timer);

#endif /* _LINUX_TIMER_H */
