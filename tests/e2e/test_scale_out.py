"""Scale-out: `emu4412 test --shard K/N` (a CI job matrix), `--progress`, and the pytest
plugin under pytest-xdist, each worker reusing its booted board."""

import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from emulator.runner import progress, shard
from tests.e2e.helpers import ROOT, cli

PREBUILT = ROOT / "firmware" / "prebuilt"
LED = "insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 {n}\n" \
      "expect led LED{n} on\n"


def _suite(folder, count=7):
    folder.mkdir(parents=True, exist_ok=True)
    for image in ("leddrv.ko", "testled_app"):
        shutil.copy(PREBUILT / image, folder / image)
    for i in range(count):
        (folder / f"s{i}.board").write_text(LED.format(n=2 + i % 4))
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "bad.board").write_text("expect led LED2 on\n")
    return folder


def _ran(proc):
    return sorted(l.split()[1].rstrip(":") for l in proc.stdout.splitlines()
                  if l.startswith(("PASS", "FAIL")))


def test_shards_split_a_suite_exactly_and_stably(tmp_path):
    folder = _suite(tmp_path / "suite")
    whole = cli("test", "suite", "--rootfs", str(folder), cwd=tmp_path)
    parts = [cli("test", "suite", "--shard", f"{k}/3", "--rootfs", str(folder), "-j", str(k % 2 + 1),
                 "--junit", f"r{k}.xml", cwd=tmp_path) for k in (1, 2, 3)]
    ran = [_ran(p) for p in parts]
    assert sorted(sum(ran, [])) == _ran(whole) and len(_ran(whole)) == 8
    assert all(p.stdout.splitlines()[0] == f"shard {k}/3: {len(r)} of 8 scripts"
               for k, (p, r) in enumerate(zip(parts, ran), 1))
    # Files given in another order, one by one: the same split.
    files = [str(p.relative_to(tmp_path)) for p in sorted(folder.rglob("*.board"), reverse=True)]
    again = cli("test", *files, "--shard", "2/3", "--rootfs", str(folder), cwd=tmp_path)
    assert _ran(again) == ran[1]
    # JUnit per shard: its own cases, named after the shard.
    for k, r in enumerate(ran, 1):
        suite = ET.parse(tmp_path / f"r{k}.xml").getroot().find("testsuite")
        assert suite.get("name") == f"emu4412 shard {k}/3" and int(suite.get("tests")) == len(r)
    failing = next(k for k, r in enumerate(ran, 1) if "suite/sub/bad.board" in r)
    assert parts[failing - 1].returncode == 1
    assert all(p.returncode == 0 for k, p in enumerate(parts, 1) if k != failing)


def test_shard_assignment_is_a_function_of_the_path():
    scripts = [f"tests/board/case_{i:03}.board" for i in range(200)]
    for n in (1, 2, 5):
        groups = [shard.select(scripts, (k, n)) for k in range(1, n + 1)]
        assert sorted(sum(groups, [])) == sorted(scripts)
        assert shard.select(scripts[::-1], (1, n)) == groups[0][::-1]
        assert all(groups) and max(map(len, groups)) - min(map(len, groups)) < 200 // n
    assert shard.shard_of("a/b.board", 4) == shard.shard_of("a/b.board", 4)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "2", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_status_2_in_one_line(tmp_path, spec):
    folder = _suite(tmp_path / "suite", 1)
    proc = cli("test", str(folder), "--shard", spec)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"emu4412: --shard {spec}: ") and proc.stderr.count("\n") == 1


def test_an_empty_shard_passes_with_no_scripts(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "only.board").write_text("lsmod\n")
    k = shard.shard_of("one/only.board", 2)
    proc = cli("test", "one", "--shard", f"{3 - k}/2", "--junit", "r.xml", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.splitlines()[0] == "shard %d/2: 0 of 1 scripts" % (3 - k)
    assert proc.stdout.splitlines()[-1] == "0 passed, 0 failed"
    assert ET.parse(tmp_path / "r.xml").getroot().get("tests") == "0"


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal_outside_ci():
    assert progress.wanted(_Tty(), {"TERM": "xterm"})
    assert not progress.wanted(_Tty(), {"TERM": "xterm", "CI": "true"})
    assert not progress.wanted(io.StringIO(), {"TERM": "xterm"})
    assert not progress.wanted(_Tty(), {"TERM": "dumb"})
    ticks = iter([0.0, 2.0, 4.0])
    out = _Tty()
    live = progress.Progress(4, out, clock=lambda: next(ticks))
    live.advance()
    live.show()
    live.clear()
    assert out.getvalue() == "\r\x1b[K[1/4] 2.0 s, ETA 6.0 s\r\x1b[K"
    assert progress.text(0, 4, 0.5) == "[0/4] 0.5 s"


def test_progress_stays_out_of_logs(tmp_path):
    folder = _suite(tmp_path / "suite", 2)
    proc = cli("test", str(folder), "--progress")
    assert "\r" not in proc.stdout + proc.stderr and "ETA" not in proc.stderr
    assert proc.stdout.splitlines()[-1] == "2 passed, 1 failed"


def test_pytest_xdist_workers_each_reuse_one_booted_board(tmp_path):
    folder = _suite(tmp_path / "suite", 6)
    (folder / "sub" / "bad.board").unlink()
    (tmp_path / "conftest.py").write_text(
        "import os\n"
        "def pytest_sessionfinish(session):\n"
        "    from emulator.runner.clone import Template\n"
        "    worker = os.environ.get('PYTEST_XDIST_WORKER', 'main')\n"
        "    with open(f'built-{worker}.txt', 'w') as f:\n"
        "        f.write(str(Template.built))\n")
    for dist in ("load", "loadfile"):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", dist,
                               "--emu4412-rootfs", str(folder),
                               "-q", "-p", "no:cacheprovider", "suite"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "6 passed" in proc.stdout
        built = {p.name: p.read_text() for p in tmp_path.glob("built-gw*.txt")}
        assert built == {"built-gw0.txt": "1", "built-gw1.txt": "1"}, built


@pytest.mark.skipif(shutil.which("arm-linux-gnueabi-gcc") is None,
                    reason="arm-linux-gnueabi-gcc not installed (.ci/run installs it)")
def test_the_ci_example_matrix_runs_every_script_once(tmp_path):
    example = tmp_path / "ci-example"
    shutil.copytree(ROOT / "firmware" / "ci-example", example,
                    ignore=shutil.ignore_patterns("*.ko", "*.o", "*.mod.c", "ledctl", "report*.xml"))
    workflow = (example / ".github" / "workflows" / "board-tests.yml").read_text()
    shards = re.search(r"shard: \[([\d, ]+)\]", workflow).group(1).split(",")
    command = re.search(r"run: emu4412 (test .*)", workflow).group(1)
    subprocess.run(["make", "-s", "images", f"SDK={ROOT / 'firmware' / 'sdk'}"], cwd=example,
                   check=True, capture_output=True)
    ran = []
    for k in (s.strip() for s in shards):
        args = command.replace("${{ matrix.shard }}", k) \
                      .replace("${{ strategy.job-total }}", str(len(shards))).split()
        proc = cli(*args, cwd=example)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        ran += _ran(proc)
        cases = ET.parse(example / f"report-{k}.xml").getroot().iter("testcase")
        assert len(list(cases)) == len(_ran(proc))
    assert sorted(ran) == ["tests/board/chase.board", "tests/board/leds.board"]
