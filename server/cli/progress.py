"""A progress bar for long command-line operations (install, dump, restore).

On a terminal it redraws one line ``label [#####.....] 3/7 step``; elsewhere (pipes, CI logs) it
prints nothing, so output stays clean.

    with progress_bar("installing") as progress:
        progress(done, total, "base")
"""
import contextlib
import shutil
import sys

BAR_WIDTH = 30


class ProgressBar:
    """Draws on ``stream`` when it is a terminal."""

    def __init__(self, label, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.drawn = False

    def __call__(self, done, total, step=""):
        if not self.enabled:
            return
        total = max(total, 1)
        filled = int(BAR_WIDTH * min(done, total) / total)
        line = f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {step}"
        width = shutil.get_terminal_size((80, 20)).columns
        self.stream.write("\r" + line[:width - 1].ljust(width - 1))
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


@contextlib.contextmanager
def progress_bar(label, stream=None):
    """A :class:`ProgressBar` for the duration of the block (the line is ended afterwards)."""
    bar = ProgressBar(label, stream)
    try:
        yield bar
    finally:
        bar.close()
