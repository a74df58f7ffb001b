/*
 * repio: seed 000's port-I/O and string accessors against the ports_test device of a board
 * with a port window (firmware/scenarios/fs4412-ports.toml: window at physical 0x1F000000,
 * device at port 0x300).  request_region -> outb/outw/outl, insb/outsw/insl -> the same
 * device through ioremap and ioread16_rep/iowrite32_rep/memcpy_toio/memset_io -> release.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/string.h>

#define PORT		0x300
#define DATA		(PORT + 0x0)
#define COUNT		(PORT + 0x4)
#define SCRATCH		(PORT + 0x8)
#define WINDOW_PHYS	0x1F000000

static int __init repio_init(void)
{
	u8 bytes[8] = "";
	u16 words[3] = { 0x1111, 0x2222, 0x3333 }, wback[3];
	u32 longs[2] = { 0xAABBCCDD, 0x01020304 }, lback[2];
	char text[9] = "";
	void __iomem *io;

	if (!request_region(PORT, 0x10, "repio"))
		return -EBUSY;
	if (!request_region(SCRATCH, 2, "repio-again"))
		printk(KERN_INFO "repio: ports %x-%x busy\n", SCRATCH, SCRATCH + 1);

	outb('A', DATA);
	outw(0x4342, DATA);
	outl(0x47464544, DATA);
	printk(KERN_INFO "repio: count %u\n", inb(COUNT));
	insb(DATA, bytes, 7);
	printk(KERN_INFO "repio: insb %s\n", bytes);
	outsw(DATA, words, 3);
	insl(DATA, lback, 1);
	printk(KERN_INFO "repio: insl %08x inw %04x\n", lback[0], inw(DATA));
	outl(0x11223344, SCRATCH);
	printk(KERN_INFO "repio: scratch inw %04x inb %02x\n", inw(SCRATCH), inb(SCRATCH + 3));

	io = ioremap(WINDOW_PHYS, 0x1000);
	if (!io)
		goto out;
	iowrite16_rep(io + DATA, words, 3);
	ioread16_rep(io + DATA, wback, 3);
	iowrite32_rep(io + DATA, longs, 2);
	ioread32_rep(io + DATA, lback, 2);
	printk(KERN_INFO "repio: rep16 %04x %04x %04x rep32 %08x %08x\n",
	       wback[0], wback[1], wback[2], lback[0], lback[1]);
	memcpy_toio(io + SCRATCH, "scratch!", 8);
	memcpy_fromio(text, io + SCRATCH, 8);
	memset_io(io + SCRATCH, 0x5a, 2);
	printk(KERN_INFO "repio: memcpy_fromio %s readw %04x\n", text, readw(io + SCRATCH));
	writew_relaxed(0xBEEF, io + SCRATCH + 2);
	printk(KERN_INFO "repio: readl_relaxed %08x\n", readl_relaxed(io + SCRATCH));
	iounmap(io);
out:
	release_region(PORT, 0x10);
	return 0;
}

static void __exit repio_exit(void)
{
}

module_init(repio_init);
module_exit(repio_exit);
MODULE_LICENSE("GPL");
