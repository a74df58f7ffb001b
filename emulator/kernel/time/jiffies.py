"""The tick: HZ and the jiffies origin of the board's 3.14 configuration (CONFIG_HZ=200;
include/linux/jiffies.h starts jiffies five minutes before the 32-bit wrap)."""

HZ = 200
TICK_NS = 1_000_000_000 // HZ
INITIAL_JIFFIES = (-300 * HZ) & 0xFFFFFFFF
