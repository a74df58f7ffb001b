"""binfmt_script's `#!` parsing (fs/binfmt_script.c, 3.14): interpreter and at most one
argument from the first line, within BINPRM_BUF_SIZE."""

from emulator.kernel.exec import BINPRM_BUF_SIZE, parse_shebang


def test_interpreter_alone_and_with_one_argument():
    assert parse_shebang(b"#!/bin/sh\necho\n") == ("/bin/sh", None)
    assert parse_shebang(b"#! /bin/sh -e \n") == ("/bin/sh", "-e")
    assert parse_shebang(b"#!\t/usr/bin/env\tsh -x -v\n") == ("/usr/bin/env", "sh -x -v")


def test_not_a_script_or_no_interpreter():
    assert parse_shebang(b"\x7fELF") is None
    assert parse_shebang(b"#!   \n/bin/sh\n") is None
    assert parse_shebang(b"# !/bin/sh\n") is None


def test_line_is_cut_at_the_buffer_size():
    long_arg = b"a" * 300
    name, arg = parse_shebang(b"#!/bin/sh " + long_arg + b"\n")
    assert name == "/bin/sh" and len(arg) == BINPRM_BUF_SIZE - 1 - len(b"#!/bin/sh ")
