#!/usr/bin/env python3
"""Runs every integration suite (tests/integration/test_*.py) and ends with one line
"N passed, N failed" that the test command adds to the unit counts.

Each suite starts real processes (ajp-testd, later httpd and Tomcat) on 127.0.0.1 ports it
picks itself; the build directory comes from AJPGATE_BUILD. A pattern argument runs only the
suites whose file name contains it: run.py testd
"""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class CountingResult(unittest.TextTestResult):
    """Prints one line per test with its time, so a slow or hung test is easy to spot."""

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def _line(self, word, test):
        took = time.monotonic() - getattr(self, "_started", time.monotonic())
        self.stream.write(f"{word:5} {test.id()} ({took:.2f}s)\n")
        self.stream.flush()

    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self._line("ok", test)

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self._line("FAIL", test)

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        self._line("ERROR", test)

    def addSkip(self, test, reason):
        unittest.TestResult.addSkip(self, test, reason)
        self._line("SKIP", test)


def main():
    sys.path.insert(0, HERE)
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for name in sorted(os.listdir(HERE)):
        if name.startswith("test_") and name.endswith(".py") and pattern in name:
            suite.addTests(loader.loadTestsFromName(name[:-3]))
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=0, resultclass=CountingResult)
    result = runner.run(suite)
    import harness
    for argv in harness.stop_all():
        print(f"stopped a server a suite left running: {argv}")
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # A skipped check is not a pass: skips are counted as failures so nothing hides behind them.
    failed += len(result.skipped)
    passed = result.testsRun - failed
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
