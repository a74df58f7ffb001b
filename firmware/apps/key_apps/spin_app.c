/* spin_app TAG N: print TAG and a counter N times, busy-looping between lines (a CPU hog). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	volatile unsigned long i;
	int n, count = argc > 2 ? atoi(argv[2]) : 3;

	for (n = 0; n < count; n++) {
		for (i = 0; i < 2000000; i++)
			;
		printf("%s %d\n", argc > 1 ? argv[1] : "spin", n);
		fflush(stdout);
	}
	return 0;
}
