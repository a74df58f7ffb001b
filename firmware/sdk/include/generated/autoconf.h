/*
 * emu4412 SDK: the kernel configuration a module sees (Linux 3.14, FS4412 / exynos4412).
 * Only options that change what a module's headers expand to are listed.
 */
#define CONFIG_ARM 1
#define CONFIG_MMU 1
#define CONFIG_AEABI 1
#define CONFIG_CPU_V7 1
#define CONFIG_ARCH_EXYNOS 1
#define CONFIG_ARCH_EXYNOS4 1
#define CONFIG_SOC_EXYNOS4412 1
#define CONFIG_SMP 1
#define CONFIG_NR_CPUS 4
#define CONFIG_HIGHMEM 1
#define CONFIG_PAGE_OFFSET 0xC0000000
#define CONFIG_MODULES 1
#define CONFIG_MODULE_UNLOAD 1
#define CONFIG_PRINTK 1
#define CONFIG_BUG 1
#define CONFIG_ARM_UNWIND 1
#define CONFIG_ARM_DMA_MEM_BUFFERABLE 1
#define CONFIG_DEFAULT_MESSAGE_LOGLEVEL 4
#define CONFIG_LOCALVERSION ""
