"""The GDB stub against a careless or hostile client: checksums verified (NAK), packets and
memory reads bounded, and a client that disconnects at any point leaves the run going."""

import os
import socket
import subprocess
import sys

import pytest

from tests.e2e.helpers import ROOT

PREBUILT = ROOT / "firmware" / "prebuilt"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _packet(body):
    return b"$" + body + b"#%02x" % (sum(body) & 0xFF)


@pytest.fixture
def stub(tmp_path):
    """(emulator process, connected socket) for a run of the seed demo under --gdb."""
    script = tmp_path / "g.board"
    script.write_text("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 2\n"
                      "expect led LED2 on\n")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    emu = subprocess.Popen([sys.executable, "-m", "emulator.cli", "run", str(script),
                            "--rootfs", str(PREBUILT), "--gdb", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert "gdb: waiting" in emu.stderr.readline()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    yield emu, sock
    sock.close()
    if emu.poll() is None:
        emu.kill()
    emu.communicate()


def _read_reply(sock):
    """The next packet from the stub (acknowledged), skipping acks."""
    data = b""
    while True:
        data += sock.recv(65536)
        start = data.find(b"$")
        end = data.find(b"#", start)
        if start >= 0 and end >= 0 and len(data) >= end + 3:
            sock.sendall(b"+")
            return data[start + 1:end]


def _ack(sock):
    ch = sock.recv(1)
    while ch not in (b"+", b"-"):
        ch = sock.recv(1)
    return ch


def test_wrong_checksum_gets_a_nak_and_no_reply(stub):
    emu, sock = stub
    sock.sendall(b"$?#00")
    assert _ack(sock) == b"-"
    sock.sendall(_packet(b"?"))
    assert _ack(sock) == b"+"
    assert _read_reply(sock) == b"S05"


def test_memory_reads_are_bounded(stub):
    emu, sock = stub
    sock.sendall(_packet(b"mc0000000,10000000"))             # 256 MiB of lowmem
    assert _ack(sock) == b"+"
    reply = _read_reply(sock)
    assert len(reply) == 2 * ((0x4000 - 16) // 2)            # a partial read, one packet
    sock.sendall(_packet(b"mffffff00,1000"))                 # runs past the address space
    assert _ack(sock) == b"+"
    reply = _read_reply(sock)
    assert reply == b"E14" or len(reply) <= 0x200


def test_oversized_packet_is_dropped(stub):
    emu, sock = stub
    sock.sendall(b"$" + b"m" * 0x5000)                        # never terminated
    assert _ack(sock) == b"-"
    sock.sendall(_packet(b"?"))
    assert _ack(sock) == b"+"
    assert _read_reply(sock) == b"S05"


def test_client_that_disconnects_before_acking_a_stop(stub):
    emu, sock = stub
    sock.sendall(_packet(b"c"))                               # run to the module load stop
    assert _ack(sock) == b"+"
    data = b""
    while b"$S05" not in data:
        data += sock.recv(4096)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()                                              # reset, no '+'
    out, err = emu.communicate(timeout=120)
    assert emu.returncode == 0, err
    assert "Traceback" not in err and "LED2=on" in out
