/*
 * iomemchk: seed 000's request_mem_region -> ioremap -> readl -> iounmap ->
 * release_mem_region path where it goes wrong: ioremap of System RAM (refused), registers
 * no model decodes (UART0: guest errors), a region overlapping a held one (NULL), and a
 * region kept at rmmod (a leak).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>

#define UART0		0x13800000

static struct resource *uart;

static int __init iomemchk_init(void)
{
	void __iomem *p;

	if (!ioremap(0x40000000, PAGE_SIZE))
		printk(KERN_INFO "iomemchk: ioremap of RAM refused\n");
	uart = request_mem_region(UART0, 0x100, "iomemchk-uart0");
	if (!request_mem_region(UART0 + 0x80, 0x100, "iomemchk-overlap"))
		printk(KERN_INFO "iomemchk: overlapping request failed\n");
	p = ioremap(UART0, 0x100);
	printk(KERN_INFO "iomemchk: ULCON0 %08x\n", readl(p));
	writew(0x3, p);
	iounmap(p);
	return 0;
}

static void __exit iomemchk_exit(void)
{
	/* release_mem_region(UART0, 0x100) forgotten: reported at rmmod */
	release_mem_region(UART0 + 0x100, 4);
}

module_init(iomemchk_init);
module_exit(iomemchk_exit);
MODULE_LICENSE("GPL");
