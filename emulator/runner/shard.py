"""`--shard K/N`: which scripts this CI job runs when a job matrix splits a suite N ways.

A script belongs to shard ``1 + (sha1(path) mod N)``, its path as the runner shows it
(relative to the working directory, '/'-separated): the same on every runner of a matrix
checked out alike, whatever the order the files were given in, and independent of -j. Every
script lands in exactly one shard.
"""

import hashlib

from ..errors import InputError
from .script import shown_path


def parse(text):
    """(K, N) from "K/N", 1 <= K <= N; InputError (one line) otherwise."""
    k, sep, n = text.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit():
        raise InputError(f"--shard {text}: expected K/N, e.g. 2/4 (this is job K of N)")
    k, n = int(k), int(n)
    if not 1 <= k <= n:
        raise InputError(f"--shard {text}: K must be between 1 and N")
    return k, n


def shard_of(script, total):
    """The shard (1..total) ``script`` belongs to."""
    key = shown_path(script).replace("\\", "/").encode("utf-8", "surrogateescape")
    return 1 + int.from_bytes(hashlib.sha1(key).digest()[:8], "big") % total


def select(scripts, shard):
    """The scripts of shard (K, N), in their given order."""
    k, n = shard
    return [s for s in scripts if shard_of(s, n) == k]
