/*
 * sigwait_app: taking signals synchronously (rt_sigtimedwait, rt_sigqueueinfo), as busybox
 * init waits for SIGCHLD. Each line printed is one check:
 *   poll        sigtimedwait with a zero timeout and nothing pending: EAGAIN
 *   raise       a blocked SIGUSR1 raised: taken with its siginfo (SI_TKILL, our pid)
 *   child       a child exits 7: SIGCHLD taken with CLD_EXITED, its pid and status 7
 *   timeout     300 ms with nothing coming: EAGAIN, after at least 300 ms
 *   eintr       waiting for SIGUSR1, a handled SIGALRM comes: EINTR, the handler ran
 *   queue       sigqueue(self, SIGUSR2, 42): SI_QUEUE and the value
 *   eperm       rt_sigqueueinfo to another pid with si_code SI_USER: EPERM
 *   blocked     the mask after the waits is the one set before (SIGUSR1, SIGUSR2, SIGCHLD)
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void say(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	write(1, line, strlen(line));
}

static void on_alarm(int signo)
{
	alarms++;
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static sigset_t only(int signo)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, signo);
	return set;
}

int main(void)
{
	struct timespec zero = { 0, 0 }, ms300 = { 0, 300000000 };
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct sigaction sa;
	sigset_t set, now;
	siginfo_t info;
	union sigval value;
	pid_t child;
	long start;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);

	set = only(SIGUSR1);
	r = sigtimedwait(&set, &info, &zero);
	say("poll: %d %s\n", r, r < 0 ? strerror(errno) : "");

	raise(SIGUSR1);
	memset(&info, 0, sizeof(info));
	r = sigtimedwait(&set, &info, &zero);
	say("raise: %d si_signo %d si_code %d own pid %d\n", r, info.si_signo, info.si_code,
	    info.si_pid == getpid());

	child = fork();
	if (child == 0)
		_exit(7);
	set = only(SIGCHLD);
	memset(&info, 0, sizeof(info));
	r = sigwaitinfo(&set, &info);
	say("child: %d si_code %d pid %d status %d\n", r, info.si_code, info.si_pid == child,
	    info.si_status);
	waitpid(child, NULL, 0);

	set = only(SIGUSR1);
	start = ms_now();
	r = sigtimedwait(&set, NULL, &ms300);
	say("timeout: %d %s after >= 300 ms %d\n", r, r < 0 ? strerror(errno) : "",
	    ms_now() - start >= 300);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	r = sigwaitinfo(&set, NULL);
	say("eintr: %d %s alarms %d\n", r, r < 0 ? strerror(errno) : "", alarms);

	value.sival_int = 42;
	sigqueue(getpid(), SIGUSR2, value);
	set = only(SIGUSR2);
	memset(&info, 0, sizeof(info));
	r = sigwaitinfo(&set, &info);
	say("queue: %d si_code %d value %d\n", r, info.si_code, info.si_value.sival_int);

	memset(&info, 0, sizeof(info));
	info.si_signo = SIGUSR1;
	info.si_code = SI_USER;
	r = syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &info);
	say("eperm: %d %s\n", r, r < 0 ? strerror(errno) : "");

	sigprocmask(SIG_SETMASK, NULL, &now);
	say("blocked: %d %d %d %d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2),
	    sigismember(&now, SIGCHLD), sigismember(&now, SIGALRM));
	return 0;
}
