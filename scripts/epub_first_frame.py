#!/usr/bin/env python3
"""Time from start to the reader's first frame of an EPUB book, whole
process, on first open (the book is converted) and on second open (the
converted text is read from the cache), as the README's EPUB rows give it.

Like first_frame.py, it starts the release build inside a 120x40
pseudo-terminal with a throwaway config dir whose `theme` and `images`
are set (so the reader does not wait for a terminal's answer about its
background and graphics, which this pseudo-terminal never gives), and
times until the status bar of the first frame has been written. A first
open gets a new config dir (so an empty cache) each run; the second opens
share one whose cache a first run filled. Prints the median and the range
of RUNS runs (default 10) of each.

    cargo build --release --locked --example gen
    target/release/examples/gen epub > /tmp/gen2mb.epub
    python3 scripts/epub_first_frame.py /tmp/gen2mb.epub
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


def new_config():
    config = tempfile.mkdtemp(prefix="longform-epub-")
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write('theme = "dark"\nimages = "halfblocks"\n')
    return config


def once(path, config):
    """Seconds to the first frame of `path` with the config dir `config`."""
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", 40, 120, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
        os.execve(BINARY, ["longform", path], env)
    seen = b""
    took = None
    while time.monotonic() - start < 20:
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
    # Let it quit on its own, so that the cache and the record are written
    # as a reader's would be.
    for _ in range(100):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    return took


def report(name, times):
    ms = sorted(t * 1000 for t in times if t is not None)
    if not ms:
        print(f"{name}: no frame within 20 s")
        return
    print(
        f"{name}: median {statistics.median(ms):.0f} ms, "
        f"{ms[0]:.0f}-{ms[-1]:.0f} ms over {len(ms)} runs"
    )


def main():
    runs = int(os.environ.get("RUNS", "10"))
    for path in sys.argv[1:]:
        first = []
        for _ in range(runs):
            config = new_config()
            first.append(once(path, config))
            shutil.rmtree(config, ignore_errors=True)
        report(f"{path} first open (conversion)", first)
        config = new_config()
        once(path, config)
        report(f"{path} second open (cache)", [once(path, config) for _ in range(runs)])
        shutil.rmtree(config, ignore_errors=True)


if __name__ == "__main__":
    main()
