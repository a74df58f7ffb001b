"""`emu4412 test`: per-script lines, the summary line, exit status, -j, JUnit XML, golden
traces, and robustness against hanging and crashing scripts (issue 5)."""

import os
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from emulator.runner.pool import run_parallel
from tests.e2e.helpers import ROOT, cli

PREBUILT = ROOT / "firmware" / "prebuilt"
SEED = (ROOT / "firmware" / "scenarios" / "seed_demo.board").read_text()
LED2_ON = "insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 2\n"


def scripts(folder, **texts):
    """Write NAME.board files into folder (a root filesystem holding the prebuilt images)."""
    folder.mkdir(parents=True, exist_ok=True)
    for image in ("leddrv.ko", "testled_app", "kmbench.ko"):
        shutil.copy(PREBUILT / image, folder / image)
    for name, text in texts.items():
        (folder / f"{name}.board").write_text(text)
    return folder


def lines(proc):
    return proc.stdout.splitlines()


def test_one_line_per_script_and_the_summary_line(tmp_path):
    folder = scripts(tmp_path / "board", ok=SEED,
                     wrong=LED2_ON + "expect leds LED2=off LED3=off\n",
                     missing="insmod nothere.ko\n")
    proc = cli("test", str(folder), cwd=tmp_path)
    out = lines(proc)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert out[0] == "FAIL board/missing.board: line 1 (insmod nothere.ko): exit status 1: " \
                     "nothere.ko: No such file or directory"
    assert out[1] == "PASS board/ok.board"
    assert out[2] == "FAIL board/wrong.board: line 4 (expect leds LED2=off LED3=off): " \
                     "expectation failed: LED2 is on, expected off"
    assert out[-1] == "1 passed, 2 failed"
    assert "Traceback" not in proc.stdout + proc.stderr


def test_all_passing_gives_status_0_and_files_run_as_given(tmp_path):
    folder = scripts(tmp_path, a=SEED, b=LED2_ON + "expect leds LED2=on\n")
    proc = cli("test", str(folder / "b.board"), str(folder / "a.board"), str(folder / "b.board"))
    assert proc.returncode == 0, proc.stdout
    assert [l.split()[0] for l in lines(proc)[:2]] == ["PASS", "PASS"]
    assert lines(proc)[0].endswith("b.board") and lines(proc)[1].endswith("a.board")
    assert lines(proc)[-1] == "2 passed, 0 failed"


