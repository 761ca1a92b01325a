"""httpd with mod_ssl in front of ajp-testd: is_ssl and mod_ssl's data (client certificate,
cipher, session, key size with +ForwardKeySize, protocol) reach the backend as the client
negotiated them. Certificates are made for the test with the openssl command."""
import http.client
import os
import shutil
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import scratch_dir  # noqa: E402
from test_module_forwarding_support import SOCKET_TIMEOUT, ModuleCase, echo  # noqa: E402


def self_signed(directory, name):
    """(certificate path, key path) of a fresh self-signed RSA certificate for CN=name."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + name,
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    return cert, key


def signed_by_ca(directory, name):
    """(chain file: certificate then its CA, key path, certificate PEM, CA PEM)."""
    ca_cert, ca_key = self_signed(directory, "test-ca")
    key, csr, cert = (os.path.join(directory, name + ext) for ext in (".key", ".csr", ".pem"))
    run = dict(check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
                    "-keyout", key, "-out", csr], **run)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
                    "-days", "1", "-out", cert], **run)
    with open(cert) as f, open(ca_cert) as g:
        leaf, ca = f.read(), g.read()
    chain = os.path.join(directory, name + "-chain.pem")
    with open(chain, "w") as f:
        f.write(leaf + ca)
    return chain, key, leaf, ca


class SslForwardingTest(ModuleCase):
    HTTPD_KW = {"modules": ("authz_core", "socache_shmcb", "ssl")}

    @classmethod
    def setUpClass(cls):
        if not shutil.which("openssl"):
            raise unittest.SkipTest("openssl command not found")
        cls.certs = scratch_dir("certs")
        cls.server_cert, cls.server_key = self_signed(cls.certs, "localhost")
        cls.client_cert, cls.client_key = self_signed(cls.certs, "fwdtests-client")
        cls.chain, cls.chain_key, cls.leaf_pem, cls.ca_pem = signed_by_ca(cls.certs, "chained-client")
        os.chmod(cls.certs, 0o755)
        cls.CONF = f"""SSLEngine on
SSLCertificateFile {cls.server_cert}
SSLCertificateKeyFile {cls.server_key}
SSLVerifyClient optional_no_ca
SSLOptions +StdEnvVars +ExportCertData
JkOptions +ForwardKeySize +ForwardSSLCertChain
JkMount /app/* was1
"""
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def request(self, cert_and_key=None):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if cert_and_key:
            context.load_cert_chain(*cert_and_key)
        conn = http.client.HTTPSConnection("127.0.0.1", self.httpd.port, timeout=SOCKET_TIMEOUT, context=context)
        try:
            conn.connect()
            cipher, version = conn.sock.cipher(), conn.sock.version()
            conn.request("GET", "/app/tls")
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            return echo(resp.read()), cipher, version
        finally:
            conn.close()

    def test_ssl_fields(self):
        got, (cipher_name, _, key_bits), version = self.request((self.client_cert, self.client_key))
        self.assertIs(got["is_ssl"], True)
        attrs = got["attributes"]
        self.assertEqual(attrs["ssl_cipher"], cipher_name)
        self.assertEqual(attrs["ssl_key_size"], key_bits)
        extra = {a["name"]: a["value"] for a in got["attributes"]["req_attributes"]}
        self.assertEqual(extra.get("AJP_SSL_PROTOCOL"), version)
        with open(self.client_cert) as f:
            pem = f.read().strip()
        self.assertEqual(attrs["ssl_cert"].strip(), pem)  # no chain sent: the certificate alone
        if attrs["ssl_session"] is not None:
            int(attrs["ssl_session"], 16)  # mod_ssl's session id is hex

    def test_no_client_certificate(self):
        got, _, _ = self.request()
        self.assertIs(got["is_ssl"], True)
        self.assertIsNone(got["attributes"]["ssl_cert"])
        self.assertIsNotNone(got["attributes"]["ssl_cipher"])

    def test_client_certificate_chain_is_appended(self):
        got, _, _ = self.request((self.chain, self.chain_key))
        cert = got["attributes"]["ssl_cert"]
        self.assertEqual(cert.count("-----BEGIN CERTIFICATE-----"), 2, cert)
        self.assertEqual(cert.replace("\n", ""), (self.leaf_pem + self.ca_pem).replace("\n", ""))


if __name__ == "__main__":
    unittest.main()
