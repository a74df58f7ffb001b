/*
 * beeper.c - the FS4412 buzzer as the course drives it: PWM timer 0's output TOUT0 on
 * GPD0_0 (GPD0CON[3:0] = 0x2), registers mapped with ioremap (emu4412 firmware).
 *
 * Timer 0 counts a 1 MHz clock (PCLK 100 MHz / (prescaler 99 + 1) / 1): a tone of f Hz is
 * TCNTB0 = 1000000 / f - 1 with TCMPB0 at half of it (50% duty). BEEP_FREQ sets the tone,
 * BEEP_ON starts the timer (manual update, then auto-reload + start), BEEP_OFF stops it.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/io.h>
#include <asm/uaccess.h>

#include "beeper.h"

#define GPD0CON    0x114000A0
#define PWM_BASE   0x139D0000
#define TCFG0      0x00
#define TCFG1      0x04
#define TCON       0x08
#define TCNTB0     0x0C
#define TCMPB0     0x10

#define TICK_HZ    1000000

static void __iomem *gpd0con;
static void __iomem *pwm;
static struct cdev beeper_cdev;
static int freq = 1000;

static void beeper_set_freq(int hz)
{
	unsigned int tcnt = TICK_HZ / hz;

	writel(tcnt - 1, pwm + TCNTB0);
	writel(tcnt / 2 - 1, pwm + TCMPB0);
}

static void beeper_start(void)
{
	unsigned int tcon = readl(pwm + TCON) & ~0xF;

	writel(tcon | 0x2, pwm + TCON);            /* manual update: load TCNTB0/TCMPB0 */
	writel(tcon | 0x9, pwm + TCON);            /* auto-reload + start */
}

static void beeper_stop(void)
{
	writel(readl(pwm + TCON) & ~0x1, pwm + TCON);
}

static long beeper_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case BEEP_ON:
		beeper_start();
		return 0;
	case BEEP_OFF:
		beeper_stop();
		return 0;
	case BEEP_FREQ:
		if (arg < 20 || arg > 20000)
			return -EINVAL;
		freq = arg;
		beeper_set_freq(freq);
		return 0;
	}
	return -ENOTTY;
}

static int beeper_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int beeper_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations beeper_fops = {
	.owner = THIS_MODULE,
	.open = beeper_open,
	.release = beeper_release,
	.unlocked_ioctl = beeper_ioctl,
};

static int __init beeper_init(void)
{
	dev_t devno = MKDEV(BEEPER_MAJOR, 0);
	int ret;

	ret = register_chrdev_region(devno, 1, "beeper");
	if (ret)
		return ret;
	cdev_init(&beeper_cdev, &beeper_fops);
	beeper_cdev.owner = THIS_MODULE;
	ret = cdev_add(&beeper_cdev, devno, 1);
	if (ret)
		goto out_region;

	gpd0con = ioremap(GPD0CON, 4);
	pwm = ioremap(PWM_BASE, 0x20);
	if (!gpd0con || !pwm) {
		ret = -ENOMEM;
		goto out_unmap;
	}
	writel((readl(gpd0con) & ~0xF) | 0x2, gpd0con);        /* GPD0_0 = TOUT0 */
	writel((readl(pwm + TCFG0) & ~0xFF) | 99, pwm + TCFG0); /* prescaler 0 = 99 */
	writel(readl(pwm + TCFG1) & ~0xF, pwm + TCFG1);         /* divider 1/1 */
	beeper_set_freq(freq);
	printk(KERN_INFO "beeper: ready on TOUT0 (GPD0_0), %d Hz\n", freq);
	return 0;

out_unmap:
	if (pwm)
		iounmap(pwm);
	if (gpd0con)
		iounmap(gpd0con);
	cdev_del(&beeper_cdev);
out_region:
	unregister_chrdev_region(devno, 1);
	return ret;
}

static void __exit beeper_exit(void)
{
	beeper_stop();
	writel(readl(gpd0con) & ~0xF, gpd0con);                 /* GPD0_0 back to input */
	iounmap(pwm);
	iounmap(gpd0con);
	cdev_del(&beeper_cdev);
	unregister_chrdev_region(MKDEV(BEEPER_MAJOR, 0), 1);
}

module_init(beeper_init);
module_exit(beeper_exit);
MODULE_LICENSE("GPL");
