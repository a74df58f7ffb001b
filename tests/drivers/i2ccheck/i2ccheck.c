/*
 * i2ccheck: the I2C core's services and their error paths (issue 13), printed from init:
 * i2c_get_adapter of the board's i2c-5 and of a disabled bus, i2c_new_device for the
 * MPU6050's address (taken by the device tree's client: -EBUSY), a bad address and a free
 * one, a driver matched by id_table name only, i2c_transfer to a missing device (-ENXIO),
 * master_send/recv and the SMBus calls on the MPU6050 through a dummy client, and
 * i2c_del_driver of a driver never registered. exit unregisters what init made.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/i2c.h>

static struct i2c_adapter *adap;
static struct i2c_client *extra;

static int check_probe(struct i2c_client *client, const struct i2c_device_id *id)
{
	printk(KERN_INFO "i2ccheck: probe %s at 0x%02x (id %s, data %lu)\n",
	       dev_name(&client->dev), client->addr, id ? id->name : "-",
	       id ? id->driver_data : 0);
	i2c_set_clientdata(client, (void *)0x1234);
	return 0;
}

static int check_remove(struct i2c_client *client)
{
	printk(KERN_INFO "i2ccheck: remove %s, clientdata %p\n", dev_name(&client->dev),
	       i2c_get_clientdata(client));
	return 0;
}

static const struct i2c_device_id check_id[] = {
	{ "i2ccheck-dev", 7 },
	{ },
};

static struct i2c_driver check_driver = {
	.driver = { .name = "i2ccheck", .owner = THIS_MODULE },
	.probe = check_probe,
	.remove = check_remove,
	.id_table = check_id,
};

static struct i2c_driver never_registered = {
	.driver = { .name = "never" },
};

static int __init i2ccheck_init(void)
{
	struct i2c_board_info mpu = { I2C_BOARD_INFO("mpu6050", 0x68) };
	struct i2c_board_info bad = { I2C_BOARD_INFO("bad", 0x80) };
	struct i2c_board_info dev = { I2C_BOARD_INFO("i2ccheck-dev", 0x50) };
	struct i2c_client *client;
	u8 reg = 0x75, who = 0, buf[6];
	struct i2c_msg msgs[2] = {
		{ .addr = 0x69, .flags = 0, .len = 1, .buf = &reg },
		{ .addr = 0x69, .flags = I2C_M_RD, .len = 1, .buf = &who },
	};
	int ret;

	adap = i2c_get_adapter(5);
	printk(KERN_INFO "i2ccheck: adapter 5 %s nr %d, adapter 3 %p\n", adap ? adap->name : "-",
	       adap ? i2c_adapter_id(adap) : -1, i2c_get_adapter(3));
	if (!adap)
		return -ENODEV;
	printk(KERN_INFO "i2ccheck: functionality %08x\n", i2c_get_functionality(adap));
	client = i2c_new_device(adap, &mpu);
	printk(KERN_INFO "i2ccheck: second client at 0x68 %p\n", client);
	client = i2c_new_device(adap, &bad);
	printk(KERN_INFO "i2ccheck: client at 0x80 %p\n", client);
	ret = i2c_add_driver(&check_driver);
	printk(KERN_INFO "i2ccheck: add_driver %d\n", ret);
	ret = i2c_add_driver(&check_driver);
	printk(KERN_INFO "i2ccheck: add_driver again %d\n", ret);
	extra = i2c_new_device(adap, &dev);
	printk(KERN_INFO "i2ccheck: client %s\n", extra ? dev_name(&extra->dev) : "-");

	ret = i2c_transfer(adap, msgs, 2);
	printk(KERN_INFO "i2ccheck: transfer to 0x69 %d\n", ret);
	msgs[0].addr = msgs[1].addr = 0x68;
	ret = i2c_transfer(adap, msgs, 2);
	printk(KERN_INFO "i2ccheck: transfer to 0x68 %d, WHO_AM_I 0x%02x\n", ret, who);

	/* a client of our own at the sensor's address would be -EBUSY: use the extra one,
	 * re-addressed (as i2c-dev's anonymous clients are) */
	extra->addr = 0x68;
	ret = i2c_smbus_write_byte_data(extra, 0x6b, 0x00);
	printk(KERN_INFO "i2ccheck: wake %d\n", ret);
	ret = i2c_smbus_read_byte_data(extra, 0x75);
	printk(KERN_INFO "i2ccheck: smbus byte 0x%02x\n", ret);
	ret = i2c_smbus_read_word_data(extra, 0x3f);
	printk(KERN_INFO "i2ccheck: smbus word 0x%04x swapped 0x%04x\n", ret,
	       i2c_smbus_read_word_swapped(extra, 0x3f));
	ret = i2c_smbus_read_i2c_block_data(extra, 0x3b, 6, buf);
	printk(KERN_INFO "i2ccheck: block %d: %02x %02x %02x %02x %02x %02x\n", ret,
	       buf[0], buf[1], buf[2], buf[3], buf[4], buf[5]);
	reg = 0x75;
	ret = i2c_master_send(extra, &reg, 1);
	printk(KERN_INFO "i2ccheck: master_send %d\n", ret);
	ret = i2c_master_recv(extra, &who, 1);
	printk(KERN_INFO "i2ccheck: master_recv %d 0x%02x\n", ret, who);
	extra->addr = 0x50;
	ret = i2c_smbus_write_byte(extra, 0x00);
	printk(KERN_INFO "i2ccheck: write_byte to 0x50 %d\n", ret);

	i2c_del_driver(&never_registered);
	return 0;
}

static void __exit i2ccheck_exit(void)
{
	i2c_unregister_device(extra);
	i2c_del_driver(&check_driver);
	i2c_put_adapter(adap);
}

module_init(i2ccheck_init);
module_exit(i2ccheck_exit);
MODULE_LICENSE("GPL");
