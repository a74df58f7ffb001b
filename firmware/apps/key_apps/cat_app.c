/* cat_app: copy standard input to standard output, then report how many bytes. */
#include <stdio.h>
int main(void)
{
	int c, n = 0;
	while ((c = getchar()) != EOF) {
		putchar(c);
		n++;
	}
	printf("[%d bytes]\n", n);
	return 0;
}
