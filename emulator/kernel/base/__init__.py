"""The driver model (drivers/base in Linux 3.14): devices, classes, the platform bus, devres,
sysfs and devtmpfs."""
