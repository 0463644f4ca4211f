#!/usr/bin/python3
"""run_node_tests.py - runs a list of ONNX backend node tests through qcc-run.

    run_node_tests.py LIST [--data DIR] [--qcc-run PATH] [-j N] [--timeout S]
                      [--qcc-flag FLAG] [--filter REGEX] [--work-dir DIR]

A thin front end of the conformance harness (test/conformance/conformance.py)
for a hand-picked list of tests: LIST names one test per line (`#` comments;
`test_x  # xfail: reason` marks a known failure). Verdicts, tolerances and the
folding of constant operands are the harness's; see docs/Testing.md. The last
line is `N passed, N failed, N skipped`; the exit status is non-zero when a
test that is not marked xfail fails, or a marked one does not.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))

import conformance  # noqa: E402


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    rest = argv[1:]
    if not any(a == "--data" or a.startswith("--data=") for a in rest):
        rest = ["--data", os.path.join(conformance.DEFAULT_DATA_ROOT, "node")] + rest
    return conformance.main(["--list", argv[0]] + rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
