/*
 * sig_app MODE [ARGS]: the course's signal exercises (sigaction, alarm, SA_RESTART, pause,
 * sigprocmask/sigsuspend, setitimer, a handler interrupting a busy loop).
 *   sig_app read DEVICE N   alarm(1) with an SA_RESTART handler while read() blocks (the
 *                           read restarts); SIGINT has an SA_SIGINFO handler without
 *                           SA_RESTART (the read fails with EINTR); N keys are printed.
 *   sig_app pause           pause() until alarm(1); block SIGUSR1, raise it, sigpending,
 *                           then sigsuspend() lets it in.
 *   sig_app sleep           setitimer every 300 ms while sleep(2): the sleep ends early.
 *   sig_app spin N          busy loop until N SIGUSR1 arrived (handlers interrupt user code).
 *   sig_app sigreturn       rt_sigreturn without a signal frame: the kernel's SIGSEGV.
 *   sig_app raise SIG       raise(SIG) (tgkill); then abort() if it returns.
 *   sig_app oneshot         an SA_RESETHAND handler: the second SIGUSR1 takes the default.
 *   sig_app segv            a SIGSEGV handler catches a NULL write and exits with 3.
 *   sig_app vfp             a loop holding a value in d0 until SIGUSR1, whose handler
 *                           overwrites d0: sigreturn must give the loop its d0 back.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, usr1;

static void handle(int signo, void (*fn)(int), int flags);

static void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	write(1, line, strlen(line));
}

static void on_alarm(int signo)
{
	alarms++;
	say("alarm %d (signal %d)\n", alarms, signo);
}

static void on_int(int signo, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;

	/* the interrupted context: inside read(), r7 holds its syscall number (3) */
	say("SIGINT caught: si_signo %d si_code %d, interrupted r7 %lu\n", info->si_signo,
	    info->si_code, uc->uc_mcontext.arm_r7);
}

static void on_usr1(int signo)
{
	usr1++;
	say("SIGUSR1 %d\n", usr1);
}

static void on_segv(int signo, siginfo_t *info, void *ctx)
{
	say("SIGSEGV caught: si_signo %d si_code %d\n", info->si_signo, info->si_code);
	_exit(3);
}

static int do_segv(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	*(volatile int *)0 = 1;
	say("the write did not fault\n");
	return 1;
}

static void on_usr1_vfp(int signo)
{
	__asm__ __volatile__(".fpu vfpv3\n\tvmov d0, %0, %0" : : "r"(0) : "d0");
	usr1++;
}

static int do_vfp(void)
{
	unsigned int lo = 0x12345678, hi = 0x9abcdef0, rlo, rhi;

	handle(SIGUSR1, on_usr1_vfp, 0);
	say("holding d0\n");
	__asm__ __volatile__(".fpu vfpv3\n\tvmov d0, %2, %3\n"
			     "1:\tldr r3, [%4]\n\tcmp r3, #0\n\tbeq 1b\n"
			     "\tvmov %0, %1, d0"
			     : "=&r"(rlo), "=&r"(rhi) : "r"(lo), "r"(hi), "r"(&usr1)
			     : "r3", "cc", "memory", "d0");
	say("d0 %s after the handler\n", rlo == lo && rhi == hi ? "kept" : "clobbered");
	return 0;
}

static void handle(int signo, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(signo, &sa, NULL);
}

static int do_read(const char *dev, int n)
{
	struct sigaction sa;
	int fd, key, i = 0;

	handle(SIGALRM, on_alarm, SA_RESTART);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_int;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGINT, &sa, NULL);
	fd = open(dev, O_RDONLY);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	alarm(1);
	while (i < n) {
		int r = read(fd, &key, sizeof(key));

		if (r < 0) {
			say("read: %s\n", strerror(errno));
			continue;
		}
		say("key %d pressed\n", key);
		i++;
	}
	return 0;
}

static int do_pause(void)
{
	sigset_t set, old, pend;
	int r;

	handle(SIGALRM, on_alarm, 0);
	handle(SIGUSR1, on_usr1, 0);
	alarm(1);
	r = pause();
	say("pause returned %d (%s) after %d alarm\n", r, strerror(errno), alarms);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sigpending(&pend);
	say("SIGUSR1 blocked: pending %d, delivered %d\n", sigismember(&pend, SIGUSR1), usr1);
	sigemptyset(&set);
	r = sigsuspend(&set);
	sigprocmask(SIG_SETMASK, NULL, &old);
	say("sigsuspend returned %d (%s), delivered %d, still blocked %d\n", r, strerror(errno),
	    usr1, sigismember(&old, SIGUSR1));
	return 0;
}

static int do_sleep(void)
{
	struct itimerval it = { { 0, 300000 }, { 0, 300000 } };
	unsigned int left;

	handle(SIGALRM, on_alarm, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	left = sleep(2);
	getitimer(ITIMER_REAL, &it);
	say("sleep(2) returned %u, interval %ld us\n", left, (long)it.it_interval.tv_usec);
	return 0;
}

static int do_spin(int n)
{
	unsigned long loops = 0;

	handle(SIGUSR1, on_usr1, 0);
	say("spinning\n");
	while (usr1 < n)
		loops++;
	say("spun until %d signals\n", usr1);
	return loops ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "read"))
		return do_read(argv[2], atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "pause"))
		return do_pause();
	if (argc >= 2 && !strcmp(argv[1], "sleep"))
		return do_sleep();
	if (argc >= 3 && !strcmp(argv[1], "spin"))
		return do_spin(atoi(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "oneshot")) {
		handle(SIGUSR1, on_usr1, SA_RESETHAND);
		raise(SIGUSR1);
		say("handled %d, raising again\n", usr1);
		raise(SIGUSR1);
		say("survived\n");
		return 1;
	}
	if (argc >= 2 && !strcmp(argv[1], "segv"))
		return do_segv();
	if (argc >= 2 && !strcmp(argv[1], "vfp"))
		return do_vfp();
	if (argc >= 3 && !strcmp(argv[1], "raise")) {
		raise(atoi(argv[2]));
		say("raise returned\n");
		abort();
	}
	if (argc >= 2 && !strcmp(argv[1], "sigreturn")) {
		syscall(SYS_rt_sigreturn);
		say("rt_sigreturn returned\n");
		return 1;
	}
	fprintf(stderr, "usage: %s read DEVICE N | pause | sleep | spin N | sigreturn | raise SIG | oneshot | segv | vfp\n", argv[0]);
	return 2;
}
