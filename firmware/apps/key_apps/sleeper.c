/* sleeper: print a tick every second, forever (the course's while (1) { ...; sleep(1); } app). */
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int n = 0;
	while (1) {
		printf("tick %d\n", n++);
		fflush(stdout);
		sleep(1);
	}
}
