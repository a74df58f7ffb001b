#ifndef __ASM_ARM_IO_H
#define __ASM_ARM_IO_H

/*
 * Linux 3.14 arch/arm/include/asm/io.h for ARMv7, without PCI/ISA I/O ports.
 *
 * readl()/writel() & co. are inline: one ldr/ldrh/ldrb or str/strh/strb on the address
 * ioremap() returned, and the barriers of 3.14 with CONFIG_ARM_DMA_MEM_BUFFERABLE:
 * writeX() = wmb() ("dsb st") then the store, readX() = the load then rmb() ("dsb").
 * The _relaxed forms have no barrier.  No function is called.
 *
 * ioremap() & co. call __arm_ioremap() with a memory type, iounmap() is __arm_iounmap(),
 * both exported by the emu4412 kernel (arch/arm/mm/ioremap.c).
 */

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/barrier.h>
#include <asm/memory.h>

/*
 * Generic IO read/write.  These perform native-endian accesses.  Note
 * that some architectures will want to re-define __raw_{read,write}w.
 */
static inline void __raw_writew(u16 val, volatile void __iomem *addr)
{
	asm volatile("strh %1, %0"
		     : "+Q" (*(volatile u16 __force *)addr)
		     : "r" (val));
}

static inline u16 __raw_readw(const volatile void __iomem *addr)
{
	u16 val;
	asm volatile("ldrh %1, %0"
		     : "+Q" (*(volatile u16 __force *)addr),
		       "=r" (val));
	return val;
}

static inline void __raw_writeb(u8 val, volatile void __iomem *addr)
{
	asm volatile("strb %1, %0"
		     : "+Qo" (*(volatile u8 __force *)addr)
		     : "r" (val));
}

static inline void __raw_writel(u32 val, volatile void __iomem *addr)
{
	asm volatile("str %1, %0"
		     : "+Qo" (*(volatile u32 __force *)addr)
		     : "r" (val));
}

static inline u8 __raw_readb(const volatile void __iomem *addr)
{
	u8 val;
	asm volatile("ldrb %1, %0"
		     : "+Qo" (*(volatile u8 __force *)addr),
		       "=r" (val));
	return val;
}

static inline u32 __raw_readl(const volatile void __iomem *addr)
{
	u32 val;
	asm volatile("ldr %1, %0"
		     : "+Qo" (*(volatile u32 __force *)addr),
		       "=r" (val));
	return val;
}

/*
 * Architecture ioremap implementation.
 */
#define MT_DEVICE		0
#define MT_DEVICE_NONSHARED	1
#define MT_DEVICE_CACHED	2
#define MT_DEVICE_WC		3
/*
 * types 4 onwards can be found in asm/mach/map.h and are undefined
 * for ioremap
 */

/*
 * __arm_ioremap takes CPU physical address.
 */
extern void __iomem *__arm_ioremap(phys_addr_t, size_t, unsigned int);
extern void __arm_iounmap(volatile void __iomem *addr);

/*
 *  Memory access primitives
 *  ------------------------
 *
 * These perform PCI memory accesses via an ioremap region.  They don't
 * take an address as such, but a cookie.
 *
 * Again, this are defined to perform little endian accesses.  See the
 * IO port primitives for more information.
 */
#define __iormb()		rmb()
#define __iowmb()		wmb()

static inline u8 readb_relaxed(const volatile void __iomem *c)
{
	return __raw_readb(c);
}

static inline u16 readw_relaxed(const volatile void __iomem *c)
{
	return __raw_readw(c);
}

static inline u32 readl_relaxed(const volatile void __iomem *c)
{
	return __raw_readl(c);
}

static inline void writeb_relaxed(u8 v, volatile void __iomem *c)
{
	__raw_writeb(v, c);
}

static inline void writew_relaxed(u16 v, volatile void __iomem *c)
{
	__raw_writew(v, c);
}

static inline void writel_relaxed(u32 v, volatile void __iomem *c)
{
	__raw_writel(v, c);
}

