"""Signal delivery on ARM (Linux 3.14 arch/arm/kernel/signal.c): do_signal and the frames.

A handler runs on a frame built on the user stack, as 3.14 builds it for the board's
VFP-enabled kernel: ``struct sigframe`` (a ucontext: flags, link, stack, the sigcontext
with r0-r15 and cpsr, the saved mask, the VFP registers in uc_regspace, then two words of
sigreturn code) for a plain handler, ``struct rt_sigframe`` (a 128-byte siginfo before it)
for SA_SIGINFO. Layouts measured against the board's headers (DWARF of a probe module):
ucontext 744 bytes (uc_mcontext at 20, uc_sigmask 104, uc_regspace 232), vfp_sigframe 288
(ufp at 8, ufp_exc at 272), aux end_magic at 288.

pc = the handler, lr = sa_restorer (SA_RESTORER: glibc's) or the sigreturn code in the
vectors page (the board keeps it in a sigpage; kernel/kuser.py), r0 = signo, r1/r2 =
&info/&uc for SA_SIGINFO, sp = the frame. rt_sigreturn/sigreturn restore every register, the
VFP state and the mask. A system call that returned -ERESTARTSYS (-ERESTARTNOHAND, ...)
is restarted (pc back on its svc, r0 its first argument) or made to return -EINTR, as 3.14's
do_signal decides.

Where it runs: (1) as a system call returns (Entry's exit work: ``syscall_exit``), (2) for a
task about to resume in user mode (``user_mode``, preempted or woken there), (3) for a task
in a driver call entered as a tail call (``divert``: its return to user space is sent
through the resume slot so (1) runs).
"""

import struct

from ..cpu import CPSR, CPSR_T, MODE_MASK, PC, REG, SP, USR_MODE
from ..memory.mmu import GuestFaultAccess
from .entry import EXIT, SvcFrame
from .errno import EINTR
from .kuser import SIGRETURN_CODES
from .signal import (CLD_DUMPED, CLD_EXITED, CLD_KILLED, IGNORE, SA_NODEFER,
                     SA_RESETHAND, SA_RESTART, SA_RESTORER, SA_SIGINFO, SIG_DFL, SIG_IGN,
                     SIGCHLD, SIGSEGV, STOP, SigAction, SigInfo, default_action, name,
                     sigmask)

#: si_code of a fault's signal: SEGV_MAPERR, ILL_ILLOPC, TRAP_BRKPT are all 1.
FAULT_CODE = 1
ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK = 512, 513, 514, 516
RESTARTS = {-ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK}
NR_SIGRETURN, NR_RT_SIGRETURN, NR_RESTART_SYSCALL = 119, 173, 0
_NR, _IP, _PC, _CPSR, _SP, _LR = (SvcFrame.NR, SvcFrame.IP, SvcFrame.PC, SvcFrame.CPSR,
                                  SvcFrame.SP, SvcFrame.LR)

SIGINFO_SIZE = 128
UC_MCONTEXT, UC_SIGMASK, UC_REGSPACE, UCONTEXT_SIZE = 20, 104, 232, 744
SIGFRAME_SIZE = UCONTEXT_SIZE + 8            # + retcode[2]
RT_SIGFRAME_SIZE = SIGINFO_SIZE + SIGFRAME_SIZE
VFP_MAGIC, VFP_STORAGE_SIZE = 0x56465001, 288
SETUP_FRAME_MAGIC = 0x5AC3C35A               # uc_flags of a non-rt frame
SS_DISABLE = 2
FPEXC_EN, FPEXC_EX, FPEXC_FP2V = 1 << 30, 1 << 31, 1 << 28
FPSCR_LENGTH_STRIDE = (7 << 16) | (3 << 20)
PSR_F, PSR_I, PSR_A, PSR_E, PSR_IT = 1 << 6, 1 << 7, 1 << 8, 1 << 9, 0x0600FC00
PSR_KEEP = 0xFF000000 | 0x00FF0000 | 0x0000FF00 | CPSR_T | 0x10   # f|s|x|T|MODE32

