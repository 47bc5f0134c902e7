#!/usr/bin/env python3
"""Longform against `less` (and `mdcat -p` when it is installed), as a
person meets them, in the same run: README's "Performance" table.

Each program runs on the article in a 120x40 pseudo-terminal that answers
the terminal queries as a terminal does (the background colour, OSC 11,
and the device attributes, DA1), with a throwaway config dir and the
default config (so longform asks for the background). The runs of the
programs alternate, RUNS times (default 9), and the median and the range
of each are printed, with the ratio of the medians.

    cargo build --release --locked
    cargo run --release --example gen -- 10m > /tmp/gen10mb.md
    python3 scripts/vs_less.py /tmp/gen10mb.md            # every measure
    python3 scripts/vs_less.py /tmp/gen10mb.md launch end # some of them
    python3 scripts/vs_less.py /tmp/gen10mb.md percent heading

On a machine shared with other work, AUTOGROUP_NICE=-20 (as root, with
the kernel's autogroups) gives each program measured the scheduler's
weight of a program alone on the machine, for both programs alike.

TERMINAL=tmux runs each program in a pane of a private tmux server at
120x40 instead (issue 26 measured in tmux): tmux reads the keys, answers
the queries it knows and takes in the output, and the script, attached in
control mode, is told of the output as the pane shows it. AFTER_MS=N
sends the keys N milliseconds after the first screen rather than at once
(`50%` pressed while the rest of the article is read and parsed).

    TERMINAL=tmux python3 scripts/vs_less.py /tmp/gen10mb.md percent
    AFTER_MS=100 python3 scripts/vs_less.py /tmp/gen10mb.md percent

Measures:
- launch: from the start of the process until the first screen is
  written (longform: its status bar; less: its prompt);
- end, G right after the first screen: from the key until the end of the
  article is shown (longform: 100% in the status bar; less: (END));
- search, longform only: `/` then one letter, right after the first
  screen: from the letter until the prompt shows the count of matches;
- percent, `50%` right after the first screen: from the keys until the
  middle of the article is shown (longform: about 50% in the status bar,
  written with the text of its frame; less: the line after the one at
  half the file's bytes, which it writes in the first burst of its
  screen: its prompt follows some 55 ms later and is not waited for);
- heading, a jump to the last heading of the article (in its last tenth)
  right after the first screen: longform opens the outline, goes to its
  last entry and follows it (`t`, `G`, Enter, sent at once), from the
  keys until the status bar says 90% or more; less searches for the
  heading's line (`/^heading$`, then Enter), from Enter until the line
  after the heading is shown.
"""
import fcntl
import os
import pty
import re
import select
import shutil
import statistics
import subprocess
import struct
import sys
import tempfile
import termios
import time

BINARY = os.environ.get("BINARY") or os.path.join(
    os.path.dirname(__file__), "..", "target", "release", "longform"
)
ROWS, COLS = 40, 120
QUERIES = {
    b"\x1b]11;?\x1b\\": b"\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\",
    b"\x1b]11;?\x07": b"\x1b]11;rgb:1e1e/1e1e/1e1e\x07",
    b"\x1b[c": b"\x1b[?62;22c",
}
# The status bar ends with the time left, or says the end is on screen.
LONGFORM_FRAME = re.compile(rb" min|end ")


class Term:
    """A program in a pseudo-terminal that answers queries as it writes."""

    def __init__(self, argv, env):
        self.start = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            size = struct.pack("HHHH", ROWS, COLS, 0, 0)
            fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, size)
            nice = os.environ.get("AUTOGROUP_NICE")
            if nice:
                # The child leads a session of its own, and so a scheduler
                # group of its own, whose weight this sets.
                with open("/proc/self/autogroup", "w") as group:
                    group.write(nice)
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.seen = b""
        self.mark = 0

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.seen += chunk
        for query, answer in QUERIES.items():
            # A query split over two reads is found in what came before.
            tail = self.seen[-len(chunk) - len(query) + 1 :]
            if query in tail:
                os.write(self.fd, answer)
        return True

    def until(self, pattern, limit=10.0):
        """Seconds since the last `send` (or start) until `pattern` is
        written after it; None if it never is."""
        begin = self.sent if self.mark else self.start
        while time.monotonic() - begin < limit:
            self.read(0.005)
            if pattern.search(self.seen, self.mark):
                return time.monotonic() - begin
        return None

    def send(self, keys):
        self.mark = len(self.seen)
        self.sent = time.monotonic()
        os.write(self.fd, keys)

    def settle(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.005)

    def close(self, quit_keys=b"q"):
        try:
            os.write(self.fd, quit_keys)
        except OSError:
            pass
        time.sleep(0.05)
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


