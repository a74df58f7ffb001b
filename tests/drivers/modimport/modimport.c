/* Uses the symbols modexport.ko exports: loads only after it, and holds it while loaded. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

extern int modexport_counter;
int modexport_add(int a, int b);

static int __init modimport_init(void)
{
	int sum = modexport_add(2, 3);

	modexport_counter += 100;
	pr_info("modimport: sum %d, counter %d\n", sum, modexport_counter);
	return 0;
}

static void __exit modimport_exit(void)
{
	pr_info("modimport: exit, sum %d\n", modexport_add(4, 5));
}

module_init(modimport_init);
module_exit(modimport_exit);
MODULE_LICENSE("GPL");
