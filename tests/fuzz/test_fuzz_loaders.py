"""Property: no corrupt .ko or program makes the loaders raise anything but a LoaderError."""

from hypothesis import given

from tests.e2e.helpers import ROOT
from tests.fuzz import targets
from tests.fuzz.bookkeeping import count_case, save_reproducer
from tests.fuzz.mutate import corrupt

PREBUILT = ROOT / "firmware" / "prebuilt"
KO = (PREBUILT / "leddrv.ko").read_bytes()
APP = (PREBUILT / "testled_app").read_bytes()


def _check(name, target, data):
    count_case()
    try:
        target(data)
    except Exception:
        save_reproducer(name, data)
        raise


@given(corrupt(KO))
def test_module_loader(data):
    _check("module.ko", targets.load_module, data)


@given(corrupt(APP))
def test_program_loader(data):
    _check("program.elf", targets.load_app, data)
