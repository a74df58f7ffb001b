#ifndef _LINUX_INPUT_H
#define _LINUX_INPUT_H

/*
 * The input subsystem (Linux 3.14 include/linux/input.h and uapi/linux/input.h):
 * struct input_dev has the board's layout (768 bytes, emulator/kernel/abi.py INPUT_DEV),
 * struct input_event is the 32-bit ARM one (a timeval, then type, code, value: 16 bytes).
 * A driver allocates a device, sets its capability bits (set_bit(EV_KEY, dev->evbit),
 * set_bit(KEY_ENTER, dev->keybit) or input_set_capability()), registers it (the kernel
 * makes /dev/input/eventN) and reports with input_report_*() + input_sync().
 */

#include <linux/types.h>
#include <linux/time.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/timer.h>
#include <linux/device.h>
#include <linux/bitops.h>

struct input_event {
	struct timeval time;
	__u16 type;
	__u16 code;
	__s32 value;
};

#define EV_VERSION		0x010001

struct input_id {
	__u16 bustype;
	__u16 vendor;
	__u16 product;
	__u16 version;
};

struct input_absinfo {
	__s32 value;
	__s32 minimum;
	__s32 maximum;
	__s32 fuzz;
	__s32 flat;
	__s32 resolution;
};

/* event types */
#define EV_SYN			0x00
#define EV_KEY			0x01
#define EV_REL			0x02
#define EV_ABS			0x03
#define EV_MSC			0x04
#define EV_SW			0x05
#define EV_LED			0x11
#define EV_SND			0x12
#define EV_REP			0x14
#define EV_FF			0x15
#define EV_PWR			0x16
#define EV_FF_STATUS		0x17
#define EV_MAX			0x1f
#define EV_CNT			(EV_MAX + 1)

/* synchronization events */
#define SYN_REPORT		0
#define SYN_CONFIG		1
#define SYN_MT_REPORT		2
#define SYN_DROPPED		3

/* keys and buttons (a selection; values as in 3.14) */
#define KEY_RESERVED		0
#define KEY_ESC			1
#define KEY_1			2
#define KEY_2			3
#define KEY_3			4
#define KEY_4			5
#define KEY_5			6
#define KEY_6			7
#define KEY_7			8
#define KEY_8			9
#define KEY_9			10
#define KEY_0			11
#define KEY_MINUS		12
#define KEY_EQUAL		13
#define KEY_BACKSPACE		14
#define KEY_TAB			15
#define KEY_Q			16
#define KEY_W			17
#define KEY_E			18
#define KEY_R			19
#define KEY_T			20
#define KEY_Y			21
#define KEY_U			22
#define KEY_I			23
#define KEY_O			24
#define KEY_P			25
#define KEY_ENTER		28
#define KEY_LEFTCTRL		29
#define KEY_A			30
#define KEY_S			31
#define KEY_D			32
#define KEY_F			33
#define KEY_G			34
#define KEY_H			35
#define KEY_J			36
#define KEY_K			37
#define KEY_L			38
#define KEY_LEFTSHIFT		42
#define KEY_Z			44
#define KEY_X			45
#define KEY_C			46
#define KEY_V			47
#define KEY_B			48
#define KEY_N			49
#define KEY_M			50
#define KEY_SPACE		57
#define KEY_F1			59
#define KEY_F2			60
#define KEY_F3			61
#define KEY_F4			62
#define KEY_F5			63
#define KEY_HOME		102
#define KEY_UP			103
#define KEY_PAGEUP		104
#define KEY_LEFT		105
#define KEY_RIGHT		106
#define KEY_END			107
#define KEY_DOWN		108
#define KEY_PAGEDOWN		109
#define KEY_MUTE		113
#define KEY_VOLUMEDOWN		114
#define KEY_VOLUMEUP		115
#define KEY_POWER		116
#define KEY_MENU		139
#define KEY_BACK		158
#define KEY_HOMEPAGE		172
#define BTN_MISC		0x100
#define BTN_0			0x100
#define BTN_1			0x101
#define BTN_2			0x102
#define BTN_3			0x103
#define BTN_MOUSE		0x110
#define BTN_LEFT		0x110
#define BTN_RIGHT		0x111
#define BTN_MIDDLE		0x112
#define BTN_TOOL_FINGER		0x145
#define BTN_TOOL_QUINTTAP	0x148
#define BTN_TOUCH		0x14a
#define BTN_TOOL_DOUBLETAP	0x14d
#define BTN_TOOL_TRIPLETAP	0x14e
#define BTN_TOOL_QUADTAP	0x14f
#define KEY_MAX			0x2ff
#define KEY_CNT			(KEY_MAX + 1)

/* relative axes */
#define REL_X			0x00
#define REL_Y			0x01
#define REL_Z			0x02
#define REL_WHEEL		0x08
#define REL_MAX			0x0f
#define REL_CNT			(REL_MAX + 1)

/* absolute axes */
#define ABS_X			0x00
#define ABS_Y			0x01
#define ABS_Z			0x02
#define ABS_PRESSURE		0x18
#define ABS_MT_SLOT		0x2f	/* which slot the following MT events are for */
#define ABS_MT_TOUCH_MAJOR	0x30
#define ABS_MT_TOUCH_MINOR	0x31
#define ABS_MT_WIDTH_MAJOR	0x32
#define ABS_MT_WIDTH_MINOR	0x33
#define ABS_MT_ORIENTATION	0x34
#define ABS_MT_POSITION_X	0x35
#define ABS_MT_POSITION_Y	0x36
#define ABS_MT_TOOL_TYPE	0x37
#define ABS_MT_BLOB_ID		0x38
#define ABS_MT_TRACKING_ID	0x39
#define ABS_MT_PRESSURE		0x3a
#define ABS_MT_DISTANCE		0x3b
#define ABS_MT_TOOL_X		0x3c
#define ABS_MT_TOOL_Y		0x3d
#define ABS_MAX			0x3f
#define ABS_CNT			(ABS_MAX + 1)

