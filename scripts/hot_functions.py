#!/usr/bin/env python3
"""The functions reading an article runs, for `link/hot-functions.txt`
(see `build.rs`): the release binary is run under valgrind's callgrind in
a 120x40 pseudo-terminal on each article given, as a reader uses it (the
first screen, `50%`, `G`, back to the start, a page, a search, the
outline, a link followed, then quitting once the whole is parsed), and
every function of the binary that ran is listed, the most run first.
Each article is run `RUNS` times (default 2), and a function that ran in
any of them is listed: under valgrind, what the reader reaches before it
quits depends on timing.

    cargo build --release --locked
    cargo run --release --example gen -- 10m > /tmp/gen10mb.md
    cargo run --release --example gen -- footnotes > /tmp/footnotes.md
    cargo run --release --example gen -- table200k > /tmp/table200k.md
    python3 scripts/hot_functions.py /tmp/gen10mb.md /tmp/footnotes.md \\
        /tmp/table200k.md > link/hot-functions.txt
    cargo build --release --locked    # linked in that order

The names are the binary's own (mangled), which hold a hash of the crate
and of the toolchain: make the list again after changing the toolchain,
the profile or the dependencies, or when much of the code changed. A name
the build no longer has is skipped. Takes ten minutes or so (valgrind runs
the reader some fifty times slower); needs valgrind.
"""
import collections
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

BINARY = os.environ.get("BINARY") or os.path.join(
    os.path.dirname(__file__), "..", "target", "release", "longform"
)
# What a reader does: a jump to the middle and to the end, back to the
# start, a page, a line, a search and its next match, the outline, the
# next link and following it.
KEYS = [b"50%", b"G", b"g", b" ", b"j", b"/the\r", b"n", b"t", b"\x1b", b"\t", b"\r"]
ANSWERS = {
    b"\x1b]11;?": b"\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\",
    b"\x1b[c": b"\x1b[?62;22c",
}


def run(article, out):
    """Run the reader on `article` under callgrind, its profile to `out`."""
    config = tempfile.mkdtemp(prefix="longform-hot-")
    argv = [
        shutil.which("valgrind") or "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        "--dump-line=no",
        "--compress-strings=no",
        "--compress-pos=no",
        "--demangle=no",
        f"--log-file={out}.log",
        BINARY,
        article,
    ]
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", 40, 120, 0, 0)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
        try:
            os.execve(argv[0], argv, env)
        except OSError:
            os._exit(127)

    def pump(seconds):
        """Answer the terminal's queries for `seconds`; false once the
        reader has exited (its profile is written then)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return False
            for query, answer in ANSWERS.items():
                if query in chunk:
                    os.write(fd, answer)
        return True

    try:
        pump(8)
        for keys in KEYS:
            os.write(fd, keys)
            pump(4)
        # The whole article parsed, under valgrind.
        pump(60)
        # Quitting saves the place, which waits for what the reader is
        # still doing: valgrind writes the profile once it has exited.
        # (Escape first: a link followed may have left a question open.)
        os.write(fd, b"\x1b")
        pump(2)
        os.write(fd, b"q")
        pump(300)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
        shutil.rmtree(config, ignore_errors=True)


def text_symbols():
    """The functions of the binary (`nm`), by name."""
    listed = subprocess.run(["nm", BINARY], capture_output=True, text=True, check=True)
    names = set()
    for line in listed.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            names.add(parts[2])
    return names


def costs(profile, names, into):
    """Add each function's own instructions in the callgrind `profile`."""
    if not os.path.exists(profile):
        print(f"no profile in {profile}: that run is left out", file=sys.stderr)
        return
    function = None
    # The cost line after `calls=` is the call's, not the function's own.
    call = False
    with open(profile, errors="replace") as lines:
        for line in lines:
            if line.startswith("fn="):
                function = line[3:].strip()
                if function in names:
                    into[function] += 0
            elif line.startswith("calls="):
                call = True
            elif line.startswith(("cfn=", "cob=", "cfi=", "cfl=")):
                continue
            elif call:
                call = False
            elif function in names and line[:1].isdigit():
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    into[function] += int(parts[1])


def main():
    articles = sys.argv[1:]
    if not articles:
        raise SystemExit(__doc__)
    names = text_symbols()
    ran = collections.Counter()
    runs = int(os.environ.get("RUNS", "2"))
    with tempfile.TemporaryDirectory(prefix="longform-callgrind-") as work:
        for n in range(runs):
            for i, article in enumerate(articles):
                out = os.path.join(work, f"callgrind.{n}.{i}")
                run(article, out)
                costs(out, names, ran)
    for function, _ in ran.most_common():
        print(function)
    print(f"{len(ran)} of {len(names)} functions ran", file=sys.stderr)


if __name__ == "__main__":
    main()
