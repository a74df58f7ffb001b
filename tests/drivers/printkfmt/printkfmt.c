/*
 * printkfmt.c - test fixture for the emulated printk (Linux 3.14 lib/vsprintf.c and
 * kernel/printk/printk.c semantics).  init prints the lines of expected.txt and returns
 * 0; exit prints "printkfmt: exit".
 *
 * expected.txt gives each resulting log record as "<level>text" (the /proc/kmsg and
 * "dmesg -r" form): the KERN_* prefix is consumed and becomes the level, a printk without
 * a level gets the default level 4, KERN_CONT pieces join the record before them.
 * The arguments exercise the AAPCS variadic convention too: a 64-bit argument goes in an
 * even/odd register pair or an 8-aligned stack slot.
 */
#define pr_fmt(fmt) "printkfmt: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>

/* NULL, but the compiler cannot know it (no -Wformat-overflow warning for "%s") */
const char *printkfmt_null;

static int __init printkfmt_init(void)
{
	static const char hello[] = "hello";

	printk(KERN_INFO "printkfmt: start\n");
	printk(KERN_INFO "d=%d i=%i u=%u\n", -42, 42, 3000000000U);
	printk(KERN_INFO "x=%x X=%X #x=%#x neg=%x\n", 0xbeef, 0xbeef, 255, -1);
	printk(KERN_INFO "o=%o #o=%#o\n", 8, 8);
	printk(KERN_INFO "c=%c%c%c\n", 'o', 'k', '!');
	printk(KERN_INFO "s=%s null=%s\n", hello, printkfmt_null);
	printk(KERN_INFO "p=%p null=%p\n", (void *)0xc0de1234, (void *)printkfmt_null);
	printk(KERN_INFO "ld=%ld lu=%lu lx=%lx\n", -2147483647L - 1, 4294967295UL, 0xdeadbeefUL);
	printk(KERN_INFO "zu=%zu zd=%zd\n", sizeof(struct file), (ssize_t)-5);
	printk(KERN_INFO "lld=%lld llu=%llu llx=%llx\n",
	       -9000000000LL, 18446744073709551615ULL, 0x123456789abcdefULL);
	printk(KERN_INFO "aapcs=%d %lld %d %lld\n", 1, -2LL, 3, 4LL);
	printk(KERN_INFO "h=%hd %hu %hhx\n", (short)-1, (unsigned short)65535, 0x1ff);
	printk(KERN_INFO "w=[%5d] [%-5d] [%05d] [%05d] [%5s] [%-5s]\n", 42, 42, 42, -42, "ab", "ab");
	printk(KERN_INFO "prec=[%.3s] [%8.3s] [%-8.3s] [%.5d] [%8.5d]\n",
	       "abcdef", "abcdef", "abcdef", 42, -42);
	printk(KERN_INFO "flags=[%+d] [% d] [%-+5d] [%#08x]\n", 5, 5, 5, 0xbeef);
	printk(KERN_INFO "star=[%*d] [%-*d] [%.*s]\n", 6, 42, 6, 42, 2, "abcdef");
	printk(KERN_INFO "percent=100%%\n");
	printk(KERN_EMERG "level 0 emerg\n");
	printk(KERN_ALERT "level 1 alert\n");
	printk(KERN_CRIT "level 2 crit\n");
	printk(KERN_ERR "level 3 err\n");
	printk(KERN_WARNING "level 4 warning\n");
	printk(KERN_NOTICE "level 5 notice\n");
	printk(KERN_INFO "level 6 info\n");
	printk(KERN_DEBUG "level 7 debug\n");
	printk("no level\n");
	printk(KERN_DEFAULT "default level\n");
	printk(KERN_INFO "cont: a");
	printk(KERN_CONT "b");
	printk(KERN_CONT "c=%d\n", 3);
	pr_info("pr_info %d\n", 7);
	pr_err("pr_err %s\n", "x");
	pr_debug("pr_debug is compiled out without DEBUG\n");
	printk(KERN_INFO "printkfmt: done\n");
	return 0;
}

static void __exit printkfmt_exit(void)
{
	printk(KERN_INFO "printkfmt: exit\n");
}

module_init(printkfmt_init);
module_exit(printkfmt_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("emu4412");
MODULE_DESCRIPTION("printk format test");
