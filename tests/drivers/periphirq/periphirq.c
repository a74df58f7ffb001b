/*
 * periphirq: the SoC's timer, watchdog and RTC interrupts reach request_irq handlers (issue
 * 13). init finds the blocks' nodes by their 3.14 compatibles, maps their first interrupt
 * (irq_of_parse_and_map: the board's virqs, SPI n = 32 + n), requests them and programs
 * PWM timer 0 (1 MHz, 10 ms auto-reload, its interrupt enabled), the watchdog in interrupt
 * mode (about 1 s, no reset) and an RTC alarm at second 2; each handler counts and clears
 * its source. exit stops them and prints the counts.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/io.h>
#include <linux/interrupt.h>
#include <linux/of.h>
#include <linux/of_irq.h>

#define PWM_BASE	0x139D0000
#define TCFG0		0x00
#define TCFG1		0x04
#define TCON		0x08
#define TCNTB0		0x0C
#define TCMPB0		0x10
#define TINT_CSTAT	0x44
#define WDT_BASE	0x10060000
#define WTCON		0x00
#define WTDAT		0x04
#define WTCNT		0x08
#define WTCLRINT	0x0C
#define RTC_BASE	0x10070000
#define INTP		0x30
#define RTCALM		0x50
#define ALMSEC		0x54

enum { PWM, WDT, RTC, N };
static const char *const compat[N] = {
	"samsung,exynos4210-pwm", "samsung,s3c2410-wdt", "samsung,s3c6410-rtc",
};
static const char *const names[N] = { "periph-pwm", "periph-wdt", "periph-rtc" };
static void __iomem *base[N];
static unsigned int virq[N];
static int count[N];

static irqreturn_t periph_handler(int irq, void *dev_id)
{
	int which = (int)(long)dev_id;

	count[which]++;
	if (which == PWM)
		writel((readl(base[PWM] + TINT_CSTAT) & 0x1F) | (1 << 5), base[PWM] + TINT_CSTAT);
	else if (which == WDT)
		writel(1, base[WDT] + WTCLRINT);
	else
		writel(2, base[RTC] + INTP);
	return IRQ_HANDLED;
}

static int __init periphirq_init(void)
{
	static const unsigned long phys[N] = { PWM_BASE, WDT_BASE, RTC_BASE };
	struct device_node *np;
	int i, ret;

	for (i = 0; i < N; i++) {
		np = of_find_compatible_node(NULL, NULL, compat[i]);
		if (!np)
			return -ENODEV;
		virq[i] = irq_of_parse_and_map(np, 0);
		of_node_put(np);
		base[i] = ioremap(phys[i], 0x100);
		ret = request_irq(virq[i], periph_handler, 0, names[i], (void *)(long)i);
		printk(KERN_INFO "periphirq: %s irq %u: %d\n", compat[i], virq[i], ret);
		if (ret)
			return ret;
	}
	writel(99, base[PWM] + TCFG0);                  /* prescaler 0: 100 MHz / 100 */
	writel(0, base[PWM] + TCFG1);                   /* divider 1: 1 MHz */
	writel(10000, base[PWM] + TCNTB0);              /* 10 ms */
	writel(5000, base[PWM] + TCMPB0);
	writel(1, base[PWM] + TINT_CSTAT);              /* timer 0 interrupt enabled */
	writel(1 << 1, base[PWM] + TCON);               /* manual update */
	writel((1 << 3) | (1 << 0), base[PWM] + TCON);  /* auto-reload, start */
	writel(3052, base[WDT] + WTDAT);
	writel(3052, base[WDT] + WTCNT);
	writel((255 << 8) | (3 << 3) | (1 << 5) | (1 << 2), base[WDT] + WTCON);  /* 1/256/128, int */
	writel(0x02, base[RTC] + ALMSEC);
	writel((1 << 6) | (1 << 0), base[RTC] + RTCALM);   /* ALMEN, seconds */
	return 0;
}

static void __exit periphirq_exit(void)
{
	int i;

	writel(0, base[PWM] + TCON);
	writel(0, base[PWM] + TINT_CSTAT);
	writel(0, base[WDT] + WTCON);
	writel(0, base[RTC] + RTCALM);
	for (i = 0; i < N; i++) {
		free_irq(virq[i], (void *)(long)i);
		iounmap(base[i]);
	}
	printk(KERN_INFO "periphirq: pwm %d wdt %d rtc %d\n", count[PWM], count[WDT], count[RTC]);
}

module_init(periphirq_init);
module_exit(periphirq_exit);
MODULE_LICENSE("GPL");
