"""The board debugger: breakpoints, register watchpoints, stepping and inspection.

It stops the guest from inside a Unicorn hook and runs its command loop there, so the machine
is frozen exactly at the instruction (or register access) while the user looks around. Code
hooks are armed while the debugger is attached (the translation cache is flushed so they take
effect); a watchpoint arms a memory hook on its register's physical address only while it
exists. Input and output are streams given by the caller (tests use StringIO).
"""

import re
import shlex
from dataclasses import dataclass

from ..cpu import MODE_MASK, PC, SP, USR_MODE
from ..errors import CommandFailed
from ..hw.gpio_exynos import parse_pin_name
from ..kernel.entry import SvcFrame
from ..memory.mmu import GuestFaultAccess
from .disasm import disassemble
from .unwind import Frame, backtrace, interrupted_user

MODES = {0x10: "usr", 0x13: "svc", 0x17: "abt", 0x1B: "und", 0x12: "irq", 0x11: "fiq", 0x1F: "sys"}
COMMANDS = {}
ALIASES = {"b": "break", "c": "continue", "s": "step", "si": "stepi", "n": "next",
           "d": "delete", "q": "quit", "bt": "backtrace", "where": "backtrace",
           "info": "info", "r": "run"}


def command(name, usage):
    def mark(fn):
        COMMANDS[name] = (fn, usage)
        return fn
    return mark


def _is_pin_name(text):
    try:
        parse_pin_name(text)
    except ValueError:
        return False
    return True


class DebuggerQuit(CommandFailed):
    """The user asked to stop the run (`quit`): the command fails, the script stops."""


@dataclass
class Breakpoint:
    number: int
    spec: str
    addr: int | None            # None while pending (the symbol is not loaded yet)


@dataclass
class Watch:
    number: int
    spec: str
    access: str                 # "read", "write" or "access"
    handles: list