#define SW_LID			0x00
#define SW_MAX			0x0f
#define SW_CNT			(SW_MAX + 1)
#define MSC_SCAN		0x04
#define MSC_MAX			0x07
#define MSC_CNT			(MSC_MAX + 1)
#define LED_MAX			0x0f
#define LED_CNT			(LED_MAX + 1)
#define REP_MAX			0x01
#define REP_CNT			(REP_MAX + 1)
#define SND_MAX			0x07
#define SND_CNT			(SND_MAX + 1)
#define FF_MAX			0x7f
#define FF_CNT			(FF_MAX + 1)
#define INPUT_PROP_POINTER	0x00
#define INPUT_PROP_DIRECT	0x01
#define INPUT_PROP_SEMI_MT	0x03
#define INPUT_PROP_MAX		0x1f
#define INPUT_PROP_CNT		(INPUT_PROP_MAX + 1)

#define BUS_HOST		0x19

struct input_keymap_entry;
struct ff_device;
struct input_mt;
struct input_handle;
struct input_value;
struct file;

struct input_dev {
	const char *name;
	const char *phys;
	const char *uniq;
	struct input_id id;

	unsigned long propbit[BITS_TO_LONGS(INPUT_PROP_CNT)];
	unsigned long evbit[BITS_TO_LONGS(EV_CNT)];
	unsigned long keybit[BITS_TO_LONGS(KEY_CNT)];
	unsigned long relbit[BITS_TO_LONGS(REL_CNT)];
	unsigned long absbit[BITS_TO_LONGS(ABS_CNT)];
	unsigned long mscbit[BITS_TO_LONGS(MSC_CNT)];
	unsigned long ledbit[BITS_TO_LONGS(LED_CNT)];
	unsigned long sndbit[BITS_TO_LONGS(SND_CNT)];
	unsigned long ffbit[BITS_TO_LONGS(FF_CNT)];
	unsigned long swbit[BITS_TO_LONGS(SW_CNT)];

	unsigned int hint_events_per_packet;	/* events a packet holds, if known */

	unsigned int keycodemax;
	unsigned int keycodesize;
	void *keycode;
	int (*setkeycode)(struct input_dev *dev, const struct input_keymap_entry *ke,
			  unsigned int *old_keycode);
	int (*getkeycode)(struct input_dev *dev, struct input_keymap_entry *ke);

	struct ff_device *ff;

	unsigned int repeat_key;
	struct timer_list timer;
	int rep[REP_CNT];

	struct input_mt *mt;
	struct input_absinfo *absinfo;

	/* the current state: keys pressed, LEDs lit, ... (kept by the input core) */
	unsigned long key[BITS_TO_LONGS(KEY_CNT)];
	unsigned long led[BITS_TO_LONGS(LED_CNT)];
	unsigned long snd[BITS_TO_LONGS(SND_CNT)];
	unsigned long sw[BITS_TO_LONGS(SW_CNT)];

	int (*open)(struct input_dev *dev);
	void (*close)(struct input_dev *dev);
	int (*flush)(struct input_dev *dev, struct file *file);
	int (*event)(struct input_dev *dev, unsigned int type, unsigned int code, int value);

	struct input_handle *grab;

	spinlock_t event_lock;
	struct mutex mutex;

	unsigned int users;
	bool going_away;

	struct device dev;

	struct list_head h_list;
	struct list_head node;

	unsigned int num_vals;
	unsigned int max_vals;
	struct input_value *vals;

	bool devres_managed;
};

extern struct input_dev *input_allocate_device(void);
extern struct input_dev *devm_input_allocate_device(struct device *dev);
extern void input_free_device(struct input_dev *dev);
extern int input_register_device(struct input_dev *dev);
extern void input_unregister_device(struct input_dev *dev);

extern void input_event(struct input_dev *dev, unsigned int type, unsigned int code,
			int value);
extern void input_set_capability(struct input_dev *dev, unsigned int type, unsigned int code);
extern void input_alloc_absinfo(struct input_dev *dev);
extern void input_set_abs_params(struct input_dev *dev, unsigned int axis, int min, int max,
				 int fuzz, int flat);

static inline void input_report_key(struct input_dev *dev, unsigned int code, int value)
{
	input_event(dev, EV_KEY, code, !!value);
}

static inline void input_report_rel(struct input_dev *dev, unsigned int code, int value)
{
	input_event(dev, EV_REL, code, value);
}

static inline void input_report_abs(struct input_dev *dev, unsigned int code, int value)
{
	input_event(dev, EV_ABS, code, value);
}

static inline void input_report_switch(struct input_dev *dev, unsigned int code, int value)
{
	input_event(dev, EV_SW, code, !!value);
}

static inline void input_sync(struct input_dev *dev)
{
	input_event(dev, EV_SYN, SYN_REPORT, 0);
}

static inline void input_mt_sync(struct input_dev *dev)
{
	input_event(dev, EV_SYN, SYN_MT_REPORT, 0);
}

static inline void input_set_drvdata(struct input_dev *dev, void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

static inline void *input_get_drvdata(struct input_dev *dev)
{
	return dev_get_drvdata(&dev->dev);
}

#endif /* _LINUX_INPUT_H */
