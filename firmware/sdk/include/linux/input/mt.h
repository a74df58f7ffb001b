#ifndef _INPUT_MT_H
#define _INPUT_MT_H

/*
 * Multi-touch slots (type B protocol): input_mt_init_slots() gives an input_dev num_slots
 * contacts; input_mt_slot() picks the one the following ABS_MT_* events describe, and the
 * core filters each slot's values separately.
 */
#include <linux/input.h>

#define TRKID_MAX		0xffff

#define INPUT_MT_POINTER	0x0001	/* a trackpad */
#define INPUT_MT_DIRECT		0x0002	/* a touchscreen */
#define INPUT_MT_DROP_UNUSED	0x0004
#define INPUT_MT_TRACK		0x0008
#define INPUT_MT_SEMI_MT	0x0010

#define ABS_MT_FIRST		ABS_MT_TOUCH_MAJOR
#define ABS_MT_LAST		ABS_MT_TOOL_Y

struct input_mt_slot {
	int abs[ABS_MT_LAST - ABS_MT_FIRST + 1];
	unsigned int frame;
	unsigned int key;
};

struct input_mt {
	int trkid;
	int num_slots;
	int slot;
	unsigned int flags;
	unsigned int frame;
	int *red;
	struct input_mt_slot slots[];
};

int input_mt_init_slots(struct input_dev *dev, unsigned int num_slots, unsigned int flags);
void input_mt_destroy_slots(struct input_dev *dev);

static inline void input_mt_set_value(struct input_mt_slot *slot, unsigned code, int value)
{
	slot->abs[code - ABS_MT_FIRST] = value;
}

static inline int input_mt_get_value(const struct input_mt_slot *slot, unsigned code)
{
	return slot->abs[code - ABS_MT_FIRST];
}

static inline void input_mt_slot(struct input_dev *dev, int slot)
{
	input_event(dev, EV_ABS, ABS_MT_SLOT, slot);
}

#endif  /* _INPUT_MT_H */
