"""httpd + ajpgate in front of ajp-testd: the module loads, maps, forwards and answers."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import Httpd, module_path  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402


class ModuleSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.backend = TestdBackend("was1", "--route", "was1")
        cls.httpd = Httpd(
            "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel debug\nJkMount /app/* was1\n",
            workers=f"worker.list=was1\nworker.was1.host=127.0.0.1\nworker.was1.port={cls.backend.port}\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.stop()
        cls.backend.stop()

    def test_get_is_forwarded(self):
        status, headers, body = self.httpd.get("/app/hello?x=1")
        self.assertEqual(status, 200)
        echo = json.loads(body)
        self.assertEqual(echo["uri"], "/app/hello")
        self.assertEqual(echo["query"], "x=1")
        self.assertEqual(headers["X-Route"], "was1")

    def test_unmapped_is_served_by_httpd(self):
        status, _, _ = self.httpd.get("/other")
        self.assertEqual(status, 404)
        self.assertNotIn("AJPG0120 GET /other", self.httpd.read("logs/mod_jk.log"))

    def test_log_tells_the_story(self):
        self.httpd.get("/app/story")
        log = self.httpd.read("logs/mod_jk.log")
        self.assertIn("AJPG0100 /app/story -> /app/*=was1", log)
        self.assertIn("AJPG0120 GET /app/story on worker was1", log)


if __name__ == "__main__":
    unittest.main()
