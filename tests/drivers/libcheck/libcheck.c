/*
 * libcheck.c - test fixture: calls the lib/ exports of issue 16 at init and prints one
 * "libcheck: NAME = VALUE" line each, for the test to compare with what 3.14 computes;
 * then, last, strlen() of a kmalloc'd buffer with no NUL (a KASAN slab-out-of-bounds read).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sort.h>
#include <linux/list.h>
#include <linux/list_sort.h>
#include <linux/random.h>
#include <linux/crc32.h>
#include <linux/crc16.h>
#include <linux/bitmap.h>

struct item {
	struct list_head node;
	int key, tag;
};

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int cmp_item(void *priv, struct list_head *a, struct list_head *b)
{
	return list_entry(a, struct item, node)->key - list_entry(b, struct item, node)->key;
}

/* Globals: the compiler must not fold the calls. */
char lc_num[16] = "0x1F\n", lc_neg[8] = "-129", lc_big[24] = "4294967296";
char lc_words[32] = "  alpha,beta;gamma  ";
unsigned char lc_digits[10] = "123456789";

static int __init libcheck_init(void)
{
	unsigned long ul = 0;
	long long ll = 0;
	int i, vals[7] = { 5, -3, 9, 0, 5, 12, -7 };
	s8 s8v = 0;
	char *rest, *word, *text, line[80], *endp;
	u32 state_words[4] = { 0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321 };
	struct item items[5];
	struct item *it;
	LIST_HEAD(head);
	DECLARE_BITMAP(bits, 70);
	DECLARE_BITMAP(other, 70);
	unsigned int bit;

	pr_info("libcheck: kstrtoul 0x1F = %d %lu\n", kstrtoul(lc_num, 0, &ul), ul);
	pr_info("libcheck: kstrtos8 -129 = %d\n", kstrtos8(lc_neg, 10, &s8v));
	pr_info("libcheck: kstrtoul 2^32 = %d\n", kstrtoul(lc_big, 10, &ul));
	pr_info("libcheck: kstrtoll -129 = %d %lld\n", kstrtoll(lc_neg, 0, &ll), ll);
	pr_info("libcheck: simple_strtoul = %lu rest '%s'\n",
		simple_strtoul("077xyz", &endp, 0), endp);
	pr_info("libcheck: simple_strtol = %ld\n", simple_strtol("-0x10", NULL, 16));

	rest = strim(lc_words);
	pr_info("libcheck: strim = '%s'\n", rest);
	pr_info("libcheck: strspn = %zu strcspn = %zu\n", strspn(rest, "abhlp"),
		strcspn(rest, ",;"));
	pr_info("libcheck: strpbrk = '%s'\n", strpbrk(rest, ";,"));
	while ((word = strsep(&rest, ",;")) != NULL)
		pr_info("libcheck: strsep '%s'\n", word);
	pr_info("libcheck: skip_spaces = '%s'\n", skip_spaces(" \t x"));
	pr_info("libcheck: strrchr = '%s' strnchr = %d\n", strrchr("a/b/c", '/'),
		strnchr("abc", 2, 'c') == NULL);
	pr_info("libcheck: memchr_inv = %d\n", (char *)memchr_inv("aaab", 'a', 4) - "aaab" == 3);

	text = kasprintf(GFP_KERNEL, "%s-%d", "board", 4412);
	pr_info("libcheck: kasprintf = '%s'\n", text);
	kfree(text);

	hex_dump_to_buffer(lc_digits, 9, 16, 1, line, sizeof(line), true);
	pr_info("libcheck: hexdump '%s'\n", line);
	hex_dump_to_buffer(lc_digits, 8, 16, 4, line, sizeof(line), false);
	pr_info("libcheck: hexdump4 '%s'\n", line);
	print_hex_dump(KERN_INFO, "libcheck: dump ", DUMP_PREFIX_OFFSET, 16, 2, lc_digits, 9,
		       true);

	sort(vals, 7, sizeof(int), cmp_int, NULL);
	pr_info("libcheck: sort = %d %d %d %d %d %d %d\n", vals[0], vals[1], vals[2], vals[3],
		vals[4], vals[5], vals[6]);
	for (i = 0; i < 5; i++) {
		items[i].key = (i * 3) % 4;
		items[i].tag = i;
		list_add_tail(&items[i].node, &head);
	}
	list_sort(NULL, &head, cmp_item);
	list_for_each_entry(it, &head, node)
		pr_info("libcheck: list_sort key %d tag %d\n", it->key, it->tag);

	pr_info("libcheck: crc32 = %08x\n", crc32(~0, lc_digits, 9) ^ ~0);
	pr_info("libcheck: crc32_be = %08x\n", crc32_be(~0, lc_digits, 9) ^ ~0);
	pr_info("libcheck: crc32c = %08x\n", __crc32c_le(~0, lc_digits, 9) ^ ~0);
	pr_info("libcheck: crc16 = %04x\n", crc16(0, lc_digits, 9));
	pr_info("libcheck: prandom_u32_state = %08x\n",
		prandom_u32_state((struct rnd_state *)state_words));

	bitmap_zero(bits, 70);
	bitmap_set(bits, 3, 5);
	bitmap_set(bits, 40, 10);
	pr_info("libcheck: bitmap weight %d area %lu first %d next_zero %d\n",
		bitmap_weight(bits, 70), bitmap_find_next_zero_area(bits, 70, 0, 30, 7),
		find_first_bit(bits, 70), find_next_zero_bit(bits, 70, 3));
	bitmap_complement(other, bits, 70);
	pr_info("libcheck: bitmap and %d subset %d full %d\n", bitmap_and(other, other, bits, 70),
		bitmap_subset(bits, bits, 70), bitmap_full(bits, 70));
	for_each_set_bit(bit, bits, 10)
		pr_info("libcheck: set bit %u\n", bit);

	text = kmalloc(8, GFP_KERNEL);
	memset(text, 'a', 8);
	pr_info("libcheck: strlen(unterminated) = %d\n", strlen(text) >= 8);
	kfree(text);
	return 0;
}

static void __exit libcheck_exit(void)
{
}

MODULE_LICENSE("GPL");
module_init(libcheck_init);
module_exit(libcheck_exit);
