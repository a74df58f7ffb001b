#ifndef _LINUX_I2C_H
#define _LINUX_I2C_H

/*
 * emu4412 SDK: the I2C core as modules see it (Linux 3.14 include/linux/i2c.h and
 * include/uapi/linux/i2c.h): messages, adapters, clients, drivers and the SMBus helpers.
 * Layouts as on the FS4412 board (emulator/kernel/abi.py: i2c_client 344 bytes, i2c_driver
 * 116, i2c_adapter 504, i2c_msg 12, i2c_board_info 40). The kernel's adapters are the
 * SoC's I2C0-7 (bus numbers from the device tree's i2cN aliases: I2C5 is i2c-5).
 */

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/mod_devicetable.h>

struct module;
struct i2c_adapter;
struct i2c_client;
struct i2c_driver;
struct i2c_board_info;
struct device_node;

/* <linux/pm.h>: the legacy suspend argument */
typedef struct pm_message {
	int event;
} pm_message_t;

/* -- one segment of a transfer (uapi) ---------------------------------------------------- */
struct i2c_msg {
	__u16 addr;		/* 7-bit slave address (10-bit with I2C_M_TEN) */
	__u16 flags;
#define I2C_M_TEN		0x0010
#define I2C_M_RD		0x0001
#define I2C_M_STOP		0x8000
#define I2C_M_NOSTART		0x4000
#define I2C_M_REV_DIR_ADDR	0x2000
#define I2C_M_IGNORE_NAK	0x1000
#define I2C_M_NO_RD_ACK		0x0800
#define I2C_M_RECV_LEN		0x0400
	__u16 len;		/* bytes in buf */
	__u8 *buf;
};

/* what an adapter can do (i2c_check_functionality) */
#define I2C_FUNC_I2C			0x00000001
#define I2C_FUNC_10BIT_ADDR		0x00000002
#define I2C_FUNC_PROTOCOL_MANGLING	0x00000004
#define I2C_FUNC_SMBUS_PEC		0x00000008
#define I2C_FUNC_NOSTART		0x00000010
#define I2C_FUNC_SMBUS_BLOCK_PROC_CALL	0x00008000
#define I2C_FUNC_SMBUS_QUICK		0x00010000
#define I2C_FUNC_SMBUS_READ_BYTE	0x00020000
#define I2C_FUNC_SMBUS_WRITE_BYTE	0x00040000
#define I2C_FUNC_SMBUS_READ_BYTE_DATA	0x00080000
#define I2C_FUNC_SMBUS_WRITE_BYTE_DATA	0x00100000
#define I2C_FUNC_SMBUS_READ_WORD_DATA	0x00200000
#define I2C_FUNC_SMBUS_WRITE_WORD_DATA	0x00400000
#define I2C_FUNC_SMBUS_PROC_CALL	0x00800000
#define I2C_FUNC_SMBUS_READ_BLOCK_DATA	0x01000000
#define I2C_FUNC_SMBUS_WRITE_BLOCK_DATA	0x02000000
#define I2C_FUNC_SMBUS_READ_I2C_BLOCK	0x04000000
#define I2C_FUNC_SMBUS_WRITE_I2C_BLOCK	0x08000000
#define I2C_FUNC_SMBUS_BYTE	(I2C_FUNC_SMBUS_READ_BYTE | I2C_FUNC_SMBUS_WRITE_BYTE)
#define I2C_FUNC_SMBUS_BYTE_DATA \
	(I2C_FUNC_SMBUS_READ_BYTE_DATA | I2C_FUNC_SMBUS_WRITE_BYTE_DATA)
#define I2C_FUNC_SMBUS_WORD_DATA \
	(I2C_FUNC_SMBUS_READ_WORD_DATA | I2C_FUNC_SMBUS_WRITE_WORD_DATA)
#define I2C_FUNC_SMBUS_BLOCK_DATA \
	(I2C_FUNC_SMBUS_READ_BLOCK_DATA | I2C_FUNC_SMBUS_WRITE_BLOCK_DATA)
#define I2C_FUNC_SMBUS_I2C_BLOCK \
	(I2C_FUNC_SMBUS_READ_I2C_BLOCK | I2C_FUNC_SMBUS_WRITE_I2C_BLOCK)
#define I2C_FUNC_SMBUS_EMUL \
	(I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE | I2C_FUNC_SMBUS_BYTE_DATA | \
	 I2C_FUNC_SMBUS_WORD_DATA | I2C_FUNC_SMBUS_PROC_CALL | \
	 I2C_FUNC_SMBUS_WRITE_BLOCK_DATA | I2C_FUNC_SMBUS_I2C_BLOCK | I2C_FUNC_SMBUS_PEC)

