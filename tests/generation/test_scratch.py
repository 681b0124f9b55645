"""A worker killed mid-run cannot clean up its export of the records (personal data):
the next run removes the exports of processes that no longer exist, and only those."""

import os
import subprocess
import sys

from generation.computation import _scratch_folder


def test_exports_of_dead_processes_are_removed_and_live_ones_kept(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "generation-scratch"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    left = folder / f"records-{dead_pid}-abc.csv"
    live = folder / f"records-{os.getppid()}-def.csv"  # the process that started the tests
    own = folder / f"records-{os.getpid()}-ghi.csv"
    other = folder / "notes.txt"
    for path in (left, live, own, other):
        path.write_text("x")
    assert _scratch_folder() == folder
    assert not left.exists()
    assert live.exists() and own.exists() and other.exists()
