#!/usr/bin/env python3
"""Test vectors for KOReader's document key, `util.partialMD5`.

KOReader's definition (frontend/util.lua) hashes, with one MD5, the 1 KiB
samples read at `bit.lshift(1024, 2*i)` for i = -1 .. 10, stopping at the
first offset where nothing is left to read. LuaJIT's `bit.lshift` works on
32-bit integers and takes the shift count modulo 32, so the i = -1 offset is
1024 << 30, truncated: 0. The offsets are 0, 1 KiB, 4 KiB, ... 1 GiB.

This script reimplements that definition independently of the Rust code and
prints, for each test input, its length and its key. The inputs are the
bytes `sample(n)` below, which `src/sync/digest.rs` builds the same way.
It was run once to make the vectors in that file's tests:

    python3 scripts/partial_md5_vectors.py
"""
import hashlib


def lshift32(x, n):
    """LuaJIT's bit.lshift: 32-bit, shift count modulo 32, signed result."""
    v = (x << (n & 31)) & 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def partial_md5(data):
    md5 = hashlib.md5()
    step, size = 1024, 1024
    for i in range(-1, 11):
        offset = lshift32(step, 2 * i)
        sample = data[offset:offset + size]
        if not sample:  # file:read returns nil at the end of the file
            break
        md5.update(sample)
    return md5.hexdigest()


def sample(n):
    """Deterministic bytes that differ at every offset the key reads."""
    return bytes(((i * 31) ^ (i >> 10)) & 0xFF for i in range(n))


LENGTHS = [0, 1, 1023, 1024, 1025, 2048, 4096, 4097, 5120, 16384, 17000,
           65536, 70000, 262144, 300000, 1048576, 1100000, 4194304, 4200000]

if __name__ == "__main__":
    for n in LENGTHS:
        print(f"({n}, \"{partial_md5(sample(n))}\"),")