/* SMBus transactions (uapi) */
#define I2C_SMBUS_BLOCK_MAX	32
union i2c_smbus_data {
	__u8 byte;
	__u16 word;
	__u8 block[I2C_SMBUS_BLOCK_MAX + 2];	/* block[0]: the length */
};
#define I2C_SMBUS_READ		1
#define I2C_SMBUS_WRITE		0
#define I2C_SMBUS_QUICK		0
#define I2C_SMBUS_BYTE		1
#define I2C_SMBUS_BYTE_DATA	2
#define I2C_SMBUS_WORD_DATA	3
#define I2C_SMBUS_PROC_CALL	4
#define I2C_SMBUS_BLOCK_DATA	5
#define I2C_SMBUS_I2C_BLOCK_BROKEN	6
#define I2C_SMBUS_BLOCK_PROC_CALL	7
#define I2C_SMBUS_I2C_BLOCK_DATA	8

/* -- adapters --------------------------------------------------------------------------- */
/* The board's rt_mutex (DEBUG_RT_MUTEXES): 48 bytes the emulated kernel keeps opaque. */
struct rt_mutex {
	unsigned char __opaque[48];
};

struct i2c_algorithm {
	int (*master_xfer)(struct i2c_adapter *adap, struct i2c_msg *msgs, int num);
	int (*smbus_xfer)(struct i2c_adapter *adap, u16 addr, unsigned short flags,
			  char read_write, u8 command, int size, union i2c_smbus_data *data);
	u32 (*functionality)(struct i2c_adapter *);
};

struct i2c_bus_recovery_info;

struct i2c_adapter {
	struct module *owner;
	unsigned int class;
	const struct i2c_algorithm *algo;
	void *algo_data;
	struct rt_mutex bus_lock;
	int timeout;			/* in jiffies */
	int retries;
	struct device dev;
	int nr;
	char name[48];
	struct completion dev_released;
	struct mutex userspace_clients_lock;
	struct list_head userspace_clients;
	struct i2c_bus_recovery_info *bus_recovery_info;
};
#define to_i2c_adapter(d) container_of(d, struct i2c_adapter, dev)

#define I2C_CLASS_HWMON		(1 << 0)
#define I2C_CLASS_DDC		(1 << 3)
#define I2C_CLASS_SPD		(1 << 7)

static inline void *i2c_get_adapdata(const struct i2c_adapter *dev)
{
	return dev_get_drvdata(&dev->dev);
}

