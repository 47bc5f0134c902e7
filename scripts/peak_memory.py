#!/usr/bin/env python3
"""Peak memory of the reader on articles, as the README's table gives it.

Opens each article in the release build inside a 120x40 pseudo-terminal
with a throwaway config dir, waits 1.5 s (a 10 MB article is parsed in
about 0.4 s; WAIT=seconds to change it) and then until the peak has not
moved for a second, and reads the process's VmHWM. With QUERY set, it then
types `/QUERY` one key at a time and Enter, as a reader does, and reads
VmHWM again.

    cargo build --release --locked
    cargo run --release --example gen -- 10m > /tmp/gen10mb.md
    python3 scripts/peak_memory.py /tmp/gen10mb.md
    QUERY=e python3 scripts/peak_memory.py /tmp/gen10mb.md

With CAT=1 it measures `longform cat --width 80` of each article instead
(the whole process's peak, into /dev/null). The shapes issue 20 found
costly, which must stay under 5x their size:

    cargo run --release --example gen -- table30m > /tmp/table30m.md
    cargo run --release --example gen -- table200k > /tmp/table200k.md
    cargo run --release --example gen -- footnotes > /tmp/footnotes.md
    CAT=1 python3 scripts/peak_memory.py /tmp/table30m.md /tmp/table200k.md
    python3 scripts/peak_memory.py /tmp/table200k.md /tmp/footnotes.md
"""
import fcntl
import os
import pty
import subprocess
import select
import shutil
import struct
import sys
import tempfile
import termios
import time

BINARY = os.environ.get("BINARY") or os.path.join(os.path.dirname(__file__), "..", "target", "release", "longform")


def pump(fd, seconds):
    """Read and drop the terminal's output for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def hwm_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(status.read().split("VmHWM:")[1].split()[0])


def measure(path, query):
    config = tempfile.mkdtemp(prefix="longform-mem-")
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", 40, 120, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
        os.execve(BINARY, ["longform", path], env)
    pump(fd, float(os.environ.get("WAIT", "1.5")))
    # On a busy machine the parse may not be done yet: wait on until the
    # peak has not moved for a second (at most 60 s).
    opened = hwm_kib(pid)
    for _ in range(60):
        pump(fd, 1.0)
        now = hwm_kib(pid)
        if now == opened:
            break
        opened = now
    searched = None
    if query:
        os.write(fd, b"/")
        pump(fd, 0.2)
        for c in query:
            os.write(fd, c.encode())
            pump(fd, 0.3)
        os.write(fd, b"\r")
        pump(fd, 0.5)
        searched = hwm_kib(pid)
        os.write(fd, b"\x1b")
        pump(fd, 0.2)
    os.write(fd, b"q")
    pump(fd, 0.3)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    shutil.rmtree(config, ignore_errors=True)
    return opened, searched


def measure_cat(path):
    """Peak resident memory of `longform cat` of `path`, in KiB."""
    config = tempfile.mkdtemp(prefix="longform-mem-")
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config)
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen([BINARY, "cat", "--width", "80", path], stdout=null, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    shutil.rmtree(config, ignore_errors=True)
    if status != 0:
        raise SystemExit(f"{path}: cat failed ({status})")
    return usage.ru_maxrss


def main():
    query = os.environ.get("QUERY", "")
    for path in sys.argv[1:]:
        size = os.path.getsize(path)
        if os.environ.get("CAT"):
            peak = measure_cat(path)
            print(f"{path}: cat {peak / 1024:.1f} MiB, {peak * 1024 / size:.2f}x")
            continue
        opened, searched = measure(path, query)
        line = f"{path}: {opened / 1024:.1f} MiB, {opened * 1024 / size:.2f}x"
        if searched is not None:
            line += f"; after /{query}: {searched / 1024:.1f} MiB, {searched * 1024 / size:.2f}x"
        print(line)


if __name__ == "__main__":
    main()
