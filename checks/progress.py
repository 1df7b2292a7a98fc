"""A minimal progress bar on standard error, shown only for work longer than a couple of seconds."""

import sys
import time


class Progress:
    """``Progress(total, label)``; ``advance()`` per item; ``close()`` at the end.

    Nothing is drawn until ``delay`` seconds have passed, and nothing at all when ``enabled`` is
    false or standard error is not a terminal (so logs and captured output stay clean). ``start``
    items count as done from the beginning (a resumed sweep's finished cells): they show in
    done/total but not in the rate that estimates the time left.
    """

    def __init__(self, total, label, *, enabled=True, delay=2.0, stream=None, start=0):
        self.total = max(int(total), 0)
        self.start = int(start)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.delay = delay
        self.done = self.start
        self.started = time.perf_counter()
        self.drawn = False

    def advance(self, count=1):
        self.done += count
        elapsed = time.perf_counter() - self.started
        if not self.enabled or elapsed < self.delay:
            return
        rate = (self.done - self.start) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total} {elapsed:.0f}s elapsed, ~{left:.0f}s left ")
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
