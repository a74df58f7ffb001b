/* clone(2) as glibc's wrapper drives it (issue 14): a child on its own stack sharing the
 * address space (CLONE_VM | CLONE_VFORK), the parent tid written (CLONE_PARENT_SETTID),
 * a TLS value of its own (CLONE_SETTLS); fork's private copy of memory; a thread
 * (CLONE_THREAD) refused. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[16384] __attribute__((aligned(16)));
static volatile int shared;
static volatile unsigned child_tls;

static unsigned read_tls(void)
{
    unsigned v;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(v));
    return v;
}

static int child_fn(void *arg)
{
    shared = 42;
    child_tls = read_tls();
    return 7;
}

int main(void)
{
    int status;
    pid_t ptid = 0;
    unsigned parent_tls = read_tls();
    pid_t pid = clone(child_fn, stack + sizeof stack,
                      CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | CLONE_SETTLS | SIGCHLD,
                      NULL, &ptid, (void *)0x12345678, NULL);
    waitpid(pid, &status, 0);
    printf("shared=%d ptid_ok=%d code=%d child_tls=%#x parent_tls_kept=%d\n", shared,
           ptid == pid, WEXITSTATUS(status), child_tls, read_tls() == parent_tls);
    shared = 1;
    pid = fork();
    if (pid == 0) {
        shared = 99;
        _exit(shared);
    }
    waitpid(pid, &status, 0);
    printf("fork: child saw %d, parent keeps %d\n", WEXITSTATUS(status), shared);
    long r = syscall(SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, stack + 8192, 0, 0, 0);
    printf("thread clone: %ld %s\n", r, strerror(errno));     /* threads: not modelled */
    return 0;
}
