# SPDX-License-Identifier: BSD-2-Clause
"""runner.py [test_file.py...] [-k SUBSTRING] - runs the sim tests.

Every function test_NAME(t) of tests/sim/test_*.py (or of the files named)
runs once; one line each: "PASS sim/<file>/<name>" or
"FAIL sim/<file>/<name>: <why>". Exit status 1 if any failed.
"""
import importlib.util
import os
import sys
import time
import traceback

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from simtest import Check  # noqa: E402


def main():
    args = sys.argv[1:]
    pick = None
    if "-k" in args:
        i = args.index("-k")
        pick = args[i + 1]
        del args[i:i + 2]
    files = args or sorted(os.path.join(here, f) for f in os.listdir(here)
                           if f.startswith("test_") and f.endswith(".py"))
    failed = 0
    for path in files:
        modname = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        short = modname[len("test_"):]
        for name in sorted(n for n in dir(mod) if n.startswith("test_")):
            full = "sim/%s/%s" % (short, name[len("test_"):])
            if pick and pick not in full:
                continue
            t = Check(full)
            t0 = time.time()
            try:
                getattr(mod, name)(t)
            except Exception:
                t.fail("exception: " + traceback.format_exc().strip().splitlines()[-1])
            dt = time.time() - t0
            if t.failures:
                failed += 1
                print("FAIL %s: %s" % (full, "; ".join(t.failures)))
            else:
                print("PASS %s (%.1f s)" % (full, dt))
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