class SignalDelivery:
    """do_signal, handle_signal and sigreturn for the processes' tasks."""

    def __init__(self, cpu, vm, sched, exit_process, sigreturn_code, tracer, console,
                 entry):
        """exit_process(status, signo) -> the do_exit generator (signo: the killing signal);
        sigreturn_code: user address of SIGRETURN_CODES (the vectors page); console(text): the shell's messages;
        entry() -> kernel/entry.Entry (built later)."""
        self._cpu, self._vm, self._sched = cpu, vm, sched
        self._exit_process, self._code = exit_process, sigreturn_code
        self._tracer, self._console, self._entry = tracer, console, entry
        self.sched = sched

    # -- tracing ------------------------------------------------------------------------------
    def event(self, event, pid, signo, detail=""):
        tracer = self._tracer
        if tracer is not None and "signal" in tracer.active:
            tracer.publish("signal", event=event, pid=pid, signo=signo, name=name(signo),
                           detail=detail)

    # -- the three places delivery happens ------------------------------------------------------
    def syscall_exit(self, task, result, saved):
        """Entry's exit work (a generator; returns r0 or EXIT), or None with nothing to do."""
        if not task.pending_signal or task.process is None:
            return None
        return self._syscall_exit(task, result, saved)

    def _syscall_exit(self, task, result, saved):
        regs = self._regs_at_syscall(saved, result)
        syscall = saved[_NR] not in (NR_SIGRETURN, NR_RT_SIGRETURN)
        outcome = yield from self._do_signal(task, regs, syscall)
        if outcome is EXIT:
            return EXIT
        self._store_at_syscall(saved, regs)
        if outcome is STOPPED:
            self._sched.stop_task(task, running=True)
        return regs[0]

    def user_mode(self, task):
        """A task about to run user code with a signal pending (its registers are in the
        CPU): a generator building the handlers' frames (do_exit's guest calls when a
        default action ends the process: it then returns EXIT)."""
        regs = self._live_regs()
        outcome = yield from self._do_signal(task, regs, syscall=False)
        if outcome is EXIT:
            return EXIT
        self._write_live_regs(regs)
        if outcome is STOPPED:
            self._sched.stop_task(task, running=False)
        return None

    def divert(self, task):
        """A task stopped inside a driver call made as a tail call (kernel mode, no
        syscall frames): make its return to user space go through the resume slot, so the
        exit work (and signal delivery) runs. True when it was diverted."""
        cpu, entry = self._cpu, self._entry()
        spsr = cpu.spsr()
        if spsr & MODE_MASK != USR_MODE or task.syscall_regs is None:
            return False
        words = struct.unpack("<5I", self._vm.read(task.kstack_top - 20, 20))
        if words[4] == entry.resume_slot:
            return False                                  # already diverted
        saved = list(task.syscall_regs)
        saved[1], saved[2], saved[3], saved[_IP], saved[_PC] = words
        saved[_CPSR] = spsr
        saved[_SP], saved[_LR] = self._user_sp_lr()
        entry.catch_tail_return(saved)
        self._vm.write_u32(task.kstack_top - 4, entry.resume_slot)
        cpu.set_spsr(entry.kernel_cpsr)
        return True

    def force_fault(self, task, signo, fault):
        """force_sig_info for a user fault: True when the process's handler will take it
        (the task's registers are back at the faulting instruction, the signal queued);
        False when the default action ends it (also when the signal was ignored or
        blocked: 3.14 resets it to SIG_DFL then)."""
        sig = task.process.signals
        act = sig.action(signo)
        if act.handler in (SIG_DFL, SIG_IGN) or sig.blocked & sigmask(signo):
            return False
        regs = fault.regs
        values = [regs[f"r{i}"] for i in range(13)] + [regs["sp"], regs["lr"], fault.pc,
                                                        regs["cpsr"], regs["r0"]]
        self._write_live_regs(values)
        addr = fault.addr if fault.addr is not None else fault.pc
        self.event("fault", task.pid, signo, f"{fault.kind} at {fault.pc:#x}")
        sig.pending.insert(0, SigInfo(signo, FAULT_CODE, addr=addr))
        self._sched.recalc_sigpending(task)
        return True

    # -- do_signal --------------------------------------------------------------------------------
    def _do_signal(self, task, regs, syscall):
        """3.14's do_signal + do_work_pending loop over regs (r0-r15, cpsr, orig_r0):
        a generator (do_exit's guest calls) returning EXIT when the process ended, STOPPED
        when a stop signal's default action stops it (the rest waits for SIGCONT)."""
        sig = task.process.signals
        restart, retval, continue_addr, restart_addr = 0, 0, 0, 0
        if syscall:
            continue_addr = regs[15]
            restart_addr = continue_addr - (2 if regs[16] & CPSR_T else 4)
            retval = _signed(regs[0])
            if retval in RESTARTS:
                restart = -1 if retval == -ERESTART_RESTARTBLOCK else 1
                regs[0], regs[15] = regs[17], restart_addr
        handled = stopped = False
        while True:
            info = sig.dequeue()
            if info is None:
                break
            signo = info.signo
            act = sig.action(signo)
            action = (IGNORE if act.handler == SIG_IGN else default_action(signo)
                      if act.handler == SIG_DFL else "handler")
            self.event("deliver", task.pid, signo, action)
            if action == IGNORE:
                continue
            if action == STOP:                        # do_signal_stop
                stopped = True
                break
            if action != "handler":                   # term, core: do_group_exit
                self._sched.recalc_sigpending(task)
                yield from self._exit_process(128 + signo, signo)
                return EXIT
            if restart and regs[15] == restart_addr:
                if retval in (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK) or (
                        retval == -ERESTARTSYS and not act.flags & SA_RESTART):
                    regs[0], regs[15] = -EINTR & 0xFFFFFFFF, continue_addr
                restart = 0
            if not self._handle_signal(task, sig, info, act, regs):
                # a frame that cannot be written: force_sigsegv
                sig.set_action(SIGSEGV, SigAction())
                self._console("Segmentation fault\n")
                self.event("fatal", task.pid, SIGSEGV, "bad signal frame")
                self._sched.recalc_sigpending(task)
                yield from self._exit_process(128 + SIGSEGV, SIGSEGV)
                return EXIT
            handled = True
        if not handled:
            if sig.saved_mask is not None:               # restore_saved_sigmask
                sig.set_blocked(sig.saved_mask)
                sig.saved_mask = None
            if restart and regs[15] == restart_addr and restart < 0:
                self._cpu.set_reg(REG["r7"], NR_RESTART_SYSCALL)
        self._sched.recalc_sigpending(task)
        return STOPPED if stopped else None

    def _handle_signal(self, task, sig, info, act, regs):
        """setup_frame/setup_rt_frame + signal_delivered; False when the frame is bad."""
        oldmask = sig.saved_mask if sig.saved_mask is not None else sig.blocked
        sig.saved_mask = None
        rt = bool(act.flags & SA_SIGINFO)
        size = RT_SIGFRAME_SIZE if rt else SIGFRAME_SIZE
        frame = (regs[13] - size) & ~7
        sf = frame + (SIGINFO_SIZE if rt else 0)
        handler = act.handler
        thumb = handler & 1
        cpsr = regs[16] & ~(0xFF000000 | PSR_E | PSR_IT | CPSR_T)
        cpsr |= CPSR_T if thumb else 0
        idx = (thumb << 1) + (3 if rt else 0)
        if act.flags & SA_RESTORER:
            retcode = act.restorer
        else:
            retcode = self._code + (idx << 2) + thumb
        data = bytearray(size)
        if rt:
            data[0:SIGINFO_SIZE] = copy_siginfo(info)
        uc = sf - frame
        struct.pack_into("<II", data, uc, 0 if rt else SETUP_FRAME_MAGIC, 0)
        if rt:
            struct.pack_into("<IiI", data, uc + 8, 0, SS_DISABLE, 0)     # __save_altstack
        trap_no, error_code, fault_address = 0, 0, info.addr
        struct.pack_into("<21I", data, uc + UC_MCONTEXT, trap_no, error_code,
                         oldmask & 0xFFFFFFFF, *regs[:17], fault_address)
        struct.pack_into("<Q", data, uc + UC_SIGMASK, oldmask)
        data[uc + UC_REGSPACE:uc + UC_REGSPACE + VFP_STORAGE_SIZE + 4] = self._vfp_frame()
        struct.pack_into("<II", data, uc + UCONTEXT_SIZE, SIGRETURN_CODES[idx],
                         SIGRETURN_CODES[idx + 1])
        try:
            self._vm.write(frame, bytes(data), user=True)
        except GuestFaultAccess:                          # an unmapped or read-only stack
            return False
        self._clear_vfp_hwstate()
        regs[0], regs[13], regs[14], regs[15], regs[16] = info.signo, frame, retcode, \
            handler & ~1, cpsr
        if rt:
            regs[1], regs[2] = frame, sf
        # signal_delivered: block sa_mask (and the signal, unless SA_NODEFER); one-shot
        blocked = oldmask | act.mask
        if not act.flags & SA_NODEFER:
            blocked |= sigmask(info.signo)
        sig.set_blocked(blocked)
        if act.flags & SA_RESETHAND:
            sig.set_action(info.signo, SigAction())
        self.event("handler", task.pid, info.signo,
                   f"handler {handler:#x} frame {frame:#x}{' siginfo' if rt else ''}")
        return True

    # -- sigreturn -------------------------------------------------------------------------------
    def sigreturn(self, task, rt):
        """sys_sigreturn/sys_rt_sigreturn: restore the registers, VFP state and mask saved
        in the frame at the user sp; returns r0, or a do_exit generator on a bad frame."""
        saved = self._entry().syscall_regs
        sp = saved[_SP]
        sig = task.process.signals
        sig.restart_block = None                  # do_no_restart_syscall
        sf = sp + (SIGINFO_SIZE if rt else 0)
        if sp & 7:                                        # frames are 8-byte aligned
            return self._badframe(task)
        try:
            uc = self._vm.read(sf, UCONTEXT_SIZE, user=True)
        except GuestFaultAccess:
            return self._badframe(task)
        values = list(struct.unpack_from("<21I", uc, UC_MCONTEXT))[3:20]
        (mask,) = struct.unpack_from("<Q", uc, UC_SIGMASK)
        magic, vsize = struct.unpack_from("<II", uc, UC_REGSPACE)
        if magic != VFP_MAGIC or vsize != VFP_STORAGE_SIZE:
            return self._badframe(task)
        sig.set_blocked(mask)
        cpsr = values[16] & ~(PSR_F | PSR_A)
        if cpsr & PSR_I or cpsr & MODE_MASK != USR_MODE:          # valid_user_regs
            return self._badframe(task)
        values[16] = cpsr
        self._restore_vfp(uc[UC_REGSPACE:UC_REGSPACE + VFP_STORAGE_SIZE])
        values.append(values[0])
        self._store_at_syscall(saved, values)
        cpu = self._cpu
        for i in range(4, 13):
            cpu.set_reg(REG[f"r{i}"], values[i])
        cpu.set_reg(CPSR, cpsr)
        cpu.set_reg(SP, values[13])
        cpu.set_reg(REG["lr"], values[14])
        cpu.set_reg(PC, values[15] | (1 if cpsr & CPSR_T else 0))
        for i in range(1, 4):
            cpu.set_reg(REG[f"r{i}"], values[i])
        self._sched.recalc_sigpending(task)
        self.event("sigreturn", task.pid, 0, f"pc {values[15]:#x}")
        return values[0]

    def _badframe(self, task):
        """force_sig(SIGSEGV): the process ends as the default action of SIGSEGV does."""
        self._console("Segmentation fault\n")
        self.event("fatal", task.pid, SIGSEGV, "bad sigreturn frame")
        return self._exit_process(128 + SIGSEGV, SIGSEGV)

    # -- registers --------------------------------------------------------------------------------
    def _regs_at_syscall(self, saved, result):
        """pt_regs at a syscall's return: r0 = result, r1-r3/ip/pc/cpsr/sp/lr as saved at the
        svc, r4-r11 live (callee-saved by every guest call), orig_r0 last."""
        cpu = self._cpu
        regs = [result & 0xFFFFFFFF, saved[1], saved[2], saved[3]]
        regs += [cpu.reg(REG[f"r{i}"]) for i in range(4, 12)]
        regs += [saved[_IP], saved[_SP], saved[_LR], saved[_PC], saved[_CPSR], saved[0]]
        return regs

    def _store_at_syscall(self, saved, regs):
        """Write regs back: Entry restores r1-r3, ip, pc and cpsr from saved; sp and lr go
        to the user bank now; r4-r11 are live."""
        saved[1], saved[2], saved[3] = regs[1], regs[2], regs[3]
        saved[_IP], saved[_PC], saved[_CPSR] = regs[12], regs[15], regs[16]
        saved[_SP], saved[_LR] = regs[13], regs[14]
        cpu = self._cpu
        for i in range(4, 12):
            cpu.set_reg(REG[f"r{i}"], regs[i])
        self._set_user_sp_lr(regs[13], regs[14])

    def _live_regs(self):
        cpu = self._cpu
        regs = [cpu.reg(REG[f"r{i}"]) for i in range(13)]
        regs += [cpu.reg(SP), cpu.reg(REG["lr"]), cpu.reg(PC), cpu.reg(CPSR)]
        regs.append(regs[0])
        return regs

    def _write_live_regs(self, regs):
        cpu = self._cpu
        cpu.set_reg(CPSR, regs[16])
        for i in range(13):
            cpu.set_reg(REG[f"r{i}"], regs[i])
        cpu.set_reg(SP, regs[13])
        cpu.set_reg(REG["lr"], regs[14])
        cpu.set_reg(PC, regs[15] | (1 if regs[16] & CPSR_T else 0))

    def _user_sp_lr(self):
        cpu = self._cpu
        cpsr = cpu.reg(CPSR)
        if cpsr & MODE_MASK == USR_MODE:
            return cpu.reg(SP), cpu.reg(REG["lr"])
        cpu.set_reg(CPSR, (cpsr & ~MODE_MASK) | USR_MODE)
        values = cpu.reg(SP), cpu.reg(REG["lr"])
        cpu.set_reg(CPSR, cpsr)
        return values

    def _set_user_sp_lr(self, sp, lr):
        cpu = self._cpu
        cpsr = cpu.reg(CPSR)
        if cpsr & MODE_MASK != USR_MODE:
            cpu.set_reg(CPSR, (cpsr & ~MODE_MASK) | USR_MODE)
        cpu.set_reg(SP, sp)
        cpu.set_reg(REG["lr"], lr)
        if cpsr & MODE_MASK != USR_MODE:
            cpu.set_reg(CPSR, cpsr)

    # -- VFP (vfp_preserve_user_clear_hwstate / vfp_restore_user_hwstate) -------------------------
    def _vfp_frame(self):
        dregs, fpscr, fpexc = self._cpu.vfp_state()
        return struct.pack("<II32QI4xIII", VFP_MAGIC, VFP_STORAGE_SIZE, *dregs, fpscr, fpexc,
                           0, 0) + bytes(VFP_STORAGE_SIZE - 284 + 4)

    def _clear_vfp_hwstate(self):
        dregs, fpscr, fpexc = self._cpu.vfp_state()
        if fpscr & FPSCR_LENGTH_STRIDE:
            self._cpu.set_vfp_state(dregs, fpscr & ~FPSCR_LENGTH_STRIDE)

    def _restore_vfp(self, blob):
        values = struct.unpack_from("<32QI", blob, 8)
        self._cpu.set_vfp_state(values[:32], values[32])


