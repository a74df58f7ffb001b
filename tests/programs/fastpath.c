/*
 * fastpath LED ADC - the chrdev system calls the native fast path serves (issue 15 (b)),
 * in the cases where it must not: the same fd number reused for another device (close and
 * open, dup2), the generic ioctls the kernel answers itself (FIOCLEX, FIONCLEX), arguments
 * the driver rejects, an operation the device lacks. LED is leddrv's node, ADC adc.ko's.
 * Prints one line per call: what it returned and the errno name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define LED_OFF _IO('g', 0)
#define LED_ON _IO('g', 1)

static const char *name(int e)
{
	switch (e) {
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

/* Results are kept and printed at the end: a printf between two calls is a write to the
 * console, another syscall, which would hide a stale fast-path entry. */
static const char *labels[64];
static long results[64];
static int errnos[64];
static int values[64];
static int n;

static int value;

#define CALL(label, expr) do { long r_ = (expr); labels[n] = (label); results[n] = r_; \
	errnos[n] = r_ < 0 ? errno : 0; values[n++] = value; } while (0)

int main(int argc, char *argv[])
{
	int fd, adc, led2, i;

	if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDONLY);
	for (i = 0; i < 6; i++)
		CALL("led ioctl", ioctl(fd, (i & 1) ? LED_OFF : LED_ON, 2));
	CALL("fioclex", ioctl(fd, FIOCLEX));
	CALL("fionclex", ioctl(fd, FIONCLEX));
	CALL("unknown cmd", ioctl(fd, 0x1234, 2));
	CALL("unknown cmd again", ioctl(fd, 0x1234, 2));
	CALL("led 7", ioctl(fd, LED_ON, 7));
	CALL("led 2 on", ioctl(fd, LED_ON, 2));
	CALL("led 2 on again", ioctl(fd, LED_ON, 2));
	close(fd);

	adc = open(argv[2], O_RDONLY);
	CALL("adc fd", adc);
	CALL("adc ioctl", ioctl(adc, LED_ON, 2));
	CALL("adc ioctl again", ioctl(adc, LED_ON, 2));
	for (i = 0; i < 3; i++)
		CALL("adc read", read(adc, &value, sizeof(value)));
	CALL("adc short read", read(adc, &value, 2));
	CALL("adc write", write(adc, &value, sizeof(value)));

	led2 = open(argv[1], O_RDONLY);
	CALL("led2 off", ioctl(led2, LED_OFF, 2));
	CALL("led2 on", ioctl(led2, LED_ON, 2));
	CALL("led2 off again", ioctl(led2, LED_OFF, 2));
	CALL("dup2", dup2(adc, led2));
	CALL("dup2'd ioctl", ioctl(led2, LED_OFF, 2));
	CALL("dup2'd read", read(led2, &value, sizeof(value)));
	close(led2);
	CALL("closed ioctl", ioctl(led2, LED_OFF, 2));
	CALL("closed read", read(led2, &value, sizeof(value)));
	close(adc);
	for (i = 0; i < n; i++)
		printf("%s: %ld %s (value %d)\n", labels[i], results[i],
		       results[i] < 0 ? name(errnos[i]) : "ok", values[i]);
	return 0;
}
