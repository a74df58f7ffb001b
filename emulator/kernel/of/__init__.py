"""The device tree (drivers/of in Linux 3.14): the board's blob, its nodes in guest memory and
the OF API drivers call."""