class _Stopped:
    def __repr__(self):
        return "STOPPED"


#: _do_signal's outcome when the task stopped (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
STOPPED = _Stopped()


def _signed(v):
    return v - (1 << 32) if v & 0x80000000 else v


def copy_siginfo(info):
    """copy_siginfo_to_user: the 128-byte siginfo of the ARM ABI (a user-made one, si_code
    < 0 from rt_sigqueueinfo, as it came; SIGCHLD of an ended child: _sigchld)."""
    if info.raw is not None:
        return info.raw
    data = bytearray(SIGINFO_SIZE)
    struct.pack_into("<iii", data, 0, info.signo, 0, info.code)
    if info.signo == SIGCHLD and info.code in (CLD_EXITED, CLD_KILLED, CLD_DUMPED):
        struct.pack_into("<iIiii", data, 12, info.pid, info.uid, info.status, 0, 0)
    elif info.band or info.fd:
        struct.pack_into("<iI", data, 12, info.band, info.fd)       # _sigpoll
    elif info.addr:
        struct.pack_into("<I", data, 12, info.addr)                 # _sigfault
    else:
        struct.pack_into("<iI", data, 12, info.pid, info.uid)       # _kill
    return bytes(data)


__all__ = ["SignalDelivery", "STOPPED", "copy_siginfo", "RESTARTS", "ERESTARTSYS",
           "ERESTARTNOHAND", "ERESTART_RESTARTBLOCK", "ERESTARTNOINTR"]