static inline u8 readb(const volatile void __iomem *c)
{
	u8 __v = readb_relaxed(c);
	__iormb();
	return __v;
}

static inline u16 readw(const volatile void __iomem *c)
{
	u16 __v = readw_relaxed(c);
	__iormb();
	return __v;
}

static inline u32 readl(const volatile void __iomem *c)
{
	u32 __v = readl_relaxed(c);
	__iormb();
	return __v;
}

static inline void writeb(u8 v, volatile void __iomem *c)
{
	__iowmb();
	writeb_relaxed(v, c);
}

static inline void writew(u16 v, volatile void __iomem *c)
{
	__iowmb();
	writew_relaxed(v, c);
}

static inline void writel(u32 v, volatile void __iomem *c)
{
	__iowmb();
	writel_relaxed(v, c);
}

#define readsb(p,d,l)		__raw_readsb(p,d,l)
#define readsw(p,d,l)		__raw_readsw(p,d,l)
#define readsl(p,d,l)		__raw_readsl(p,d,l)

#define writesb(p,d,l)		__raw_writesb(p,d,l)
#define writesw(p,d,l)		__raw_writesw(p,d,l)
#define writesl(p,d,l)		__raw_writesl(p,d,l)

/* String forms (3.14: assembler helpers in arch/arm/lib), here as loops. */
static inline void __raw_readsb(const volatile void __iomem *addr, void *data, int bytelen)
{
	u8 *buf = data;
	while (bytelen-- > 0)
		*buf++ = __raw_readb(addr);
}

static inline void __raw_readsw(const volatile void __iomem *addr, void *data, int wordlen)
{
	u16 *buf = data;
	while (wordlen-- > 0)
		*buf++ = __raw_readw(addr);
}

static inline void __raw_readsl(const volatile void __iomem *addr, void *data, int longlen)
{
	u32 *buf = data;
	while (longlen-- > 0)
		*buf++ = __raw_readl(addr);
}

static inline void __raw_writesb(volatile void __iomem *addr, const void *data, int bytelen)
{
	const u8 *buf = data;
	while (bytelen-- > 0)
		__raw_writeb(*buf++, addr);
}

static inline void __raw_writesw(volatile void __iomem *addr, const void *data, int wordlen)
{
	const u16 *buf = data;
	while (wordlen-- > 0)
		__raw_writew(*buf++, addr);
}

static inline void __raw_writesl(volatile void __iomem *addr, const void *data, int longlen)
{
	const u32 *buf = data;
	while (longlen-- > 0)
		__raw_writel(*buf++, addr);
}

/* 3.14: _memset_io() & co. in arch/arm/kernel/io.c; here byte loops over __raw_*. */
static inline void memset_io(volatile void __iomem *dst, int c, size_t count)
{
	while (count) {
		count--;
		writeb(c, dst);
		dst++;
	}
}

static inline void memcpy_fromio(void *to, const volatile void __iomem *from, size_t count)
{
	unsigned char *t = to;
	while (count) {
		count--;
		*t = readb(from);
		t++;
		from++;
	}
}

static inline void memcpy_toio(volatile void __iomem *to, const void *from, size_t count)
{
	const unsigned char *f = from;
	while (count) {
		count--;
		writeb(*f, to);
		f++;
		to++;
	}
}

/*
 * ioremap and friends.
 *
 * ioremap takes a PCI memory address, as specified in
 * Documentation/io-mapping.txt.
 */
#define ioremap(cookie,size)		__arm_ioremap((cookie), (size), MT_DEVICE)
#define ioremap_nocache(cookie,size)	__arm_ioremap((cookie), (size), MT_DEVICE)
#define ioremap_cache(cookie,size)	__arm_ioremap((cookie), (size), MT_DEVICE_CACHED)
#define ioremap_cached(cookie,size)	__arm_ioremap((cookie), (size), MT_DEVICE_CACHED)
#define ioremap_wc(cookie,size)		__arm_ioremap((cookie), (size), MT_DEVICE_WC)
#define iounmap				__arm_iounmap

