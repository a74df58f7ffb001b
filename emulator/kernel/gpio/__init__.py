"""gpiolib and the Exynos pin controllers (drivers/gpio, drivers/pinctrl/samsung)."""
