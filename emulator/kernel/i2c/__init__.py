"""The I2C subsystem (Linux drivers/i2c): the core, SMBus, the SoC's adapters, i2c-dev."""
