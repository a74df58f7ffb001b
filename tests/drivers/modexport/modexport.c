/* Exports a function and a variable to other modules (EXPORT_SYMBOL, EXPORT_SYMBOL_GPL), as
 * course drivers split into a library module and its user do. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

int modexport_counter = 40;
EXPORT_SYMBOL_GPL(modexport_counter);

int modexport_add(int a, int b)
{
	modexport_counter++;
	return a + b;
}
EXPORT_SYMBOL(modexport_add);

static int __init modexport_init(void)
{
	pr_info("modexport: loaded\n");
	return 0;
}

static void __exit modexport_exit(void)
{
	pr_info("modexport: exit, counter %d\n", modexport_counter);
}

module_init(modexport_init);
module_exit(modexport_exit);
MODULE_LICENSE("GPL");