class TmuxTerm(Term):
    """A program in the pane of a private tmux server at 120x40, as a
    person running it in tmux meets it: tmux reads the keys, answers the
    terminal queries it knows, and puts the program's output on its
    screen. A control-mode client (`tmux -C`) is told each piece of output
    as tmux takes it in, which is when the pane shows it; keys go in with
    `send-keys`. Reads on as `Term` does (`until`, `settle`)."""

    count = 0

    def __init__(self, argv, env):
        TmuxTerm.count += 1
        self.socket = f"vs-less-{os.getpid()}-{TmuxTerm.count}"
        env = {k: v for k, v in env.items() if k not in ("TERM", "TMUX")}
        self.tmux = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        subprocess.run(
            self.tmux + ["new-session", "-d", "-x", str(COLS), "-y", str(ROWS),
                         "-s", "m", "sleep 100000", ";",
                         "set", "-g", "status", "off", ";",
                         "set", "-g", "window-size", "manual"],
            env=dict(env, TERM="xterm-256color"), check=True,
        )
        self.control = subprocess.Popen(
            self.tmux + ["-C", "attach", "-t", "m"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        self.fd = self.control.stdout.fileno()
        self.pending = b""
        self.seen = b""
        self.mark = 0
        # The client is attached once it has answered a first command.
        self.command("display-message -p attached")
        while b"attached" not in self.pending:
            select.select([self.fd], [], [], 1.0)
            self.pending += os.read(self.fd, 1 << 16)
        self.pending = b""
        quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
        self.start = time.monotonic()
        self.command(f"respawn-pane -k -t m {quoted}")

    def command(self, line):
        self.control.stdin.write(line.encode() + b"\n")
        self.control.stdin.flush()

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return False
        self.pending += chunk
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            if line.startswith(b"%output "):
                data = line.split(b" ", 2)[2] if line.count(b" ") >= 2 else b""
                self.seen += re.sub(
                    rb"\\([0-7]{3}|\\)",
                    lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1), 8)]),
                    data,
                )
        return True

    def send(self, keys):
        self.mark = len(self.seen)
        self.sent = time.monotonic()
        self.command("send-keys -t m -H " + " ".join(f"{b:02x}" for b in keys))

    def close(self, quit_keys=b"q"):
        try:
            self.command("send-keys -t m -H " + " ".join(f"{b:02x}" for b in quit_keys))
            time.sleep(0.05)
        except OSError:
            pass
        subprocess.run(self.tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        try:
            self.control.wait(5)
        except subprocess.TimeoutExpired:
            self.control.kill()


def environment(config):
    env = dict(os.environ, LONGFORM_CONFIG_DIR=config, TERM="xterm-256color")
    for var in ("LESSOPEN", "LESSCLOSE", "LESS", "NO_COLOR"):
        env.pop(var, None)
    return env


class Program:
    def __init__(self, name, argv, frame, end):
        self.name, self.argv = name, argv
        self.frame, self.end = frame, end


def programs(path):
    base = re.escape(os.path.basename(path).encode())
    out = [
        Program(
            "longform",
            [os.path.abspath(BINARY), path],
            LONGFORM_FRAME,
            re.compile(rb"100%"),
        ),
        Program(
            "less",
            [shutil.which("less") or "/usr/bin/less", path],
            re.compile(base),
            re.compile(rb"\(END\)"),
        ),
    ]
    mdcat = shutil.which("mdcat")
    if mdcat:
        out.append(
            Program(
                "mdcat -p",
                [mdcat, "-p", path],
                re.compile(base + rb"|:"),
                re.compile(rb"\(END\)"),
            )
        )
    return out


def last_heading(path):
    """The last ATX heading outside fenced code, with the first line of
    text after it."""
    heading, after, fence = None, None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            stripped = line.lstrip(" ")
            marker = stripped[:3]
            if fence:
                if stripped.startswith(fence):
                    fence = None
                continue
            if marker in ("```", "~~~"):
                fence = marker
                continue
            if re.match(r"#{1,6} ", line):
                heading, after = line, None
            elif heading and after is None and line.strip():
                after = line
    return heading, after


def middle_line(path):
    """The first whole line of text after the middle byte of the file."""
    with open(path, "rb") as f:
        f.seek(os.path.getsize(path) // 2)
        f.readline()
        for line in f:
            if line.strip():
                return line.rstrip(b"\n")
    return b""


def shown(text):
    """A pattern for the start of a line of `text` as `less` shows it."""
    return re.compile(re.escape(text[:30]))


def once(program, measure, path):
    # What the measure looks for is found before the program starts: the
    # keys go right after the first screen (reading 10 MB here took
    # 100 ms, in which the program went on with its work).
    if measure == "heading":
        heading, after = last_heading(path)
        if heading is None or after is None:
            raise SystemExit(f"{path}: no heading with text after it")
    middle = middle_line(path) if measure == "percent" else b""
    config = tempfile.mkdtemp(prefix="longform-vs-")
    kind = TmuxTerm if os.environ.get("TERMINAL") == "tmux" else Term
    term = kind(program.argv, environment(config))
    try:
        first = term.until(program.frame)
        if measure == "launch" or first is None:
            return first
        # Keys pressed a while after the first screen (`AFTER_MS`), not
        # right after it.
        term.settle(float(os.environ.get("AFTER_MS", "0")) / 1000)
        if measure == "end":
            term.send(b"G")
            return term.until(program.end)
        if measure == "percent":
            term.send(b"50%")
            if program.name == "longform":
                return term.until(re.compile(rb"(?<![0-9])(4[5-9]|5[0-5])%"))
            return term.until(shown(middle))
        if measure == "heading":
            if program.name == "longform":
                term.send(b"tG\r")
                return term.until(re.compile(rb"(?<![0-9])(9[0-9]|100)%"))
            pattern = "^" + re.sub(r"([][.*+?(){}|^$\\])", r"\\\1", heading) + "$"
            term.send(b"/" + pattern.encode())
            term.settle(0.05)
            term.send(b"\r")
            return term.until(shown(after.encode()))
        if measure == "search":
            term.send(b"/")
            term.until(re.compile(rb"Search"), 5.0)
            term.settle(0.05)
            term.send(b"t")
            # The prompt shows the count of matches, or that it is being
            # counted, with the screen's matches highlighted.
            return term.until(re.compile(rb"\d+ match|no match|counting"))
        raise SystemExit(f"unknown measure {measure}")
    finally:
        term.close(b"\x1bq" if measure == "search" else b"q")
        shutil.rmtree(config, ignore_errors=True)


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    path = args[0]
    measures = args[1:] or ["launch", "end", "percent", "heading", "search"]
    runs = int(os.environ.get("RUNS", "9"))
    print(f"{path}, {os.path.getsize(path) / 1e6:.1f} MB; load {os.getloadavg()[0]:.2f}")
    for measure in measures:
        progs = programs(path)
        if measure == "search":
            progs = progs[:1]
        times = {p.name: [] for p in progs}
        for _ in range(runs):
            for p in progs:
                t = once(p, measure, path)
                if t is not None:
                    times[p.name].append(t * 1000)
        medians = {}
        for name, ms in times.items():
            if not ms:
                print(f"  {measure:7} {name:9} never")
                continue
            ms.sort()
            medians[name] = statistics.median(ms)
            print(
                f"  {measure:7} {name:9} median {medians[name]:6.1f} ms "
                f"({ms[0]:.1f}-{ms[-1]:.1f}, {len(ms)} runs)"
            )
        if "longform" in medians and "less" in medians:
            print(f"  {measure:7} ratio     {medians['longform'] / medians['less']:.2f}x less")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
