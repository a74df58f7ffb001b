"""JUnit XML, as CI systems (Jenkins, GitLab, GitHub actions) read it: one testsuite, one
testcase per script, a <failure> with the failing step and expected vs actual, and the tails
of console and dmesg in <system-out>."""

import datetime
import re
import socket
import xml.etree.ElementTree as ET

from . import report

#: Characters XML 1.0 cannot carry (guest output may contain any byte).
_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text):
    return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _failure_message(result):
    return _clean(report.headline(result))


def _system_out(result):
    parts = []
    if result.output:
        parts.append(f"--- console (tail) ---\n{result.output}")
    if result.dmesg:
        parts.append(f"--- dmesg (tail) ---\n{result.dmesg}")
    parts += [f"note: {note}" for note in result.notes]
    return _clean("\n".join(parts) + "\n")


def build(results, seconds, name="emu4412"):
    """The XML tree of ``results`` (ScriptResult, in order)."""
    failed = sum(not r.passed and r.outcome != "skipped" for r in results)
    skipped = sum(r.outcome == "skipped" for r in results)
    counts = {"tests": str(len(results)), "failures": str(failed), "errors": "0",
              "skipped": str(skipped), "time": f"{seconds:.3f}"}
    root = ET.Element("testsuites", name=name, **counts)
    suite = ET.SubElement(root, "testsuite", name=name, **counts,
                          timestamp=datetime.datetime.now().isoformat(timespec="seconds"),
                          hostname=socket.gethostname())
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=r.classname, name=r.name,
                             file=r.path, time=f"{r.duration:.3f}")
        if r.outcome == "skipped":
            ET.SubElement(case, "skipped", message=_clean(r.message))
        elif not r.passed:
            case.set("line", str(r.line))
            failure = ET.SubElement(case, "failure", type=r.kind, message=_failure_message(r))
            failure.text = _clean(r.details or r.message)
        ET.SubElement(case, "system-out").text = _system_out(r)
    return ET.ElementTree(root)


def write(results, seconds, path, name="emu4412"):
    tree = build(results, seconds, name)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
