"""ajpgate against the real mod_jk 1.2.48 (the oracle) on the same workers.properties files:
tests/integration/data/modjk_configs/NN-name.properties, each with optional httpd lines in
NN-name.conf (JkMount ...) and an optional NN-name.uriworkermap (then used as JkMountFile).
The first line of each file says what mod_jk was measured to do
(`# expect: starts` or `# expect: refuses`).

For every file:
  - mod_jk: does httpd start? It must match the file's expectation. (mod_jk's `apache2 -t`
    never reads workers.properties, so it must pass whatever the file says.)
  - mod_jk again with a status worker added (JkWorkerProperty lines and `JkMount /jkstatus`,
    unless the file has one in worker.list): the verdict must not change, and when it starts,
    its `cmd=list&mime=prop` output is read with modjk.status_prop().
  - ajpgate: httpd starts exactly when mod_jk's does, and ajpgate's `apache2 -t` agrees with
    its own start.

  - ajpgate's status worker, on every file both start: its `cmd=list&mime=prop` answer must be
    mod_jk's, key for key and in the same order (workers, members, hosts, ports, addresses,
    lbfactors, routes, states, counters, ratings, maps). Masked: times, the server's name and
    port, the version strings, and the two safe defaults ajpgate keeps on purpose when the
    file does not set them (connection_pool_timeout, connect_timeout; README). The number of
    keys compared is printed at the end.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import modjk  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402

# Compare the two status outputs (see the docstring); off only to bisect an accept/reject bug.
COMPARE_MODELS = True

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "modjk_configs")
BASE_CONF = "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel info\n"


def config_files():
    return sorted(f[:-len(".properties")] for f in os.listdir(DATA) if f.endswith(".properties"))


def read(path):
    with open(path, newline="") as f:  # CRLF files stay CRLF
        return f.read()


def expectation(workers):
    first = workers.splitlines()[0].strip()
    match = re.fullmatch(r"# expect: (starts|refuses)", first)
    assert match, "first line must be '# expect: starts' or '# expect: refuses', got " + repr(first)
    return match.group(1) == "starts"


def status_lines(workers):
    """httpd lines that add a status worker at /jkstatus, unless the file has one in worker.list
    (then it is only mounted there). Returns (lines, mount path)."""
    listed = set()
    for line in workers.splitlines():
        match = re.match(r"\s*worker\.list\s*=(.*)", line.split("#", 1)[0])
        if match:
            listed.update(re.split(r"[\s,]+", match.group(1).strip()))
    for line in workers.splitlines():
        match = re.match(r"\s*worker\.([\w-]+)\.type\s*=\s*status\s*$", line.split("#", 1)[0])
        if match and match.group(1) in listed:
            return f"JkMount {modjk.STATUS_PATH} {match.group(1)}\n"
    name = modjk.STATUS_WORKER
    return (f"JkWorkerProperty worker.list={name}\nJkWorkerProperty worker.{name}.type=status\n"
            f"JkMount {modjk.STATUS_PATH} {name}\n")


class DifferentialTest(unittest.TestCase):
    compared_keys = 0  # status keys compared with mod_jk's over all files (printed at the end)

    @classmethod
    def tearDownClass(cls):
        print(f"differential: {cls.compared_keys} status keys compared with mod_jk's")

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        if not modjk.available():
            raise unittest.SkipTest("the real mod_jk is not installed at " + modjk.MOD_JK)

    def test_enough_varied_files(self):
        names = config_files()
        self.assertGreaterEqual(len(names), 15)
        verdicts = [expectation(read(os.path.join(DATA, n + ".properties"))) for n in names]
        self.assertIn(False, verdicts)  # some mod_jk refuses
        self.assertGreaterEqual(verdicts.count(True), 10)

    def check(self, name):
        workers = read(os.path.join(DATA, name + ".properties"))
        conf_path = os.path.join(DATA, name + ".conf")
        conf = BASE_CONF + (read(conf_path) if os.path.exists(conf_path) else "")
        files = {}
        map_path = os.path.join(DATA, name + ".uriworkermap")
        if os.path.exists(map_path):
            files["uriworkermap.properties"] = read(map_path)
            conf += "JkMountFile uriworkermap.properties\n"
        expected = expectation(workers)
        status = status_lines(workers)

        oracle = modjk.ModJkHttpd(conf, workers=workers, files=files)
        rc, out = oracle.check_syntax()
        self.assertEqual(rc, 0, f"mod_jk's -t reads no workers.properties: {out}")
        started, why = modjk.starts(oracle)
        self.assertEqual(started, expected, f"mod_jk on {name}: {why}\n{oracle.read('logs/mod_jk.log')[-3000:]}")

        theirs = None
        with_status = modjk.ModJkHttpd(conf + status, workers=workers, files=files)
        try:
            with_status.start()
            theirs = modjk.status_prop(with_status)
        except (RuntimeError, TimeoutError) as e:
            self.assertFalse(expected, f"adding a status worker stopped mod_jk on {name}: {e}")
        finally:
            with_status.stop()
        if expected:
            self.assertIsNotNone(theirs, f"mod_jk's status worker did not answer on {name}")
            self.assertIn(("worker.result.type", "OK"), theirs)

        ours = Httpd(conf, workers=workers, files=files)
        rc, out = ours.check_syntax()
        started, why = modjk.starts(ours)
        self.assertEqual(started, expected, f"ajpgate on {name} (mod_jk {'starts' if expected else 'refuses'}): {why}")
        self.assertEqual(rc == 0, started, f"ajpgate's -t disagrees with its start on {name}: {out}")
        self.assertNotIn("AJPG0010", out if expected else "", out)

        if expected and COMPARE_MODELS:
            mine = Httpd(conf + status, workers=workers, files=files)
            with mine:
                answer = modjk.status_prop(mine)
            self.assertIsNotNone(answer, f"ajpgate's status worker gave no cmd=list&mime=prop answer on {name}")
            explicit = [f".{key}" for key in modjk.DESIGN_DIFFERENCES_KEYS if f".{key}=" in workers]
            diff = modjk.compare_status_props(answer, theirs, explicit)
            self.assertEqual(diff, [], f"{name}: status worker output differs from mod_jk's\n" + "\n".join(diff))
            self.__class__.compared_keys += len(theirs)


def _add_file_tests():
    """One test per file, named after it (test_file_01_templates, ...)."""
    for name in config_files():
        test = (lambda n: lambda self: self.check(n))(name)
        test.__doc__ = f"{name}: mod_jk and ajpgate agree"
        setattr(DifferentialTest, "test_file_" + re.sub(r"\W", "_", name), test)


_add_file_tests()


class StatusPropTest(unittest.TestCase):
    """The helpers on a known output."""

    def test_parse_and_compare(self):
        text = ("worker.server_port=1234\nworker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=a\n"
                "worker.a.port=8009\nworker.a.lbfactor=1\nworker.a.errors=3\nworker.result.type=OK\n")
        pairs = modjk.parse_prop(text)
        self.assertEqual(pairs[1], ("worker.list", "lb"))
        moved = [(k, "99" if k.endswith("server_port") else v) for k, v in pairs]
        self.assertEqual(modjk.compare_status_props(moved, pairs), [])
        changed = [(k, "2" if k == "worker.a.lbfactor" else v) for k, v in pairs]
        diff = modjk.compare_status_props(changed, pairs)
        self.assertIn("-worker.a.lbfactor=1", diff)
        self.assertIn("+worker.a.lbfactor=2", diff)
        self.assertIn(" worker.a.port=8009", diff)  # context: where in the order it is
        swapped = [pairs[0], pairs[2], pairs[1]] + pairs[3:]
        self.assertNotEqual(modjk.compare_status_props(swapped, pairs), [])  # order counts


if __name__ == "__main__":
    unittest.main()
