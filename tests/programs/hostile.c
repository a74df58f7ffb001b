/*
 * hostile - system calls with the arguments a careless or hostile program passes, made raw
 * (no libc checks), one line of output per call: "NAME = RESULT".
 *   hostile nullpath            open(NULL), openat(AT_FDCWD, NULL)
 *   hostile writev              writev(1, iov, 0x7fffffff)
 *   hostile statx               statx of a path that is not UTF-8
 *   hostile getrandom           getrandom(buf, 0x7fffffff) and into an unmapped buffer
 *   hostile churn N             N rounds of mmap(1 MiB) + touch + munmap
 *   hostile sys NR A0..A5 [...] the raw calls given as groups of 7 numbers (fuzzing)
 *   hostile ioctl PATH CMD      ioctl(open(PATH), CMD, p): p is 16 bytes before the end of a
 *                               mapped page whose next page is unmapped (partial copies)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r0 asm("r0") = a;
	register long r1 asm("r1") = b;
	register long r2 asm("r2") = c;
	register long r3 asm("r3") = d;
	register long r4 asm("r4") = e;
	register long r5 asm("r5") = f;
	register long r7 asm("r7") = nr;
	asm volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
		     : "memory");
	return r0;
}

static void show(const char *what, long result)
{
	printf("%s = %ld\n", what, result);
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	static char buf[8192];
	if (argc >= 2 && !strcmp(argv[1], "nullpath")) {
		show("open(NULL)", raw(__NR_open, 0, 0, 0, 0, 0, 0));
		show("openat(NULL)", raw(__NR_openat, -100, 0, 0, 0, 0, 0));
		show("open(0xc0000000)", raw(__NR_open, 0xc0000000, 0, 0, 0, 0, 0));
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "writev")) {
		long iov[2] = { (long)"hi\n", 3 };
		show("writev(0x7fffffff)", raw(__NR_writev, 1, (long)iov, 0x7fffffff, 0, 0, 0));
		show("writev(NULL, 1)", raw(__NR_writev, 1, 0, 1, 0, 0, 0));
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "statx")) {
		show("statx(\"\\xff\\xfe\")", raw(397, -100, (long)"/\xff\xfe", 0, 0x7ff, (long)buf, 0));
		show("statx(NULL)", raw(397, -100, 0, 0, 0x7ff, (long)buf, 0));
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "getrandom")) {
		long p = raw(__NR_mmap2, 0, 65536, 3, 0x22, -1, 0);
		show("getrandom(64 KiB mapping, 0x7fffffff)", raw(384, p, 0x7fffffff, 0, 0, 0, 0));
		show("getrandom(0x1000, 16)", raw(384, 0x1000, 16, 0, 0, 0, 0));
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "churn")) {
		long i, n = strtol(argv[2], 0, 0), fails = 0;
		for (i = 0; i < n; i++) {
			long p = raw(__NR_mmap2, 0, 1 << 20, 3, 0x22, -1, 0);
			if (p < 0 && p > -4096) {
				fails++;
				continue;
			}
			((volatile char *)p)[0] = 1;
			((volatile char *)p)[(1 << 20) - 1] = 1;
			raw(__NR_munmap, p, 1 << 20, 0, 0, 0, 0);
		}
		show("churn failures", fails);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "sys")) {
		int i;
		for (i = 2; i + 7 <= argc; i += 7) {
			long v[7];
			char what[32];
			int j;
			for (j = 0; j < 7; j++)
				v[j] = strtoul(argv[i + j], 0, 0);
			snprintf(what, sizeof what, "sys %ld", v[0]);
			show(what, raw(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
		}
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "ioctl")) {
		long fd = raw(__NR_open, (long)argv[2], 2, 0, 0, 0, 0);
		long p = raw(__NR_mmap2, 0, 8192, 3, 0x22, -1, 0);
		memset((void *)p, 0x11, 4096);
		raw(__NR_munmap, p + 4096, 4096, 0, 0, 0, 0);
		show("ioctl", raw(__NR_ioctl, fd, strtol(argv[3], 0, 0), p + 4096 - 16, 0, 0, 0));
		return 0;
	}
	fprintf(stderr, "usage: hostile nullpath|writev|statx|getrandom|churn N|sys ...\n");
	return 2;
}
