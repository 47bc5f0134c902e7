#!/usr/bin/env python3
"""Time from start to the reader's first frame, whole process, as the
README's "Whole process" paragraph gives it.

Starts the release build on each article inside a 120x40 pseudo-terminal
with a throwaway config dir whose `theme` and `images` are set (so the
terminal is not asked for its background or its graphics), and times until the status bar of the first
frame has been written. Prints the median and the range of RUNS runs
(default 10).

    cargo build --release --locked
    cargo run --release --example gen -- 10m > /tmp/gen10mb.md
    python3 scripts/first_frame.py /tmp/gen10mb.md
"""
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import tempfile
import termios
import time

BINARY = os.environ.get("BINARY") or os.path.join(
    os.path.dirname(__file__), "..", "target", "release", "longform"
)
# The status bar ends with the time left, or says the end is on screen.
STATUS = (b" min", b"end")


def once(path):
    config = tempfile.mkdtemp(prefix="longform-frame-")
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write('theme = "dark"\nimages = "halfblocks"\n')
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", 40, 120, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
        os.execve(BINARY, ["longform", path], env)
    seen = b""
    took = None
    while time.monotonic() - start < 10:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if not ready:
            continue
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if any(s in seen for s in STATUS):
            took = time.monotonic() - start
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
    return took


def main():
    runs = int(os.environ.get("RUNS", "10"))
    for path in sys.argv[1:]:
        times = [once(path) for _ in range(runs)]
        ms = sorted(t * 1000 for t in times if t is not None)
        if not ms:
            print(f"{path}: no frame within 10 s")
            continue
        print(
            f"{path}: median {statistics.median(ms):.0f} ms, "
            f"{ms[0]:.0f}-{ms[-1]:.0f} ms over {len(ms)} runs"
        )


if __name__ == "__main__":
    main()
