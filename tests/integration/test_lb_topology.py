"""lb workers with three ajp-testd nodes in two domains: domain failover, redirect,
activation Disabled (sticky only) and Stopped (nothing); JkShmFile's protections; and a
graceful restart while the balancer is in use."""
import collections
import os
import pwd
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from httpd import APACHE2, Httpd, module_path  # noqa: E402
from test_lb import SEED_HTTPD  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

NODES = {"a1": "dcA", "a2": "dcA", "b1": "dcB"}


class TopologyCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.backends = {n: TestdBackend(n, "--route", n) for n in NODES}

    @classmethod
    def tearDownClass(cls):
        for b in cls.backends.values():
            b.stop()

    def workers(self, extra="", dead=()):
        text = "worker.list=loadbalancer\nworker.loadbalancer.type=lb\n" \
               "worker.loadbalancer.balance_workers=a1,a2,b1\nworker.loadbalancer.recover_time=600\n"
        for name, domain in NODES.items():
            port = 1 if name in dead else self.backends[name].port
            text += f"worker.{name}.host=127.0.0.1\nworker.{name}.port={port}\nworker.{name}.domain={domain}\n"
        return text + extra

    def route(self, h, cookie=None):
        status, headers, _ = h.get("/app/x", headers={"Cookie": cookie} if cookie else {})
        return headers.get("X-Route") if status == 200 else status


class DomainRedirectActivationTest(TopologyCase):
    def test_dead_sticky_member_fails_over_within_its_domain(self):
        with Httpd(SEED_HTTPD, workers=self.workers(dead=("a1",))) as h:
            for _ in range(10):
                self.assertEqual(self.route(h, "JSESSIONID=S.a1"), "a2")

    def test_redirect_wins_over_the_domain(self):
        with Httpd(SEED_HTTPD, workers=self.workers("worker.a1.redirect=b1\n", dead=("a1",))) as h:
            for _ in range(10):
                self.assertEqual(self.route(h, "JSESSIONID=S.a1"), "b1")

    def test_disabled_takes_only_its_sessions_and_stopped_takes_nothing(self):
        extra = "worker.a2.activation=D\nworker.b1.activation=S\n"
        with Httpd(SEED_HTTPD, workers=self.workers(extra)) as h:
            counts = collections.Counter(self.route(h) for _ in range(30))
            self.assertEqual(counts, {"a1": 30})                       # new sessions: active members only
            self.assertEqual(self.route(h, "JSESSIONID=S.a2"), "a2")   # disabled keeps its sessions
            self.assertEqual(self.route(h, "JSESSIONID=S.b1"), "a1")   # stopped keeps nothing

    def test_mount_activation_overrides(self):
        conf = SEED_HTTPD.replace("JkMount /* loadbalancer", "JkMount /* loadbalancer;stopped=a1,a2")
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual({self.route(h) for _ in range(10)}, {"b1"})


class SharedStateTest(TopologyCase):
    def test_shm_file_is_private_to_httpd_user(self):
        conf = SEED_HTTPD + "JkShmFile logs/jk-runtime-status\n"
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(self.route(h, "JSESSIONID=S.b1"), "b1")
            st = os.stat(os.path.join(h.dir, "logs", "jk-runtime-status"))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
            if os.geteuid() == 0:
                self.assertEqual(pwd.getpwuid(st.st_uid).pw_name, "www-data")

    def test_shm_file_symlink_is_refused(self):
        h = Httpd(SEED_HTTPD + "JkShmFile logs/jk-runtime-status\n", workers=self.workers())
        target = os.path.join(h.dir, "victim")
        open(target, "w").close()
        os.symlink(target, os.path.join(h.dir, "logs", "jk-runtime-status"))
        # httpd opens its port before the check runs, so wait for it to give up instead.
        r = subprocess.run([APACHE2, "-f", h.conf_path, "-DFOREGROUND"], env=h.env(), capture_output=True,
                           text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("is a symbolic link: refusing to use it", r.stdout + r.stderr + h.error_log())
        self.assertEqual(os.path.getsize(target), 0)  # the link's target was not touched

    def test_graceful_restart_keeps_serving(self):
        with Httpd(SEED_HTTPD, workers=self.workers()) as h:
            self.assertEqual(self.route(h, "JSESSIONID=S.a2"), "a2")
            subprocess.run([APACHE2, "-f", h.conf_path, "-k", "graceful"], env=h.env(), check=True, timeout=30)
            wait_until(lambda: "resuming normal operations" in h.error_log().split("SIGUSR1")[-1], 20,
                       what="graceful restart")
            for _ in range(10):
                self.assertEqual(self.route(h, "JSESSIONID=S.a2"), "a2")
            self.assertEqual(self.route(h, "JSESSIONID=S.b1"), "b1")


if __name__ == "__main__":
    unittest.main()
