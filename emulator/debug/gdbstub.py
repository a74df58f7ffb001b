"""`--gdb PORT`: a GDB remote serial protocol stub, so gdb-multiarch can debug the board.

It reuses the debugger's stop machinery (breakpoints and steps are checked in the code hook)
and answers gdb's packets while the guest is stopped. Memory is read and written through the
page tables, so gdb sees virtual addresses: the driver at 0xBF000000.., the program at
0x10000... It listens on loopback only, stops before the script runs and again each time a
module is loaded (printing the `add-symbol-file` command with the module's real section
addresses), and reports the end of the script as the process exiting.
Protocol reference: the GDB manual, "Remote Serial Protocol".
"""

import socket

from ..cpu import REG
from ..memory.mmu import GuestFaultAccess
from .debugger import Debugger, DebuggerQuit

SIGTRAP = 5
#: gdb's register numbers for ARM (r0-r15, then cpsr as number 25 in the target description).
GDB_REGS = [f"r{i}" for i in range(13)] + ["sp", "lr", "pc"]
CPSR_REGNUM = 25
TARGET_XML = """<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target>
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.core">
""" + "".join(f'    <reg name="{n}" bitsize="32" regnum="{i}"{_t}/>\n' for i, (n, _t) in enumerate(
    [(f"r{i}", "") for i in range(13)] + [("sp", ' type="data_ptr"'), ("lr", ""),
                                          ("pc", ' type="code_ptr"')])) + \
    f'    <reg name="cpsr" bitsize="32" regnum="{CPSR_REGNUM}"/>\n  </feature>\n</target>\n'
SECTION_ORDER = (".text", ".init.text", ".exit.text", ".rodata", ".data", ".bss")
PACKET_SIZE = 0x4000              # what qSupported announces: the largest packet either way
MAX_READ = (PACKET_SIZE - 16) // 2  # an `m` reply is hex: two characters a byte
MAX_RESENDS = 8                   # a client that NAKs every reply is dropped


def _checksum(data):
    return sum(data) & 0xFF