def test_bad_invocation_is_status_2_in_one_line(tmp_path):
    proc = cli("test", str(tmp_path / "nothere"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"emu4412: {tmp_path / 'nothere'}: No such file or directory"
    (tmp_path / "empty").mkdir()
    proc = cli("test", str(tmp_path / "empty"))
    assert proc.returncode == 2 and "no board scripts" in proc.stderr


def test_an_unparsable_script_fails_alone(tmp_path):
    folder = scripts(tmp_path, bad='insmod "leddrv.ko\n', good=SEED)
    proc = cli("test", str(folder))
    assert proc.returncode == 1
    bad = next(l for l in lines(proc) if "bad.board" in l)
    assert bad.startswith("FAIL") and "line 1" in bad and "No closing quotation" in bad
    assert lines(proc)[-1] == "1 passed, 1 failed"


def _comparable_junit(path):
    root = ET.parse(path).getroot()
    for node in root.iter():
        for attribute in ("time", "timestamp", "hostname"):
            node.attrib.pop(attribute, None)
    return ET.tostring(root)


def test_parallel_run_reports_the_same_as_serial(tmp_path):
    scripts(tmp_path / "board", s1=SEED, s2=LED2_ON + "expect led LED3 on\n",
            s3=SEED, s4="./testled_app /dev/leddev 1 2\n", s5=SEED)
    serial = cli("test", "board", "--junit", "serial.xml", cwd=tmp_path)
    parallel = cli("test", "board", "-j", "2", "--junit", "parallel.xml", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    drop_timing = lambda proc: [l for l in lines(proc) if " scripts/s, " not in l]  # noqa: E731
    assert drop_timing(serial) == drop_timing(parallel)
    assert lines(parallel)[-1] == "3 passed, 2 failed"
    assert "(0.0 scripts/s" not in parallel.stdout and ", 2 jobs)" in parallel.stdout
    assert _comparable_junit(tmp_path / "serial.xml") == _comparable_junit(tmp_path / "parallel.xml")


def test_junit_xml_names_the_failing_step_and_carries_the_console(tmp_path):
    folder = scripts(tmp_path / "tests" / "board", seed=SEED,
                     leds=LED2_ON + "expect gpio gpx2-7 0\n")
    proc = cli("test", "tests/board", "--junit", "report.xml", cwd=tmp_path)
    assert proc.returncode == 1
    root = ET.parse(tmp_path / "report.xml").getroot()
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"seed", "leds"}
    assert all(c.get("classname") == "tests.board" for c in cases.values())
    assert cases["seed"].find("failure") is None
    failure = cases["leds"].find("failure")
    assert failure.get("message") == ("line 4 (expect gpio gpx2-7 0): expectation failed: "
                                      "gpx2-7 is 1 (output), expected 0")
    assert cases["leds"].get("file") == "tests/board/leds.board" and cases["leds"].get("line") == "4"
    out = cases["leds"].find("system-out").text
    assert "--- console (tail) ---" in out and "leds: LED2=on" in out and "--- dmesg (tail) ---" in out
    assert float(suite.get("time")) > 0 and folder.is_dir()


# -- golden traces ------------------------------------------------------------------------

GOLDEN_LINE = re.compile(r"(GP[A-Z0-9]+ = 0x[0-9a-f]{8}|gp[a-z0-9]+-\d -> [01z]|LED\d -> (on|off))"
                         r"( +# .*)?")


def test_golden_trace_is_created_matched_and_a_divergence_explained(tmp_path):
    folder = scripts(tmp_path, leds="golden\n" + LED2_ON + "./testled_app /dev/leddev 0 2\n")
    proc = cli("test", str(folder))
    assert proc.returncode == 1
    assert "leds.golden does not exist (create it with: emu4412 test --update-golden)" in proc.stdout

    proc = cli("test", str(folder), "--update-golden")
    assert proc.returncode == 0 and "[golden updated: " in proc.stdout
    text = (folder / "leds.golden").read_text()
    entries = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert all(GOLDEN_LINE.fullmatch(e) for e in entries), entries
    assert "# line 4: ./testled_app /dev/leddev 1 2" in text
    assert [e.split("#")[0].strip() for e in entries if "gpx2-7" in e or "LED2" in e] == [
        "gpx2-7 -> 0", "gpx2-7 -> 1", "LED2 -> on", "gpx2-7 -> 0", "LED2 -> off"]

    assert cli("test", str(folder)).returncode == 0
    assert "[golden unchanged: " in cli("test", str(folder), "--update-golden").stdout

    (folder / "leds.golden").write_text(text.replace("GPX2DAT = 0x00000080", "GPX2DAT = 0x00000040"))
    proc = cli("test", str(folder))
    assert proc.returncode == 1
    first = lines(proc)[0]
    assert first.startswith("FAIL ") and "differs at entry" in first
    assert "(line 4: ./testled_app /dev/leddev 1 2, in led_on+0x" in first
    assert "expected 'GPX2DAT = 0x00000040', got 'GPX2DAT = 0x00000080'" in first
    assert "-GPX2DAT = 0x00000040" in proc.stdout and "+GPX2DAT = 0x00000080" in proc.stdout


def test_sibling_golden_is_checked_and_independent_of_allocation(tmp_path):
    """A sibling NAME.golden is compared without a `golden` line; loading another module
    first moves every allocation, and the trace still matches."""
    folder = scripts(tmp_path, plain=LED2_ON,
                     shifted="golden plain.golden\ninsmod kmbench.ko\n" + LED2_ON)
    (folder / "plain.golden").write_text("")            # an empty sibling: fill it in
    assert cli("test", str(folder / "plain.board"), "--update-golden").returncode == 0
    assert "LED2 -> on" in (folder / "plain.golden").read_text()
    proc = cli("test", str(folder))
    assert proc.returncode == 0, proc.stdout
    (folder / "plain.golden").write_text((folder / "plain.golden").read_text() + "LED5 -> on\n")
    proc = cli("test", str(folder))
    assert lines(proc)[-1] == "0 passed, 2 failed"
    assert "expected 'LED5 -> on', got end of trace" in proc.stdout


def test_golden_in_emu4412_run_is_only_noted(tmp_path):
    folder = scripts(tmp_path, g="golden\n" + LED2_ON)
    proc = cli("run", str(folder / "g.board"))
    assert proc.returncode == 0
    assert "golden: not checked here; `emu4412 test`" in proc.stdout


# -- robustness ---------------------------------------------------------------------------

def test_hang_and_crash_fail_alone_with_their_last_events(tmp_path, variant_drivers):
    folder = scripts(tmp_path, ok=SEED,
                     hang="insmod hang.ko\nmknod /dev/hang c 241 0\n./testled_app /dev/hang 1 2\n",
                     oops="insmod nullderef.ko\nmknod /dev/nd c 240 0\n./testled_app /dev/nd 1 2\n")
    for name in ("hang", "nullderef"):
        shutil.copy(variant_drivers[name], folder)
    started = time.monotonic()
    proc = cli("test", str(folder), "-j", "2", "--timeout", "1", "--junit", str(tmp_path / "r.xml"))
    assert time.monotonic() - started < 30
    out = lines(proc)
    assert proc.returncode == 1
    assert out[0].startswith("FAIL") and "hang.board: line 3 (./testled_app /dev/hang 1 2): " \
        "exit status 3: timeout: ./testled_app did not finish within 1 s (PC at hang_ioctl" in out[0]
    assert out[1] == "PASS " + str(folder / "ok.board")
    assert out[2].startswith("FAIL") and "kernel oops" in out[2] and "nullderef_ioctl" in out[2]
    assert out[-1] == "1 passed, 2 failed"
    hang_block = proc.stdout.split("---- FAIL")[1]
    assert "last events:" in hang_block and "[line 3] syscall" in hang_block
    root = ET.parse(tmp_path / "r.xml").getroot()
    types = {c.get("name"): c.find("failure").get("type") for c in root.iter("testcase")
             if c.find("failure") is not None}
    assert types == {"hang": "crash or timeout", "oops": "crash or timeout"}


def _work(task):
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "wedge":
        time.sleep(60)
    return f"done {task}"


def test_a_dying_or_wedged_worker_fails_only_its_script():
    tasks = ["a", "die", "b", "wedge", "c"]
    deadline = lambda task: 1.5  # noqa: E731
    lost = lambda task, reason: f"lost {task}: {reason}"  # noqa: E731
    started = time.monotonic()
    results = list(run_parallel(tasks, 2, _work, deadline, lost))
    assert time.monotonic() - started < 20
    assert results[0] == "done a" and results[2] == "done b" and results[4] == "done c"
    assert results[1] == "lost die: the worker process died (killed by signal 9) " \
                         "while running this script"
    assert results[3] == "lost wedge: the worker process did not finish this script in " \
                         "time and was killed"


# -- the ci-example firmware repository ---------------------------------------------------

@pytest.mark.skipif(shutil.which("arm-linux-gnueabi-gcc") is None,
                    reason="arm-linux-gnueabi-gcc not installed (.ci/run installs it)")
def test_ci_example_builds_and_passes_its_ci_job(tmp_path):
    example = tmp_path / "ci-example"
    shutil.copytree(ROOT / "firmware" / "ci-example", example,
                    ignore=shutil.ignore_patterns("*.ko", "*.o", "*.mod.c", "ledctl", "report.xml"))
    subprocess.run(["make", "-s", "images", f"SDK={ROOT / 'firmware' / 'sdk'}"], cwd=example,
                   check=True, capture_output=True)
    proc = cli("test", "tests/board", "-j", "4", "--junit", "report.xml", cwd=example)
    assert proc.returncode == 0, proc.stdout
    assert lines(proc)[-1] == "2 passed, 0 failed"
    cases = ET.parse(example / "report.xml").getroot().iter("testcase")
    assert sorted(c.get("name") for c in cases) == ["chase", "leds"]


def test_junit_survives_control_characters_in_guest_output(tmp_path):
    from emulator.runner import junit
    from emulator.runner.script import ScriptResult

    result = ScriptResult("t/x.board", "t", "x", output="\x1b[31mred\x00\x07 done")
    result.fail(1, "failed", "expectation failed: \x01")
    junit.write([result], 0.1, tmp_path / "r.xml")
    case = ET.parse(tmp_path / "r.xml").getroot().find("testsuite/testcase")
    assert "\\x1b[31mred\\x00\\x07 done" in case.find("system-out").text
    assert case.find("failure").get("message") == "expectation failed: \\x01"
