#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run every tests/qemu/test_*.py (or the files given), NVMETK_JOBS at a time
(default 2), and print each file's protocol lines when it finishes.

A test file that exits nonzero without printing a FAIL line, or prints no
PASS/FAIL/SKIP line at all, gets a FAIL line of its own.
"""
import concurrent.futures
import glob
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FILE_TIMEOUT = int(os.environ.get("NVMETK_FILE_TIMEOUT", "900"))
print_lock = threading.Lock()


def run_file(path):
    name = os.path.splitext(os.path.basename(path))[0]
    t0 = time.monotonic()
    try:
        p = subprocess.run([sys.executable, path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=FILE_TIMEOUT, cwd=HERE)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        rc = "timeout after %ds" % FILE_TIMEOUT
    lines = out.rstrip("\n").split("\n") if out.strip() else []
    has_fail = any(l.startswith("FAIL ") for l in lines)
    has_any = any(l.startswith(("PASS ", "FAIL ", "SKIP ")) for l in lines)
    extra = []
    if (rc != 0 and not has_fail) or not has_any:
        tail = "\n".join("    | " + l for l in lines[-20:])
        extra.append("FAIL qemu/%s: test file exited with status %s%s\n%s" %
                     (name, rc, "" if has_any else " and printed no result", tail))
    with print_lock:
        for l in lines + extra:
            print(l)
        sys.stdout.flush()
    return time.monotonic() - t0


def main():
    files = [os.path.abspath(f) for f in sys.argv[1:]] or sorted(glob.glob(os.path.join(HERE, "test_*.py")))
    jobs = max(1, int(os.environ.get("NVMETK_JOBS", "2")))
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        list(ex.map(run_file, files))
    sys.stderr.write("qemu tier: %d test files in %.0fs\n" % (len(files), time.monotonic() - t0))


if __name__ == "__main__":
    main()