class GdbStub(Debugger):
    """A Debugger whose front end is a gdb connection instead of a command prompt."""

    def __init__(self, machine, port, log):
        super().__init__(machine, None, log)
        self.port, self._log = port, log
        self._conn = None
        self._buf = b""
        machine.symbolize.on_add.append(self._module_loaded)

    # -- connection -------------------------------------------------------------------------
    def wait_for_gdb(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(1)
        self._log.write(f"gdb: waiting on 127.0.0.1:{self.port} "
                        f"(gdb-multiarch -ex 'target remote 127.0.0.1:{self.port}')\n")
        self._log.flush()
        self._conn, _ = server.accept()
        server.close()
        self._conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.attach()
        self.serve()                      # gdb's opening queries, until it continues

    def close(self):
        if self._conn is not None:
            self._send(b"W00")
        self._hang_up()

    # -- stops ------------------------------------------------------------------------------
    def stop(self, reason):
        self._log.write(f"gdb: {reason}\n")
        self._send(b"S%02x" % SIGTRAP)
        self.serve()

    def _module_loaded(self, table):
        if self._conn is None or table.label not in self.m.modules.loaded:
            return
        sections = self.m.modules.loaded[table.label].linked.sections
        parts = [f"{table.label}.ko"]
        text = sections.get(".text")
        if text:
            parts.append(f"{text[0]:#x}")
        parts += [f"-s {name} {sections[name][0]:#x}" for name in SECTION_ORDER[1:]
                  if name in sections]
        self._log.write(f"gdb: module {table.label} loaded: add-symbol-file {' '.join(parts)}\n")
        self._send(b"S%02x" % SIGTRAP)
        self.serve()

    # -- packets --------------------------------------------------------------------------------
    def serve(self):
        """Answer packets until gdb resumes the guest (continue, step) or leaves."""
        self._resume = False
        while not self._resume and self._conn is not None:
            packet = self._receive()
            if packet is None:               # gdb went away: run on without it
                self._hang_up()
                return
            reply = self._dispatch(packet)
            if reply is not None:
                self._send(reply)

    def _dispatch(self, packet):
        head = packet[:1]
        handler = PACKETS.get(head)
        if handler is None:
            return b""
        try:
            return handler(self, packet)
        except (GuestFaultAccess, ValueError, IndexError, OverflowError):
            return b"E14"

    def _hang_up(self):
        """The client left (or misbehaved past repair): run on without it."""
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None
        self._buf = b""
        self.detach()

    def _write(self, data):
        """Send raw bytes; False (and hung up) when the client is gone."""
        if self._conn is None:
            return False
        try:
            self._conn.sendall(data)
            return True
        except OSError:
            self._hang_up()
            return False

    def _recv(self, n):
        if self._conn is None:
            return b""
        try:
            return self._conn.recv(n)
        except OSError:
            return b""

    def _receive(self):
        """The next packet whose checksum is right (acknowledged with '+'; a bad one gets '-'
        and is dropped), or None when the client went away. Nothing is buffered beyond one
        packet's size."""
        while self._conn is not None:
            body = self._take_packet()
            if body is not None:
                return body
            chunk = self._recv(4096)
            if not chunk:
                return None
            self._buf += chunk
        return None

    def _take_packet(self):
        buf = self._buf
        body = None
        while buf and body is None:
            if buf[:1] != b"$":              # acks, interrupt requests (0x03), noise
                start = buf.find(b"$")
                buf = b"" if start < 0 else buf[start:]
                continue
            end = buf.find(b"#", 0, PACKET_SIZE + 2)
            if end < 0:
                if len(buf) > PACKET_SIZE + 1:   # no end in sight: drop it
                    self._write(b"-")
                    buf = b""
                break
            if len(buf) < end + 3:
                break
            candidate, checksum = buf[1:end], buf[end + 1:end + 3]
            buf = buf[end + 3:]
            try:
                good = int(checksum, 16) == _checksum(candidate)
            except ValueError:
                good = False
            if self._write(b"+" if good else b"-") and good:
                body = candidate
        self._buf = buf
        return body

    def _send(self, body):
        packet = b"$" + body + b"#%02x" % _checksum(body)
        for _ in range(MAX_RESENDS):
            if not self._write(packet):
                return
            while True:                      # wait for gdb's acknowledgement
                ack = self._recv(1)
                if ack in (b"+", b"-", b""):
                    break
            if ack == b"":
                self._hang_up()
                return
            if ack == b"+":
                return
        self._hang_up()

    # -- packet handlers ------------------------------------------------------------------------
    def _query(self, packet):
        if packet.startswith(b"qSupported"):
            return b"PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+" % PACKET_SIZE
        if packet.startswith(b"qXfer:features:read:target.xml:"):
            offset, length = (int(x, 16) for x in packet.split(b":")[-1].split(b","))
            chunk = TARGET_XML.encode()[offset:offset + length]
            return (b"l" if offset + length >= len(TARGET_XML) else b"m") + chunk
        return QUERIES.get(packet.split(b":")[0], b"")

    def _regs(self):
        r = self.m.cpu.regs()
        return [r[n] for n in GDB_REGS], r["cpsr"]

    def _read_registers(self, packet):
        values, _ = self._regs()
        return b"".join(v.to_bytes(4, "little").hex().encode() for v in values)

    def _read_register(self, packet):
        n = int(packet[1:], 16)
        values, cpsr = self._regs()
        if n < 16:
            return values[n].to_bytes(4, "little").hex().encode()
        if n == CPSR_REGNUM:
            return cpsr.to_bytes(4, "little").hex().encode()
        return b"E01"

    def _write_register(self, packet):
        n, value = packet[1:].split(b"=")
        n, value = int(n, 16), int.from_bytes(bytes.fromhex(value.decode()), "little")
        name = GDB_REGS[n] if n < 16 else ("cpsr" if n == CPSR_REGNUM else None)
        if name is None:
            return b"E01"
        self.m.cpu.set_reg(REG[name], value)
        return b"OK"

    def _read_memory(self, packet):
        addr, length = (int(x, 16) for x in packet[1:].split(b","))
        if not 0 <= addr < 1 << 32:
            return b"E14"
        # A shorter reply is allowed (the protocol's partial read); never more than a packet.
        length = min(length, MAX_READ, (1 << 32) - addr)
        return self.m.vm.read(addr, length).hex().encode()

    def _write_memory(self, packet):
        where, data = packet[1:].split(b":")
        addr, _ = (int(x, 16) for x in where.split(b","))
        self.m.vm.write(addr, bytes.fromhex(data.decode()))
        return b"OK"

    def _breakpoint(self, packet):
        kind, addr, _ = packet[1:].split(b",")
        if kind not in (b"0", b"1"):
            return b""                       # watchpoints: use the console debugger's watch
        addr = int(addr, 16)
        if packet[:1] == b"Z":
            self._bp_addrs.add(addr)
        else:
            self._bp_addrs.discard(addr)
        return b"OK"

    def _continue(self, packet):
        self._go()

    def _step(self, packet):
        self._go(lambda pc, sp: True)

    def _vcont(self, packet):
        if packet == b"vCont?":
            return b"vCont;c;C;s;S"
        if packet.startswith(b"vCont;s") or packet.startswith(b"vCont;S"):
            self._go(lambda pc, sp: True)
        elif packet.startswith(b"vCont;c") or packet.startswith(b"vCont;C"):
            self._go()
        else:
            return b""
        return None

    def _kill(self, packet):
        self._hang_up()
        raise DebuggerQuit("killed from gdb")

    def _detach(self, packet):
        self._send(b"OK")
        self._hang_up()
        self._resume = True

    def _on_code(self, addr, size):
        # gdb's breakpoints carry no numbers: report the stop generically.
        if addr in self._bp_addrs:
            self._step = None
            self.stop(f"breakpoint at {self.m.symbolize(addr)}")
        elif self._step is not None and self._step(addr, self.m.cpu.reg(REG["sp"])):
            self._step = None
            self.stop(f"step to {self.m.symbolize(addr)}")


QUERIES = {b"qAttached": b"1", b"qC": b"QC1", b"qfThreadInfo": b"m1", b"qsThreadInfo": b"l",
           b"qSymbol": b"OK", b"qOffsets": b"Text=0;Data=0;Bss=0", b"qTStatus": b""}

PACKETS = {
    b"q": GdbStub._query,
    b"?": lambda self, p: b"S%02x" % SIGTRAP,
    b"g": GdbStub._read_registers,
    b"p": GdbStub._read_register,
    b"P": GdbStub._write_register,
    b"m": GdbStub._read_memory,
    b"M": GdbStub._write_memory,
    b"Z": GdbStub._breakpoint,
    b"z": GdbStub._breakpoint,
    b"c": GdbStub._continue,
    b"s": GdbStub._step,
    b"v": GdbStub._vcont,
    b"H": lambda self, p: b"OK",
    b"T": lambda self, p: b"OK",
    b"k": GdbStub._kill,
    b"D": GdbStub._detach,
}
