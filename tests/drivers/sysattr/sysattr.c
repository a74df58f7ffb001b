/*
 * sysattr.c - test fixture: sysfs attributes with module callbacks (3.14's DEVICE_ATTR and
 * DRIVER_ATTR). A misc device "sysattr" carries value (rw), big (ro: show fills the whole
 * page), secret (write-only, 0200) and broken (ro: show fails with -ENODEV); the platform
 * driver "sysattr" carries debug (rw) and binds the platform device "sysattr" the module
 * registers, whose probe adds mode (rw) and whose remove takes it away again. The group
 * cfg/ on the misc device shows alpha (0444 | S_IWGRP from is_visible) and hides hidden.
 * One attribute,
 * stray, is added to the platform bus device (/sys/devices/platform) and never removed:
 * rmmod's leak report names it.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/miscdevice.h>
#include <linux/platform_device.h>
#include <linux/fs.h>
#include <linux/string.h>

static int value = 7, debug, mode_val = 1;

static ssize_t value_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "value=%d (%s)\n", value, attr->attr.name);
}

static ssize_t value_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	int v, ret = kstrtoint(buf, 0, &v);	/* kstrtoint takes the trailing newline */

	if (ret)
		return ret;
	value = v;
	pr_info("sysattr: value %d (%zu bytes, NUL at %zu)\n", v, count, strlen(buf));
	return count;
}
static DEVICE_ATTR_RW(value);

static ssize_t big_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	int zeroed = buf[0] == 0 && buf[PAGE_SIZE - 1] == 0;

	memset(buf, 'x', PAGE_SIZE);
	buf[0] = zeroed ? 'z' : 'n';
	return PAGE_SIZE;
}
static DEVICE_ATTR_RO(big);

static ssize_t secret_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	pr_info("sysattr: secret %zu bytes\n", count);
	return count;
}
static DEVICE_ATTR(secret, S_IWUSR, NULL, secret_store);

static ssize_t broken_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return -ENODEV;
}
static DEVICE_ATTR(broken, S_IRUGO, broken_show, NULL);

static ssize_t stray_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "stray on %s\n", dev_name(dev));
}
static DEVICE_ATTR_RO(stray);

static ssize_t alpha_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "alpha of %s\n", dev_name(dev));
}
static DEVICE_ATTR_RO(alpha);
static DEVICE_ATTR(hidden, S_IRUGO, alpha_show, NULL);

/* is_visible: hidden (index 1) stays out; alpha gets group write permission as well. */
static umode_t cfg_visible(struct kobject *kobj, struct attribute *attr, int index)
{
	return index == 1 ? 0 : S_IWGRP;
}

static struct attribute *cfg_attrs[] = {
	&dev_attr_alpha.attr,
	&dev_attr_hidden.attr,
	NULL,
};

static const struct attribute_group cfg_group = {
	.name = "cfg",
	.is_visible = cfg_visible,
	.attrs = cfg_attrs,
};

static ssize_t mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "%s mode %d\n", dev_name(dev), mode_val);
}

static ssize_t mode_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	int ret = kstrtoint(buf, 10, &mode_val);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(mode);

static ssize_t debug_show(struct device_driver *drv, char *buf)
{
	return sprintf(buf, "%s debug %d\n", drv->name, debug);
}

static ssize_t debug_store(struct device_driver *drv, const char *buf, size_t count)
{
	int ret = kstrtoint(buf, 10, &debug);

	if (ret)
		return ret;
	pr_info("sysattr: debug %d\n", debug);
	return count;
}
static DRIVER_ATTR_RW(debug);

static const struct file_operations sysattr_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice sysattr_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sysattr",
	.fops = &sysattr_fops,
};

static int sysattr_probe(struct platform_device *pdev)
{
	return device_create_file(&pdev->dev, &dev_attr_mode);
}

static int sysattr_remove(struct platform_device *pdev)
{
	device_remove_file(&pdev->dev, &dev_attr_mode);
	return 0;
}

static struct platform_driver sysattr_driver = {
	.probe = sysattr_probe,
	.remove = sysattr_remove,
	.driver = {
		.name = "sysattr",
		.owner = THIS_MODULE,
	},
};

static struct platform_device *sysattr_pdev;

static int __init sysattr_init(void)
{
	int ret = misc_register(&sysattr_misc);

	if (ret)
		return ret;
	ret = device_create_file(sysattr_misc.this_device, &dev_attr_value);
	ret = ret ?: device_create_file(sysattr_misc.this_device, &dev_attr_big);
	ret = ret ?: device_create_file(sysattr_misc.this_device, &dev_attr_secret);
	ret = ret ?: device_create_file(sysattr_misc.this_device, &dev_attr_broken);
	ret = ret ?: sysfs_create_group(&sysattr_misc.this_device->kobj, &cfg_group);
	pr_info("sysattr: duplicate %d\n",
		device_create_file(sysattr_misc.this_device, &dev_attr_value));
	ret = ret ?: platform_driver_register(&sysattr_driver);
	ret = ret ?: driver_create_file(&sysattr_driver.driver, &driver_attr_debug);
	sysattr_pdev = platform_device_register_simple("sysattr", -1, NULL, 0);
	ret = ret ?: device_create_file(&platform_bus, &dev_attr_stray);
	pr_info("sysattr: init %d\n", ret);
	return ret;
}

static void __exit sysattr_exit(void)
{
	platform_device_unregister(sysattr_pdev);	/* remove() takes mode away */
	driver_remove_file(&sysattr_driver.driver, &driver_attr_debug);
	platform_driver_unregister(&sysattr_driver);
	device_remove_file(sysattr_misc.this_device, &dev_attr_value);
	misc_deregister(&sysattr_misc);		/* big, secret, broken go with the device */
}

module_init(sysattr_init);
module_exit(sysattr_exit);
MODULE_LICENSE("GPL");
