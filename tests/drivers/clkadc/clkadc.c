/*
 * clkadc.c - test fixture: a platform driver for the ADC node (enable it in the tree) that
 * takes its "adc" clock with devm_clk_get, enables it (the CMU gate goes on), prints the
 * rate and its irq, and disables the clock in remove. clk_get of a name the node does not
 * list must fail with -ENOENT.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/clk.h>
#include <linux/of.h>

static struct clk *clk;

static int clkadc_probe(struct platform_device *pdev)
{
	struct clk *none = devm_clk_get(&pdev->dev, "nope");

	clk = devm_clk_get(&pdev->dev, "adc");
	if (IS_ERR(clk))
		return PTR_ERR(clk);
	clk_prepare_enable(clk);
	dev_info(&pdev->dev, "adc clock %lu Hz, irq %d, missing clock %ld\n", clk_get_rate(clk),
		 platform_get_irq(pdev, 0), PTR_ERR(none));
	return 0;
}

static int clkadc_remove(struct platform_device *pdev)
{
	clk_disable_unprepare(clk);
	return 0;
}

static const struct of_device_id clkadc_ids[] = {
	{ .compatible = "samsung,exynos-adc-v1" },
	{ }
};

static struct platform_driver clkadc_driver = {
	.probe = clkadc_probe,
	.remove = clkadc_remove,
	.driver = { .name = "clkadc", .of_match_table = clkadc_ids },
};
module_platform_driver(clkadc_driver);
MODULE_LICENSE("GPL");
