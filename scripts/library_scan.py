#!/usr/bin/env python3
"""The library, timed as a person meets it (issue 26), whole process:

- cold scan: `longform list DIR` with an empty config dir (no library
  cache, so every file is read), on a shelf of 2,000 generated articles of
  100 KiB (about 200 MB: twenty distinct articles under a hundred names
  each, in 40 folders), from start to exit;
- warm scan: the same, run again with the cache the cold run wrote;
- first screen: `longform DIR` in a 120x40 pseudo-terminal that answers
  the terminal's queries (DA1, OSC 11) as a terminal does, with an empty
  config dir (a cold scan behind it) whose `theme` is set, from start until
  the library's heading has been written; and whether the heading showed
  the scan's progress (`Scanning N/2000`) meanwhile.

Prints the median and the range of RUNS runs (default 5). The shelf is
written once to SHELF (default a folder in the temporary directory), with
the `gen` example:

    cargo build --release --locked --example gen
    cargo build --release --locked
    python3 scripts/library_scan.py
"""
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
BINARY = os.environ.get("BINARY") or os.path.join(TARGET, "release", "longform")
GEN = os.path.join(TARGET, "release", "examples", "gen")
# What the reader may ask the terminal, and a terminal's answers: the
# background colour (OSC 11) and the device attributes (DA1).
QUERIES = {
    b"\x1b]11;?\x1b\\": b"\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\",
    b"\x1b]11;?\x07": b"\x1b]11;rgb:1e1e/1e1e/1e1e\x07",
    b"\x1b[c": b"\x1b[?62;22c",
}
ARTICLES = 2000
DISTINCT = 20
# The seed the benchmarks use (`testgen::SEED`), then the next ones.
SEED = 0x6C6F_6E67_666F_726D


def shelf():
    root = os.environ.get("SHELF") or os.path.join(
        tempfile.gettempdir(), "longform-library-shelf"
    )
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return root
    shutil.rmtree(root, ignore_errors=True)
    texts = [
        subprocess.run(
            [GEN, "100k", str(SEED + i)], check=True, capture_output=True
        ).stdout
        for i in range(DISTINCT)
    ]
    for n in range(ARTICLES):
        folder = os.path.join(root, f"shelf-{n % 40:02}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"article-{n:04}.md"), "wb") as f:
            f.write(texts[n % DISTINCT])
    open(done, "w").close()
    return root


def config_dir():
    config = tempfile.mkdtemp(prefix="longform-library-")
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write('theme = "dark"\n')
    return config


def list_run(root, config):
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config)
    start = time.monotonic()
    subprocess.run(
        [BINARY, "list", root], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.monotonic() - start


def first_screen(root):
    config = config_dir()
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", 40, 120, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
        os.execve(BINARY, ["longform", root], env)
    seen = b""
    took = None
    progress = False
    while time.monotonic() - start < 10:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        seen += chunk
        # Answer the terminal queries as a terminal does (a query split
        # over two reads is found in what came before): a terminal that
        # never answers holds the first screen up to `background::WAIT`.
        tail = seen[-len(chunk) - 16 :]
        for query, answer in QUERIES.items():
            if query in tail:
                os.write(fd, answer)
        if took is None and b"Library" in seen:
            took = time.monotonic() - start
        if b"Scanning" in seen and b"/2000" in seen:
            progress = True
        if took is not None and progress:
            break
    os.write(fd, b"q")
    time.sleep(0.05)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    shutil.rmtree(config, ignore_errors=True)
    return took, progress


def summary(name, seconds):
    ms = sorted(s * 1000 for s in seconds if s is not None)
    if not ms:
        print(f"{name}: never")
        return
    print(
        f"{name}: median {statistics.median(ms):.0f} ms, "
        f"{ms[0]:.0f}-{ms[-1]:.0f} ms over {len(ms)} runs"
    )


def main():
    runs = int(os.environ.get("RUNS", "5"))
    root = shelf()
    cold, warm, frames, progress = [], [], [], []
    for _ in range(runs):
        config = config_dir()
        cold.append(list_run(root, config))
        warm.append(list_run(root, config))
        shutil.rmtree(config, ignore_errors=True)
        took, shown = first_screen(root)
        frames.append(took)
        progress.append(shown)
    summary(f"cold scan of {ARTICLES} articles (list)", cold)
    summary("warm scan (list)", warm)
    summary("library's first screen (cold)", frames)
    print(f"progress line shown: {sum(progress)} of {runs} runs")


if __name__ == "__main__":
    main()
