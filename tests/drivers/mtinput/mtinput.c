/* A two-contact touchscreen (type B multi-touch, as the FS4412 course's ts-gt818.c): MT axes,
 * input_mt_init_slots(2, INPUT_MT_DIRECT); each write to the misc device "mtinput" reports
 * the next frame: two contacts down, contact 0 unchanged and contact 1 moved, contact 1
 * lifted. */
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/input.h>
#include <linux/input/mt.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static struct input_dev *ts;
static int frame;

static void contact(int slot, int id, int x, int y)
{
	input_mt_slot(ts, slot);
	input_report_abs(ts, ABS_MT_TRACKING_ID, id);
	input_report_abs(ts, ABS_MT_POSITION_X, x);
	input_report_abs(ts, ABS_MT_POSITION_Y, y);
}

static ssize_t mtinput_write(struct file *filp, const char __user *p, size_t n, loff_t *off)
{
	switch (frame++) {
	case 0:
		contact(0, 5, 100, 200);
		contact(1, 6, 300, 400);
		break;
	case 1:
		contact(0, 5, 100, 200);
		contact(1, 6, 310, 400);
		break;
	default:
		input_mt_slot(ts, 1);
		input_report_abs(ts, ABS_MT_TRACKING_ID, -1);
		break;
	}
	input_sync(ts);
	return n;
}

static const struct file_operations mtinput_fops = {
	.owner = THIS_MODULE,
	.write = mtinput_write,
};

static struct miscdevice mtinput_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mtinput",
	.fops = &mtinput_fops,
};

static int __init mtinput_init(void)
{
	int ret, again, other;

	ts = input_allocate_device();
	if (!ts)
		return -ENOMEM;
	ts->name = "mtinput";
	input_set_abs_params(ts, ABS_MT_POSITION_X, 0, 1023, 0, 0);
	input_set_abs_params(ts, ABS_MT_POSITION_Y, 0, 599, 0, 0);
	ret = input_mt_init_slots(ts, 2, INPUT_MT_DIRECT);
	again = input_mt_init_slots(ts, 2, 0);
	other = input_mt_init_slots(ts, 3, 0);
	pr_info("mtinput: init_slots %d, again %d, other %d, slots %d, ABS_X max %d\n",
		ret, again, other, ts->mt->num_slots, ts->absinfo[ABS_X].maximum);
	pr_info("mtinput: BTN_TOUCH %d, direct %d, slot 1 id %d\n",
		test_bit(BTN_TOUCH, ts->keybit), test_bit(INPUT_PROP_DIRECT, ts->propbit),
		input_mt_get_value(&ts->mt->slots[1], ABS_MT_TRACKING_ID));
	ret = input_register_device(ts);
	if (ret) {
		input_free_device(ts);
		return ret;
	}
	ret = misc_register(&mtinput_dev);
	if (ret)
		input_unregister_device(ts);
	return ret;
}

static void __exit mtinput_exit(void)
{
	misc_deregister(&mtinput_dev);
	input_unregister_device(ts);
}

module_init(mtinput_init);
module_exit(mtinput_exit);
MODULE_LICENSE("GPL");
