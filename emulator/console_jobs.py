"""Console job control: the board script as a shell with background processes (issue 12).

``./app ARGS &`` starts a process in the background and prints ``[N] PID``; between
commands the processes run until they all sleep (their output joins the command's). ``jobs``
lists the jobs, ``wait [%N]`` runs until job N (or every job) ends, ``kill [-SIG] %N|PID``
sends a signal (default SIGTERM; the default action ends the process with status 128+N),
``ps`` lists the processes. A finished job is reported once, as the shell does:
``[1]+  Done                    ./app`` (or ``Exit 3``, ``Terminated``, ``Killed``).
"""

from dataclasses import dataclass

from .console import AFTER_COMMAND, command
from .errors import CommandFailed, GuestTimeout
from .kernel.signal import SI_USER, SigInfo

#: Signal numbers by name (arch/arm/include/uapi/asm/signal.h) and the shell's word for a
#: job a signal's default action ended.
SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8,
           "KILL": 9, "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
           "STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21,
           "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27,
           "WINCH": 28, "IO": 29, "POLL": 29, "PWR": 30, "SYS": 31}
SIGNAL_WORDS = {1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction",
                5: "Trace/breakpoint trap", 6: "Aborted", 7: "Bus error",
                8: "Floating point exception", 9: "Killed", 10: "User defined signal 1",
                11: "Segmentation fault", 12: "User defined signal 2", 13: "Broken pipe",
                14: "Alarm clock", 15: "Terminated", 16: "Stack fault", 24: "CPU time limit exceeded",
                25: "File size limit exceeded", 26: "Virtual timer expired",
                27: "Profiling timer expired", 29: "I/O possible", 30: "Power failure",
                31: "Bad system call"}
#: The console is the board's shell: its kill(2) is SI_USER from a shell pid.
SHELL_PID = 1


@dataclass
class Job:
    """A background job of the console (`cmd &`): its number and task."""
    number: int
    task: object
    command: str
    reported: bool = False


class Jobs:
    """The console's job table (one per Console)."""

    def __init__(self):
        self.jobs = {}
        self.next = 1

    def add(self, task, text):
        job = Job(self.next, task, text)
        self.jobs[job.number] = job
        self.next += 1
        return job

    def find(self, spec, command):
        """A job from ``%N`` or a PID; CommandFailed naming what is wrong."""
        try:
            if spec.startswith("%"):
                job = self.jobs.get(int(spec[1:]))
            else:
                pid = int(spec)
                job = next((j for j in self.jobs.values() if j.task.pid == pid), None)
        except ValueError:
            raise CommandFailed(f"{command}: {spec}: arguments must be process or job IDs") \
                from None
        if job is None:
            raise CommandFailed(f"{command}: {spec}: no such job")
        return job


def _jobs(console):
    table = getattr(console, "_jobs", None)
    if table is None:
        table = console._jobs = Jobs()
    return table


def _status_word(task):
    status = task.process.exit_status
    if not task.exited:
        return "Stopped" if task.state_letter() == "T" else "Running"
    if status == 0:
        return "Done"
    if status > 128 and status - 128 in SIGNAL_WORDS:
        return SIGNAL_WORDS[status - 128]
    return f"Exit {status}"


def stdin_of(console, words):
    """Split ``./app ARGS < FILE`` and ``echo TEXT | ./app ARGS`` into (program words, the
    bytes of its standard input or None). CommandFailed for forms the console lacks."""
    if "|" in words:
        i = words.index("|")
        left, words = words[:i], words[i + 1:]
        if not left or left[0] != "echo" or "|" in words:
            raise CommandFailed("only `echo TEXT | PROGRAM` pipes are supported")
        data = (" ".join(left[1:]) + "\n").encode()
    else:
        data = None
    if "<" in words:
        i = words.index("<")
        if i + 2 != len(words) or data is not None:
            raise CommandFailed("usage: PROGRAM ARGS < FILE")
        data = console.machine.read_rootfs(words[i + 1])
        words = words[:i]
    if not words or "/" not in words[0]:
        raise CommandFailed(f"{words[0] if words else '|'}: not a program (a path with '/')")
    return words, data


def start_background(console, words, stdin=None):
    """``./app ARGS &``: spawn the program, print ``[N] PID``."""
    machine = console.machine
    task = machine.spawn(words[0], words[1:], stdin=stdin)
    job = _jobs(console).add(task, " ".join(words))
    text = f"[{job.number}] {task.pid}\n"
    console.out.write(text)
    console._capture(text)
    return 0


def after_command(console):
    """Between commands: runnable processes run until they sleep; report finished jobs."""
    console.machine.settle()
    _report_done(console)


def _report_done(console):
    for job in _jobs(console).jobs.values():
        if job.task.exited and not job.reported:
            job.reported = True
            text = f"[{job.number}]+  {_status_word(job.task):<24}{job.command}\n"
            console.out.write(text)
            console._capture(text)
            console.machine.sched.reap(job.task)


@command("jobs", "jobs")
def cmd_jobs(console, args):
    text = "".join(f"[{j.number}]+  {_status_word(j.task):<24}{j.command}"
                   f"{' &' if _status_word(j.task) == 'Running' else ''}\n"
                   for j in _jobs(console).jobs.values() if not j.reported)
    console.out.write(text)
    console._capture(text)
    return 0


@command("wait", "wait [%N|PID]")
def cmd_wait(console, args):
    """Run until the job (or every job) has ended; the status is the job's exit status."""
    table = _jobs(console)
    jobs = [table.find(args[0], "wait")] if args else [j for j in table.jobs.values() if not j.reported]
    sched = console.machine.sched
    if not sched.run_until(lambda: all(j.task.exited for j in jobs)):
        stuck = next(j for j in jobs if not j.task.exited)
        raise GuestTimeout(f"wait: %{stuck.number} ({stuck.command}, pid {stuck.task.pid}) "
                           f"sleeps in {sched.blocked_reason(stuck.task)} and nothing can "
                           f"wake it")
    status = jobs[-1].task.process.exit_status if jobs else 0
    _report_done(console)
    return status


@command("kill", "kill [-SIG] %N|PID")
def cmd_kill(console, args):
    """The shell's kill(2): SI_USER from the shell; -0 only checks the job still runs."""
    signo = SIGNALS["TERM"]
    if args and args[0].startswith("-"):
        name = args.pop(0)[1:].upper()
        name = name[3:] if name.startswith("SIG") else name
        signo = int(name) if name.isdigit() else SIGNALS.get(name)
        if signo is None or not 0 <= signo <= 64:
            raise CommandFailed(f"kill: {name}: invalid signal specification")
    if not args:
        raise CommandFailed("usage: kill [-SIG] %N|PID")
    job = _jobs(console).find(args[0], "kill")
    info = SigInfo(signo, SI_USER, pid=SHELL_PID)
    if job.task.exited or (signo and not console.machine.sched.send_signal(job.task, signo,
                                                                           info)):
        raise CommandFailed(f"kill: ({job.task.pid}) - No such process")
    return 0


@command("ps", "ps")
def cmd_ps(console, args):
    sched = console.machine.sched
    lines = ["  PID STAT COMMAND"]
    for task in sorted(sched.tasks.values(), key=lambda t: t.pid):
        argv = getattr(task.process, "argv", [f"[{task.comm}]"])     # kernel threads: [name]
        lines.append(f"{task.pid:>5} {task.state_letter():<4} {' '.join(argv)}")
    text = "\n".join(lines) + "\n"
    console.out.write(text)
    console._capture(text)
    return 0


AFTER_COMMAND.append(after_command)
