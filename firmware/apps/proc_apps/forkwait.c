/* The process model as a C program sees it (issue 14): fork, vfork + execve, wait4 with
 * WNOHANG and the status macros, a pipe whose reader sleeps until the child writes, EOF when
 * the writer closes, EPIPE + SIGPIPE when the reader is gone, and a killed child's signal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void spin(int n) { for (volatile int i = 0; i < n; i++) ; }

int main(int argc, char **argv)
{
    int status, fds[2];
    pid_t pid, got;

    if (argc > 1) {                       /* the program vfork+execve starts */
        printf("exec'd child pid=%d ppid=%d arg=%s\n", getpid(), getppid(), argv[1]);
        return 5;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    pid = fork();
    if (pid == 0) {
        spin(2000000);
        _exit(3);
    }
    got = waitpid(pid, &status, WNOHANG);
    printf("wnohang=%d\n", got);
    got = waitpid(pid, &status, 0);
    printf("waited=%d exited=%d code=%d\n", got == pid, WIFEXITED(status), WEXITSTATUS(status));
    printf("again=%d errno=%s\n", waitpid(-1, &status, 0), strerror(errno));

    pid = fork();
    if (pid == 0) {
        *(volatile int *)0 = 1;           /* SIGSEGV */
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

    pipe(fds);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        spin(3000000);                     /* the parent is asleep in read() by now */
        write(fds[1], "hello through the pipe", 22);
        _exit(0);
    }
    close(fds[1]);
    char buf[64];
    int n = read(fds[0], buf, sizeof buf);
    printf("read %d: %.*s\n", n, n, buf);
    printf("eof %d\n", (int)read(fds[0], buf, sizeof buf));
    waitpid(pid, &status, 0);

    pipe(fds);
    close(fds[0]);
    pid = fork();
    if (pid == 0) {
        write(fds[1], "x", 1);             /* no reader: SIGPIPE (default action) */
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("writer to no reader: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

    pid = vfork();
    if (pid == 0) {
        execl("/forkwait", "forkwait", "fromvfork", (char *)0);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    printf("vfork child pid ok=%d code=%d\n", pid > getpid(), WEXITSTATUS(status));
    return 0;
}