static inline void i2c_set_adapdata(struct i2c_adapter *dev, void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

static inline int i2c_adapter_id(struct i2c_adapter *adap)
{
	return adap->nr;
}

static inline u32 i2c_get_functionality(struct i2c_adapter *adap)
{
	return adap->algo->functionality(adap);
}

static inline int i2c_check_functionality(struct i2c_adapter *adap, u32 func)
{
	return (func & i2c_get_functionality(adap)) == func;
}

/* -- clients ---------------------------------------------------------------------------- */
#define I2C_CLIENT_PEC		0x04
#define I2C_CLIENT_TEN		0x10
#define I2C_CLIENT_WAKE		0x80
#define I2C_CLIENT_SCCB		0x9000

struct i2c_client {
	unsigned short flags;
	unsigned short addr;		/* 7-bit address */
	char name[I2C_NAME_SIZE];	/* the device type: i2c_device_id.name matches it */
	struct i2c_adapter *adapter;
	struct device dev;
	int irq;
	struct list_head detected;
};
#define to_i2c_client(d) container_of(d, struct i2c_client, dev)

static inline void *i2c_get_clientdata(const struct i2c_client *dev)
{
	return dev_get_drvdata(&dev->dev);
}

static inline void i2c_set_clientdata(struct i2c_client *dev, void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

struct i2c_board_info {
	char		type[I2C_NAME_SIZE];
	unsigned short	flags;
	unsigned short	addr;
	void		*platform_data;
	struct dev_archdata	*archdata;
	struct device_node *of_node;
	struct { } acpi_node;		/* empty without CONFIG_ACPI, as on the board */
	int		irq;
};

#define I2C_BOARD_INFO(dev_type, dev_addr) \
	.type = dev_type, .addr = (dev_addr)

/* -- drivers ---------------------------------------------------------------------------- */
struct i2c_driver {
	unsigned int class;
	int (*attach_adapter)(struct i2c_adapter *);
	int (*probe)(struct i2c_client *, const struct i2c_device_id *);
	int (*remove)(struct i2c_client *);
	void (*shutdown)(struct i2c_client *);
	int (*suspend)(struct i2c_client *, pm_message_t mesg);
	int (*resume)(struct i2c_client *);
	void (*alert)(struct i2c_client *, unsigned int data);
	int (*command)(struct i2c_client *client, unsigned int cmd, void *arg);
	struct device_driver driver;
	const struct i2c_device_id *id_table;
	int (*detect)(struct i2c_client *, struct i2c_board_info *);
	const unsigned short *address_list;
	struct list_head clients;
};
#define to_i2c_driver(d) container_of(d, struct i2c_driver, driver)

extern struct bus_type i2c_bus_type;

extern int i2c_register_driver(struct module *owner, struct i2c_driver *driver);
extern void i2c_del_driver(struct i2c_driver *driver);
#define i2c_add_driver(driver) i2c_register_driver(THIS_MODULE, driver)

#ifndef module_driver
#define module_driver(__driver, __register, __unregister, ...) \
static int __init __driver##_init(void) \
{ \
	return __register(&(__driver) , ##__VA_ARGS__); \
} \
module_init(__driver##_init); \
static void __exit __driver##_exit(void) \
{ \
	__unregister(&(__driver) , ##__VA_ARGS__); \
} \
module_exit(__driver##_exit);
#endif
#define module_i2c_driver(__i2c_driver) \
	module_driver(__i2c_driver, i2c_add_driver, i2c_del_driver)

/* -- the core's services ---------------------------------------------------------------- */
extern struct i2c_client *i2c_new_device(struct i2c_adapter *adap,
					 struct i2c_board_info const *info);
extern void i2c_unregister_device(struct i2c_client *client);
/* Board (mach) code in 3.14: __init and not exported, so a module using it does not load. */
extern int i2c_register_board_info(int busnum, struct i2c_board_info const *info,
				   unsigned n);
extern struct i2c_adapter *i2c_get_adapter(int nr);
extern void i2c_put_adapter(struct i2c_adapter *adap);
extern struct i2c_client *i2c_verify_client(struct device *dev);
extern struct i2c_adapter *i2c_verify_adapter(struct device *dev);
extern struct i2c_client *i2c_use_client(struct i2c_client *client);
extern void i2c_release_client(struct i2c_client *client);
extern struct i2c_client *of_find_i2c_device_by_node(struct device_node *node);
extern struct i2c_adapter *of_find_i2c_adapter_by_node(struct device_node *node);

extern int i2c_transfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num);
extern int __i2c_transfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num);
extern int i2c_master_send(const struct i2c_client *client, const char *buf, int count);
extern int i2c_master_recv(const struct i2c_client *client, char *buf, int count);

extern s32 i2c_smbus_xfer(struct i2c_adapter *adapter, u16 addr, unsigned short flags,
			  char read_write, u8 command, int protocol,
			  union i2c_smbus_data *data);
extern s32 i2c_smbus_read_byte(const struct i2c_client *client);
extern s32 i2c_smbus_write_byte(const struct i2c_client *client, u8 value);
extern s32 i2c_smbus_read_byte_data(const struct i2c_client *client, u8 command);
extern s32 i2c_smbus_write_byte_data(const struct i2c_client *client, u8 command, u8 value);
extern s32 i2c_smbus_read_word_data(const struct i2c_client *client, u8 command);
extern s32 i2c_smbus_write_word_data(const struct i2c_client *client, u8 command, u16 value);
extern s32 i2c_smbus_read_block_data(const struct i2c_client *client, u8 command, u8 *values);
extern s32 i2c_smbus_write_block_data(const struct i2c_client *client, u8 command,
				      u8 length, const u8 *values);
extern s32 i2c_smbus_read_i2c_block_data(const struct i2c_client *client, u8 command,
					 u8 length, u8 *values);
extern s32 i2c_smbus_write_i2c_block_data(const struct i2c_client *client, u8 command,
					  u8 length, const u8 *values);

/* SMBus words are little endian; big-endian chips (the MPU6050) swap them */
static inline s32 i2c_smbus_read_word_swapped(const struct i2c_client *client, u8 command)
{
	s32 value = i2c_smbus_read_word_data(client, command);

	return (value < 0) ? value : (s32)(((value & 0xff) << 8) | ((value >> 8) & 0xff));
}

static inline s32 i2c_smbus_write_word_swapped(const struct i2c_client *client, u8 command,
					       u16 value)
{
	return i2c_smbus_write_word_data(client, command, (u16)((value << 8) | (value >> 8)));
}

#endif /* _LINUX_I2C_H */