class Debugger:
    def __init__(self, machine, inp, out, prompt="(emu4412-dbg) "):
        self.m, self.inp, self.out, self.prompt = machine, inp, out, prompt
        self.breakpoints = []
        self.watches = []
        self._next_number = 1
        self._bp_addrs = set()
        self._code_hook = None
        self._step = None         # None, or a predicate(pc, sp) -> True when to stop
        self._resume = False
        machine.symbolize.on_add.append(self._resolve_pending)

    # -- attach / detach --------------------------------------------------------------------
    def attach(self):
        """Arm the code hook (call while the guest is not running)."""
        if self._code_hook is None:
            self._code_hook = self.m.cpu.hook_code(self._on_code)
            self.m.cpu.flush_translations()

    def detach(self):
        if self._code_hook is not None:
            self.m.cpu.unhook(self._code_hook)
            self._code_hook = None
            self.m.cpu.flush_translations()
        for watch in self.watches:
            for handle in watch.handles:
                self.m.cpu.unhook(handle)
        self.watches.clear()

    # -- stops ------------------------------------------------------------------------------
    def _on_code(self, addr, size):
        if addr in self._bp_addrs:
            number = next(b.number for b in self.breakpoints if b.addr == addr)
            self._step = None
            self.stop(f"Breakpoint {number}, {self.m.symbolize(addr)}")
        elif self._step is not None and self._step(addr, self.m.cpu.reg(SP)):
            self._step = None
            self.stop(self.m.symbolize(addr))

    def stop(self, reason):
        """Report why the guest stopped, then take commands until one resumes it."""
        self._where(reason)
        self.repl()

    def _where(self, reason):
        pc = self.m.cpu.reg(PC)
        self._print(reason)
        for addr, text in self._disas(pc, 1):
            self._print(f"=> {addr:#010x}:\t{text}")

    def repl(self):
        """Read and run commands until one resumes the guest; end of input continues."""
        self._resume = False
        while not self._resume:
            self.out.write(self.prompt)
            self.out.flush()
            line = self.inp.readline()
            if not line:
                self._print("")
                self.detach()            # no more input: run to the end undisturbed
                return
            self.execute(line)

    def execute(self, line):
        try:
            words = shlex.split(line, comments=True)
        except ValueError as e:
            self._print(f"error: {e}")
            return
        if not words:
            return
        head = words[0]
        if head.startswith("x/") or head == "x":
            words = ["x", head[2:] if head != "x" else ""] + words[1:]
            head = "x"
        name = ALIASES.get(head, head)
        entry = COMMANDS.get(name)
        if entry is None:
            self._print(f"unknown command {head!r}; try `help`")
            return
        try:
            entry[0](self, words[1:])
        except (LookupError, ValueError, GuestFaultAccess) as e:
            self._print(f"error: {e}")

    # -- helpers ------------------------------------------------------------------------------
    def _print(self, text):
        self.out.write(text + "\n")

    def _address(self, text):
        """A number, $register, or symbol -> address."""
        if text.startswith("*"):
            text = text[1:]
        if text.startswith("$"):
            return self.m.cpu.regs()[text[1:].lower()]
        if re.fullmatch(r"(0x)?[0-9a-fA-F]+", text) and (text.startswith("0x") or text.isdigit()):
            return int(text, 0)
        addr = self.m.symbolize.address_of(text)
        if addr is None:
            raise LookupError(f"no symbol {text!r} in the loaded module or program")
        return addr

    def _disas(self, addr, count):
        try:
            return disassemble(self.m.vm, self.m.symbolize, addr, count)
        except GuestFaultAccess:
            return [(addr, "<unmapped>")]

    def _resolve_pending(self, table):
        for bp in self.breakpoints:
            if bp.addr is None and bp.spec in table.by_name:
                bp.addr = table.by_name[bp.spec]
                self._bp_addrs.add(bp.addr)
                self._print(f"Breakpoint {bp.number} at {bp.addr:#010x}: {bp.spec} [{table.label}]")

    def _number(self):
        n = self._next_number
        self._next_number += 1
        return n

    def _go(self, step=None):
        self._step = step
        self._resume = True

    # -- commands ---------------------------------------------------------------------------
    @command("help", "help")
    def cmd_help(self, args):
        for name, (_, usage) in sorted(COMMANDS.items()):
            self._print(f"  {usage}")

    @command("break", "break SYMBOL|ADDR     stop when execution reaches it (pending until loaded)")
    def cmd_break(self, args):
        if not args:
            raise ValueError("usage: break SYMBOL|ADDR")
        spec = args[0]
        try:
            addr = self._address(spec)
        except LookupError:
            addr = None
        bp = Breakpoint(self._number(), spec, addr)
        self.breakpoints.append(bp)
        if addr is None:
            self._print(f"Breakpoint {bp.number} ({spec}) pending: set when it is loaded")
        else:
            self._bp_addrs.add(addr)
            self._print(f"Breakpoint {bp.number} at {addr:#010x}: {self.m.symbolize(addr)}")

    @command("delete", "delete [N]            delete breakpoint/watchpoint N (all without N)")
    def cmd_delete(self, args):
        numbers = {int(a) for a in args} or None
        for bp in [b for b in self.breakpoints if numbers is None or b.number in numbers]:
            self.breakpoints.remove(bp)
        for w in [w for w in self.watches if numbers is None or w.number in numbers]:
            for handle in w.handles:
                self.m.cpu.unhook(handle)
            self.watches.remove(w)
        self._bp_addrs = {b.addr for b in self.breakpoints if b.addr is not None}

    @command("watch", "watch [read|write] REG|PIN   stop on an access to a register (GPX2DAT) "
                      "or a write changing a pin (gpx2-7)")
    def cmd_watch(self, args):
        access = "access"
        if args and args[0] in ("read", "write", "access"):
            access, args = args[0], args[1:]
        if len(args) != 1:
            raise ValueError("usage: watch [read|write] REG|PIN")
        spec = args[0]
        number = self._number()
        if _is_pin_name(spec):
            handles = self._watch_pin(number, spec.lower())
            access = "write"
        else:
            handles = [self._watch_register(number, spec, access)]
        self.watches.append(Watch(number, spec, access, handles))
        self._print(f"Watchpoint {number}: {access} {spec}")

    def _register(self, name):
        return self.m.hw.register(name)

    def _watch_register(self, number, name, access):
        region, reg = self._register(name)
        pa = region.base + reg.offset

        def hit(is_write, addr, size, value):
            if access == "access" or (access == "write") == is_write:
                what = (f"write {value & 0xFFFFFFFF:#010x} (was {region.peek(reg.offset):#010x})"
                        if is_write else f"read (holds {region.peek(reg.offset):#010x})")
                self._step = None
                self.stop(f"Watchpoint {number}: {reg.name} {what} at "
                          f"{self.m.symbolize(self.m.cpu.reg(PC))}")

        return self.m.cpu.hook_memory(hit, pa, pa + 3)

    def _watch_pin(self, number, name):
        pin = self.m.hw.gpio.pin(name)
        bank = pin.bank
        region, con = self._register(f"{bank.label}CON")
        _, dat = self._register(f"{bank.label}DAT")
        fields = {con.offset: con.fields[pin.index], dat.offset: dat.fields[pin.index]}

        def changes(reg, value):
            field = fields[reg.offset]
            return field.get(region.peek(reg.offset)) != field.get(value)

        def hit(is_write, addr, size, value):
            reg = con if addr - region.base == con.offset else dat
            if is_write and changes(reg, value):
                self._step = None
                self.stop(f"Watchpoint {number}: {reg.name} write {value & 0xFFFFFFFF:#010x} "
                          f"changes {name} at {self.m.symbolize(self.m.cpu.reg(PC))}")

        return [self.m.cpu.hook_memory(hit, region.base + r.offset, region.base + r.offset + 3,
                                       reads=False) for r in (con, dat)]

    @command("info", "info break|watch|registers|threads")
    def cmd_info(self, args):
        what = args[0] if args else ""
        if what.startswith("t"):
            self._info_threads()
        elif what.startswith("b") or what.startswith("w"):
            for bp in self.breakpoints:
                where = "pending" if bp.addr is None else f"{bp.addr:#010x} {self.m.symbolize(bp.addr)}"
                self._print(f"{bp.number:<4} breakpoint  {bp.spec:<20} {where}")
            for w in self.watches:
                self._print(f"{w.number:<4} watchpoint  {w.access} {w.spec}")
        elif what.startswith("r"):
            self.cmd_regs([])
        else:
            raise ValueError("usage: info break|watch|registers|threads")

    @command("continue", "continue              run until the next stop")
    def cmd_continue(self, args):
        self._go()

    @command("run", "run                   start the script (same as continue)")
    def cmd_run(self, args):
        self._go()

    @command("stepi", "stepi                 execute one instruction (into calls)")
    def cmd_stepi(self, args):
        self._go(lambda pc, sp: True)

    @command("step", "step                  one instruction, into calls (no source lines)")
    def cmd_step(self, args):
        self.cmd_stepi(args)

    @command("next", "next                  one instruction, over calls (bl/blx)")
    def cmd_next(self, args):
        pc = self.m.cpu.reg(PC)
        text = self._disas(pc, 1)[0][1]
        if text.split("\t")[0] in ("bl", "blx"):
            after, depth = pc + 4, self.m.cpu.reg(SP)
            self._go(lambda pc, sp: pc == after and sp >= depth)
        else:
            self.cmd_stepi(args)

    @command("finish", "finish                run until the current function returns")
    def cmd_finish(self, args):
        frames = backtrace(self.m.vm, self.m.symbolize, self.m.cpu.regs())
        if len(frames) < 2:
            raise ValueError("finish: the caller is unknown (no unwind information)")
        caller = frames[1]
        self._go(lambda pc, sp: pc == caller.pc and sp >= caller.sp)

    @command("quit", "quit                  stop the run")
    def cmd_quit(self, args):
        raise DebuggerQuit("quit from the debugger")

    @command("regs", "regs                  the core registers")
    def cmd_regs(self, args):
        r = self.m.cpu.regs()
        for row in range(0, 13, 4):
            self._print("  ".join(f"r{i:<2} {r[f'r{i}']:08x}" for i in range(row, min(row + 4, 13))))
        cpsr = r["cpsr"]
        flags = "".join(c if cpsr >> b & 1 else "-" for c, b in (("N", 31), ("Z", 30), ("C", 29), ("V", 28)))
        self._print(f"sp  {r['sp']:08x}  lr  {r['lr']:08x}  pc  {r['pc']:08x}  "
                    f"cpsr {cpsr:08x} {flags} {MODES.get(cpsr & MODE_MASK, '?')}"
                    f"{' T' if cpsr & 0x20 else ''}")

    @command("x", "x/NF ADDR             examine memory: F x (words), b (bytes), s (string)")
    def cmd_x(self, args):
        spec, target = (args[0], args[1]) if len(args) == 2 else ("", args[0] if args else "")
        if not target:
            raise ValueError("usage: x/NF ADDR")
        m = re.fullmatch(r"(\d*)([xbs]?)", spec)
        if not m:
            raise ValueError(f"bad format {spec!r}")
        count, fmt = int(m.group(1) or 1), m.group(2) or "x"
        addr = self._address(target)
        if fmt == "s":
            for _ in range(count):
                text = self.m.vm.read_cstr(addr, 256)
                self._print(f"{addr:#010x}:\t{text.decode('utf-8', 'replace')!r}")
                addr += len(text) + 1
            return
        size = 4 if fmt == "x" else 1
        data = self.m.vm.read(addr, count * size)
        per_line = 4 if size == 4 else 16
        for i in range(0, count, per_line):
            chunk = data[i * size:(i + per_line) * size]
            items = [f"{int.from_bytes(chunk[j:j + size], 'little'):0{2 * size}x}"
                     for j in range(0, len(chunk), size)]
            self._print(f"{addr + i * size:#010x}:\t" + " ".join(items))

    @command("disas", "disas [SYMBOL|ADDR] [N]   disassemble (a whole function by name)")
    def cmd_disas(self, args):
        if args:
            addr = self._address(args[0])
            hit = self.m.symbolize.find(addr)
            count = int(args[1]) if len(args) > 1 else (
                max(1, hit[2] // 4) if hit and hit[1] == 0 and hit[2] else 12)
        else:
            addr, count = self.m.cpu.reg(PC), int(args[1]) if len(args) > 1 else 12
        pc = self.m.cpu.reg(PC)
        for a, text in self._disas(addr, count):
            self._print(f"{'=>' if a == pc else '  '} {a:#010x} <{self.m.symbolize.short(a)}>:\t{text}")

    # -- tasks (issue 12): every process and kernel thread the scheduler has ------------------
    def _tasks(self):
        return [t for _, t in sorted(self.m.sched.tasks.items()) if not t.exited]

    def _task_regs(self, task):
        """(registers, user registers of its system call or None) of a task: the CPU's for
        the running one, its saved context for the others."""
        if task is self.m.sched.current:
            return self.m.cpu.regs(), None if task.kernel else self.m.entry.syscall_regs
        if task.context is None:                             # never ran yet
            pc, sp = task.start
            regs = {f"r{i}": 0 for i in range(13)}
            regs.update(sp=sp or task.kstack_top - 8, lr=0, pc=pc, cpsr=0x13 if task.kernel
                        else USR_MODE)
            return regs, None
        regs = self.m.cpu.context_regs(task.context)
        return regs, task.frames[-1].saved if task.frames else None

    def _info_threads(self):
        tasks = self._tasks()
        if self.m.sched.current is None:
            self._print("* -     kernel (module init/exit, console)  "
                        f"{self.m.cpu.reg(PC):#010x} in {self.m.symbolize(self.m.cpu.reg(PC))}")
        for task in tasks:
            regs, _ = self._task_regs(task)
            if task.kernel or task.process is None:
                name = f"[{task.comm}]" if task.kernel else task.comm
            else:
                name = " ".join(task.process.argv)
            where = f"  sleeps in {task.sleeping_in}" if task.sleeping_in else ""
            mark = "*" if task is self.m.sched.current else " "
            self._print(f"{mark} {task.pid:<5} {task.state_letter()} {name:<26} "
                        f"{regs['pc']:#010x} in {self.m.symbolize(regs['pc'])}{where}")

    @command("backtrace", "backtrace [PID|all]   the call chain, kernel then user space "
                          "(of a task, of every task)")
    def cmd_backtrace(self, args):
        if not args:
            self._backtrace(self.m.cpu.regs(), self.m.entry.syscall_regs)
            return
        tasks = self._tasks()
        if args[0] != "all":
            try:
                pid = int(args[0])
            except ValueError:
                raise ValueError("usage: backtrace [PID|all]") from None
            tasks = [t for t in tasks if t.pid == pid]
            if not tasks:
                raise ValueError(f"backtrace: no task with pid {pid}")
        for task in tasks:
            self._print(f"Thread {task.pid} ({'[' + task.comm + ']' if task.kernel else task.comm})"
                        f":")
            regs, user = self._task_regs(task)
            self._backtrace(regs, user, current=task is self.m.sched.current)

    def _backtrace(self, regs, user, current=True):
        frames = backtrace(self.m.vm, self.m.symbolize, regs)
        irq_user = interrupted_user(self.m.vm, self.m.symbolize, frames)     # (issue 12)
        if irq_user is not None:
            # a handler that interrupted user code: its registers are the stub's pt_regs
            frames = frames + ["interrupt"] + (
                backtrace(self.m.vm, self.m.symbolize, irq_user) if current
                else [Frame(irq_user["pc"], irq_user["sp"])])
        elif user is not None and regs["cpsr"] & MODE_MASK != USR_MODE:
            # Kernel code running for a syscall: continue from the caller's user registers.
            uregs = {f"r{i}": 0 for i in range(13)}
            saved = SvcFrame.as_dict(user)
            del saved["cpsr"]
            uregs.update(saved)
            # another task's user stack is in its own address space: its PC only
            frames = frames + [None] + (backtrace(self.m.vm, self.m.symbolize, uregs) if current
                                        else [Frame(uregs["pc"], uregs["sp"])])
        n = 0
        for frame in frames:
            if frame is None:
                self._print("    --- system call from user space ---")
                continue
            if frame == "interrupt":
                self._print("    --- interrupt from user space ---")
                continue
            self._print(f"#{n:<2} {frame.pc:#010x} in {self.m.symbolize(frame.pc)}")
            n += 1

    @command("leds", "leds                  the LED panel")
    def cmd_leds(self, args):
        self._print("  ".join(f"{n}={'on' if on else 'off'}" for n, on in self.m.leds.items()))

    @command("gpio", "gpio BANK             a GPIO bank's registers and pins (gpio gpx2)")
    def cmd_gpio(self, args):
        if not args:
            raise ValueError("usage: gpio BANK")
        bank = self.m.hw.gpio.bank(args[0])
        for name, value in bank.registers().items():
            self._print(f"{name:<12} {value:#010x}")
        for pin in bank.pins:
            self._print(f"  {pin.name:<8} {pin.function:<7} level {pin.level}"
                        f"{'' if pin.driven is None else ' (driven)'}")