/*
 * io{read,write}{8,16,32} macros
 */
static inline unsigned int ioread8(const volatile void __iomem *p)
{
	unsigned int __v = __raw_readb(p);
	__iormb();
	return __v;
}

static inline unsigned int ioread16(const volatile void __iomem *p)
{
	unsigned int __v = __raw_readw(p);
	__iormb();
	return __v;
}

static inline unsigned int ioread32(const volatile void __iomem *p)
{
	unsigned int __v = __raw_readl(p);
	__iormb();
	return __v;
}

static inline void iowrite8(u8 v, volatile void __iomem *p)
{
	__iowmb();
	__raw_writeb(v, p);
}

static inline void iowrite16(u16 v, volatile void __iomem *p)
{
	__iowmb();
	__raw_writew(v, p);
}

static inline void iowrite32(u32 v, volatile void __iomem *p)
{
	__iowmb();
	__raw_writel(v, p);
}

#define ioread16be(p)		({ unsigned int __v = __builtin_bswap16(__raw_readw(p)); __iormb(); __v; })
#define ioread32be(p)		({ unsigned int __v = __builtin_bswap32(__raw_readl(p)); __iormb(); __v; })
#define iowrite16be(v,p)	({ __iowmb(); __raw_writew(__builtin_bswap16(v), p); })
#define iowrite32be(v,p)	({ __iowmb(); __raw_writel(__builtin_bswap32(v), p); })

#define ioread8_rep(p,d,c)	__raw_readsb(p,d,c)
#define ioread16_rep(p,d,c)	__raw_readsw(p,d,c)
#define ioread32_rep(p,d,c)	__raw_readsl(p,d,c)

#define iowrite8_rep(p,s,c)	__raw_writesb(p,s,c)
#define iowrite16_rep(p,s,c)	__raw_writesw(p,s,c)
#define iowrite32_rep(p,s,c)	__raw_writesl(p,s,c)

/*
 * I/O port access (3.14 with PCI I/O space): port space is mapped at PCI_IO_VIRT_BASE and
 * inb() & co. are loads and stores there.  The emulated board maps that window only when
 * its board file declares one ([ioport]); otherwise a port access oopses.
 */
#define PCI_IO_VIRT_BASE	0xfee00000
#define IO_SPACE_LIMIT		((resource_size_t)0xfffff)
#define __io(a)			((void __iomem *)(PCI_IO_VIRT_BASE + ((a) & IO_SPACE_LIMIT)))

#define outb(v,p)	({ __iowmb(); __raw_writeb(v,__io(p)); })
#define outw(v,p)	({ __iowmb(); __raw_writew((__force __u16)(v),__io(p)); })
#define outl(v,p)	({ __iowmb(); __raw_writel((__force __u32)(v),__io(p)); })

#define inb(p)	({ __u8 __v = __raw_readb(__io(p)); __iormb(); __v; })
#define inw(p)	({ __u16 __v = __raw_readw(__io(p)); __iormb(); __v; })
#define inl(p)	({ __u32 __v = __raw_readl(__io(p)); __iormb(); __v; })

#define outsb(p,d,l)		__raw_writesb(__io(p),d,l)
#define outsw(p,d,l)		__raw_writesw(__io(p),d,l)
#define outsl(p,d,l)		__raw_writesl(__io(p),d,l)

#define insb(p,d,l)		__raw_readsb(__io(p),d,l)
#define insw(p,d,l)		__raw_readsw(__io(p),d,l)
#define insl(p,d,l)		__raw_readsl(__io(p),d,l)

#define inb_p(p)	inb(p)
#define inw_p(p)	inw(p)
#define inl_p(p)	inl(p)
#define outb_p(v,p)	outb(v,p)
#define outw_p(v,p)	outw(v,p)
#define outl_p(v,p)	outl(v,p)

extern void __iomem *ioport_map(unsigned long port, unsigned int nr);
extern void ioport_unmap(void __iomem *addr);

#endif	/* __ASM_ARM_IO_H */
