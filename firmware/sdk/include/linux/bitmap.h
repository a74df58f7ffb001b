#ifndef __LINUX_BITMAP_H
#define __LINUX_BITMAP_H

/*
 * Bitmaps: arrays of unsigned long, bit n in word n / BITS_PER_LONG (lib/bitmap.c of Linux
 * 3.14, and ARM's find_*_bit).  The operations below work on nbits bits; and/or/xor/andnot/
 * complement write whole words of the destination.  The find_* searches are declared here
 * (3.14 has them in <asm/bitops.h>).
 */

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/string.h>

extern int __bitmap_empty(const unsigned long *bitmap, unsigned int nbits);
extern int __bitmap_full(const unsigned long *bitmap, unsigned int nbits);
extern int __bitmap_equal(const unsigned long *bitmap1, const unsigned long *bitmap2,
			  unsigned int nbits);
extern void __bitmap_complement(unsigned long *dst, const unsigned long *src,
				unsigned int nbits);
extern void __bitmap_shift_right(unsigned long *dst, const unsigned long *src, int shift,
				 int bits);
extern void __bitmap_shift_left(unsigned long *dst, const unsigned long *src, int shift,
				int bits);
extern int __bitmap_and(unsigned long *dst, const unsigned long *bitmap1,
			const unsigned long *bitmap2, unsigned int nbits);
extern void __bitmap_or(unsigned long *dst, const unsigned long *bitmap1,
			const unsigned long *bitmap2, unsigned int nbits);
extern void __bitmap_xor(unsigned long *dst, const unsigned long *bitmap1,
			 const unsigned long *bitmap2, unsigned int nbits);
extern int __bitmap_andnot(unsigned long *dst, const unsigned long *bitmap1,
			   const unsigned long *bitmap2, unsigned int nbits);
extern int __bitmap_intersects(const unsigned long *bitmap1, const unsigned long *bitmap2,
			       unsigned int nbits);
extern int __bitmap_subset(const unsigned long *bitmap1, const unsigned long *bitmap2,
			   unsigned int nbits);
extern int __bitmap_weight(const unsigned long *bitmap, unsigned int nbits);

extern void bitmap_set(unsigned long *map, unsigned int start, int len);
extern void bitmap_clear(unsigned long *map, unsigned int start, int len);
extern unsigned long bitmap_find_next_zero_area(unsigned long *map, unsigned long size,
						unsigned long start, unsigned int nr,
						unsigned long align_mask);

/* find_first_bit & co. and for_each_set_bit come with <linux/bitops.h> (asm/bitops.h). */

#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]
#define BITMAP_LAST_WORD_MASK(nbits)					\
	(((nbits) % BITS_PER_LONG) ? (1UL << ((nbits) % BITS_PER_LONG)) - 1 : ~0UL)

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	unsigned int nlongs = BITS_TO_LONGS(nbits);

	if (nlongs > 1)
		memset(dst, 0xff, (nlongs - 1) * sizeof(unsigned long));
	dst[nlongs - 1] = BITMAP_LAST_WORD_MASK(nbits);
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{
	memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline int bitmap_and(unsigned long *dst, const unsigned long *src1,
			     const unsigned long *src2, unsigned int nbits)
{
	return __bitmap_and(dst, src1, src2, nbits);
}

static inline void bitmap_or(unsigned long *dst, const unsigned long *src1,
			     const unsigned long *src2, unsigned int nbits)
{
	__bitmap_or(dst, src1, src2, nbits);
}

static inline void bitmap_xor(unsigned long *dst, const unsigned long *src1,
			      const unsigned long *src2, unsigned int nbits)
{
	__bitmap_xor(dst, src1, src2, nbits);
}

static inline int bitmap_andnot(unsigned long *dst, const unsigned long *src1,
				const unsigned long *src2, unsigned int nbits)
{
	return __bitmap_andnot(dst, src1, src2, nbits);
}

static inline void bitmap_complement(unsigned long *dst, const unsigned long *src,
				     unsigned int nbits)
{
	__bitmap_complement(dst, src, nbits);
}

static inline int bitmap_equal(const unsigned long *src1, const unsigned long *src2,
			       unsigned int nbits)
{
	return __bitmap_equal(src1, src2, nbits);
}

static inline int bitmap_intersects(const unsigned long *src1, const unsigned long *src2,
				    unsigned int nbits)
{
	return __bitmap_intersects(src1, src2, nbits);
}

static inline int bitmap_subset(const unsigned long *src1, const unsigned long *src2,
				unsigned int nbits)
{
	return __bitmap_subset(src1, src2, nbits);
}

static inline int bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return __bitmap_empty(src, nbits);
}

static inline int bitmap_full(const unsigned long *src, unsigned int nbits)
{
	return __bitmap_full(src, nbits);
}

static inline int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
	return __bitmap_weight(src, nbits);
}

static inline void bitmap_shift_right(unsigned long *dst, const unsigned long *src, int n,
				      int nbits)
{
	__bitmap_shift_right(dst, src, n, nbits);
}

static inline void bitmap_shift_left(unsigned long *dst, const unsigned long *src, int n,
				     int nbits)
{
	__bitmap_shift_left(dst, src, n, nbits);
}

#endif /* __LINUX_BITMAP_H */
