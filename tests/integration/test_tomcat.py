"""httpd + ajpgate -> AJP13 -> a real Tomcat 10: what Tomcat sees of the client's request.

Every assertion reads echo.jsp's report, i.e. the servlet API's view of the forwarded request
(method, URI, query, headers, body checksum, addresses), and compares it with what this client
sent. Responses (status, cookies, sessions, big bodies) are in test_tomcat_response.py, the
edges of an exchange in test_tomcat_edges.py, secret/seed configuration in test_tomcat_config.py.

Run: AJPGATE_BUILD=<build dir> python3 tests/integration/run.py tomcat"""
import base64
import hashlib
import http.client
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import Httpd, module_path  # noqa: E402
from tomcat import (ajp13_worker, exchange, parse_echo, request, shared_node,  # noqa: E402
                    tomcat_available)

JK_CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel debug
JkMount /app/* was1
JkEnvVar MY_TIER default-tier
JkEnvVar MY_FROM_SETENV
<Location /app/echo/envset>
  SetEnv MY_FROM_SETENV yes
  SetEnv MY_TIER gold
</Location>
<Location /app/echo/private>
  AuthType Basic
  AuthName "ajpgate test"
  AuthUserFile htpasswd
  Require valid-user
</Location>
"""
MODULES = ("authz_core", "authn_core", "authn_file", "auth_basic", "authz_user", "env")
# alice:wonderland in httpd's {SHA} htpasswd form.
HTPASSWD = "alice:{SHA}" + base64.b64encode(hashlib.sha1(b"wonderland").digest()).decode() + "\n"


def require_module_and_tomcat():
    if not os.path.exists(module_path()):
        raise unittest.SkipTest("mod_jk.so not built at " + module_path())
    if not tomcat_available():
        raise unittest.SkipTest("Debian tomcat10 is not installed")


class FrontedTomcat(unittest.TestCase):
    """Base of the suites that talk to the shared Tomcat through one httpd of their own."""

    @classmethod
    def setUpClass(cls):
        require_module_and_tomcat()
        cls.node = shared_node("was1")
        cls.httpd = Httpd(JK_CONF, workers=ajp13_worker(cls.node), files={"htpasswd": HTPASSWD},
                          modules=MODULES).start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.stop()


class TomcatRequestTest(FrontedTomcat):
    def send(self, method, path, body=None, headers=None, chunked=False):
        answer = request(self.httpd.port, method, path, body, headers, chunked)
        self.assertEqual(answer.status, 200, answer.body[:2000])
        return answer.echo()

    def one(self, echo, key):
        self.assertIn(key, echo, f"Tomcat did not report {key}: {echo}")
        self.assertEqual(len(echo[key]), 1, echo[key])
        return echo[key][0]

    # --- headers --------------------------------------------------------------------------

    def test_custom_headers_arrive_unchanged(self):
        echo = self.send("GET", "/app/echo.jsp", headers={
            "X-Custom": "value with spaces; and=symbols", "X-Empty-Ish": "-", "Accept-Language": "ko-KR, en;q=0.5"})
        self.assertEqual(self.one(echo, "header.x-custom"), "value with spaces; and=symbols")
        self.assertEqual(self.one(echo, "header.x-empty-ish"), "-")
        # Accept-Language travels as an AJP header code; Tomcat must still see the text.
        self.assertEqual(self.one(echo, "header.accept-language"), "ko-KR, en;q=0.5")

    def test_repeated_header_values_all_arrive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=20)
        try:
            conn.putrequest("GET", "/app/echo.jsp")
            conn.putheader("X-Multi", "first")
            conn.putheader("X-Multi", "second")
            conn.endheaders()
            response = conn.getresponse()
            echo = parse_echo(response.read())
        finally:
            conn.close()
        # httpd folds repeated fields into one "a, b" value (RFC 9110 §5.3); nothing may be lost.
        self.assertEqual(", ".join(echo["header.x-multi"]), "first, second")

    def test_host_header_sets_server_name_and_port(self):
        echo = self.send("GET", "/app/echo.jsp", headers={"Host": "www.example.test:8080"})
        self.assertEqual(self.one(echo, "header.host"), "www.example.test:8080")
        self.assertEqual(self.one(echo, "server_name"), "www.example.test")
        self.assertEqual(self.one(echo, "server_port"), "8080")

    def test_user_agent_arrives(self):
        echo = self.send("GET", "/app/echo.jsp", headers={"User-Agent": "Mozilla/5.0 (ajpgate-test) Gecko/1"})
        self.assertEqual(self.one(echo, "header.user-agent"), "Mozilla/5.0 (ajpgate-test) Gecko/1")

    def test_cookie_header_is_parsed_by_tomcat(self):
        answer = request(self.httpd.port, "GET", "/app/cookies.jsp", headers={"Cookie": "first=1; second=zwei"})
        self.assertEqual(answer.status, 200)
        got = dict(line.split(": ", 1) for line in answer.body.decode().splitlines() if ": " in line)
        self.assertEqual(got, {"cookie.first": "1", "cookie.second": "zwei"})

    def test_coded_request_headers_arrive_unchanged(self):
        # Each of these travels as a two-byte AJP code, not as a name: Tomcat must see them all.
        sent = {"Accept": "text/html;q=0.9, */*;q=0.1", "Accept-Charset": "utf-8", "Accept-Encoding": "gzip, br",
                "Authorization": "Bearer abc.def", "Cookie2": "$Version=1", "Pragma": "no-cache",
                "Referer": "http://example.test/from?x=1", "Content-Type": "application/json"}
        echo = self.send("POST", "/app/echo.jsp", body=b"{}", headers=sent)
        for name, value in sent.items():
            self.assertEqual(echo.get("header." + name.lower()), [value], name)
        self.assertEqual(self.one(echo, "header.content-length"), "2")

    def test_httpd_authenticated_user_reaches_tomcat(self):
        denied = request(self.httpd.port, "GET", "/app/echo/private")
        self.assertEqual(denied.status, 401)  # httpd's own answer: Tomcat is never asked
        self.assertNotIn(b"remote_addr", denied.body)
        token = base64.b64encode(b"alice:wonderland").decode()
        echo = self.send("GET", "/app/echo/private", headers={"Authorization": "Basic " + token})
        self.assertEqual(self.one(echo, "remote_user"), "alice")
        self.assertEqual(self.one(echo, "auth_type"), "Basic")
        self.assertEqual(self.one(echo, "path_info"), "/private")
        wrong = base64.b64encode(b"alice:looking-glass").decode()
        self.assertEqual(request(self.httpd.port, "GET", "/app/echo/private",
                                 headers={"Authorization": "Basic " + wrong}).status, 401)

    # --- URI and query string ---------------------------------------------------------------

    def test_query_string_is_forwarded_raw_and_decoded_by_tomcat(self):
        query = "a=1&a=2&sp=%20x&amp=%26&plus=a+b&utf=%C3%BCber&empty="
        echo = self.send("GET", "/app/echo.jsp?" + query)
        self.assertEqual(self.one(echo, "query"), query)  # byte for byte, still encoded
        self.assertEqual(self.one(echo, "param.a"), "1,2")
        self.assertEqual(self.one(echo, "param.sp"), " x")
        self.assertEqual(self.one(echo, "param.amp"), "&")
        self.assertEqual(self.one(echo, "param.plus"), "a b")
        self.assertEqual(self.one(echo, "param.utf"), "\u00fcber")
        self.assertEqual(self.one(echo, "param.empty"), "")

    def test_no_query_string_means_null(self):
        echo = self.send("GET", "/app/echo.jsp")
        self.assertEqual(self.one(echo, "query"), "null")
        self.assertEqual(self.one(echo, "uri"), "/app/echo.jsp")

    def test_encoded_path_is_normalised_before_forwarding(self):
        # %6F is "o": httpd decodes it, and the proxy-style re-encoding sends the plain path.
        echo = self.send("GET", "/app/ech%6F.jsp?x=1")
        self.assertEqual(self.one(echo, "uri"), "/app/echo.jsp")
        self.assertEqual(self.one(echo, "query"), "x=1")

    def test_paths_map_in_tomcat_as_if_sent_to_it_directly(self):
        # (servlet path, path info) through ajpgate must equal Tomcat's own HTTP connector's view
        # of the raw path: normalisation in httpd/ajpgate may change the URI's spelling, never
        # what it selects. Path parameters, dot segments and encodings are the tricky bits.
        paths = ("/app/echo/a%20b", "/app/echo/%C3%BC", "/app/echo/p;v=1/q", "/app/..;/app/echo.jsp",
                 "/app/echo/..;/echo.jsp", "/app/echo.jsp;foo=bar", "/app/echo/a+b", "/app/echo/a%25b",
                 "/app/./echo/x/../y", "/app/echo/%7Euser", "/app/echo//x", "/app/echo/%2e%2e/echo.jsp",
                 "/app/echo/x;jsessionid=ABC")
        for path in paths:
            with self.subTest(path=path):
                via_ajp = self.send("GET", path)
                direct = request(self.node.http_port, "GET", path)
                self.assertEqual(direct.status, 200)
                direct = direct.echo()
                self.assertEqual((via_ajp["servlet_path"], via_ajp["path_info"]),
                                 (direct["servlet_path"], direct["path_info"]))
        # The one difference, shared with mod_jk: an encoded ";" reaches the mapper decoded and
        # then counts as a path parameter, so "x%3By" selects "/x" where Tomcat alone sees "/x;y".
        self.assertEqual(self.send("GET", "/app/echo/x%3By")["path_info"], ["/x"])
        self.assertEqual(request(self.node.http_port, "GET", "/app/echo/x%3By").echo()["path_info"], ["/x;y"])

    def test_forwarded_uri_is_the_normalised_path_re_encoded(self):
        for sent, seen in (("/app/./echo/x/../y", "/app/echo/y"), ("/app/echo/%7Euser", "/app/echo/~user"),
                           ("/app/echo/a%20b", "/app/echo/a%20b"), ("/app/echo/%C3%BC", "/app/echo/%C3%BC"),
                           ("/app/echo.jsp;foo=bar", "/app/echo.jsp"),
                           ("/app/echo/x;jsessionid=ABC", "/app/echo/x;jsessionid=ABC")):
            with self.subTest(path=sent):
                self.assertEqual(self.one(self.send("GET", sent), "uri"), seen)

    # --- methods ----------------------------------------------------------------------------

    def test_every_method_reaches_tomcat(self):
        for method in ("GET", "DELETE", "OPTIONS", "PUT", "PATCH", "POST"):
            with self.subTest(method=method):
                body = b"payload" if method in ("PUT", "PATCH", "POST") else None
                echo = self.send(method, "/app/echo.jsp", body=body,
                                 headers={"Content-Type": "application/octet-stream"} if body else None)
                self.assertEqual(self.one(echo, "method"), method)
                self.assertEqual(self.one(echo, "body_length"), str(len(body or b"")))

    def test_head_has_headers_but_no_body(self):
        answer = request(self.httpd.port, "HEAD", "/app/echo.jsp")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.body, b"")
        self.assertTrue(answer.header("Content-Type").startswith("text/plain"))

    def test_form_post_with_content_length(self):
        form = b"name=J%C3%BCrgen&x=1&x=2&note=a+b%26c"
        echo = self.send("POST", "/app/echo.jsp?q=1", body=form,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
        self.assertEqual(self.one(echo, "header.content-length"), str(len(form)))
        self.assertEqual(self.one(echo, "content_length"), str(len(form)))
        self.assertEqual(self.one(echo, "param.name"), "J\u00fcrgen")
        self.assertEqual(self.one(echo, "param.x"), "1,2")
        self.assertEqual(self.one(echo, "param.note"), "a b&c")
        self.assertEqual(self.one(echo, "param.q"), "1")  # query and form merge

    # --- bodies -----------------------------------------------------------------------------

    def test_binary_upload_of_one_mib_checksums_equal(self):
        data = os.urandom(1 << 20)
        echo = self.send("PUT", "/app/echo.jsp", body=data, headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(self.one(echo, "body_length"), str(len(data)))
        self.assertEqual(self.one(echo, "body_sha256"), hashlib.sha256(data).hexdigest())

    def test_chunked_upload_arrives_whole(self):
        # Odd chunk sizes, one larger than an AJP packet, so the chunks do not line up with packets.
        chunks = [os.urandom(n) for n in (1, 100, 8191, 20000, 3, 65537)]
        data = b"".join(chunks)
        echo = self.send("POST", "/app/echo.jsp", body=iter(chunks), chunked=True,
                         headers={"Content-Type": "application/octet-stream", "Transfer-Encoding": "chunked"})
        self.assertEqual(self.one(echo, "body_length"), str(len(data)))
        self.assertEqual(self.one(echo, "body_sha256"), hashlib.sha256(data).hexdigest())
        # The length was unknown to httpd: Tomcat must not be told one, and no chunk framing leaks.
        self.assertEqual(self.one(echo, "content_length"), "-1")
        self.assertNotIn("header.transfer-encoding", echo)

    def test_empty_post_has_zero_length(self):
        echo = self.send("POST", "/app/echo.jsp", body=b"", headers={"Content-Type": "text/plain"})
        self.assertEqual(self.one(echo, "body_length"), "0")
        self.assertEqual(self.one(echo, "content_length"), "0")

    # --- connection facts -------------------------------------------------------------------

    def test_remote_address_and_port_are_the_clients(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=20)
        try:
            conn.connect()
            client_port = conn.sock.getsockname()[1]
            echo = exchange(conn, "GET", "/app/echo.jsp").echo()
        finally:
            conn.close()
        self.assertEqual(self.one(echo, "remote_addr"), "127.0.0.1")
        self.assertEqual(self.one(echo, "remote_port"), str(client_port))
        self.assertEqual(self.one(echo, "local_addr"), "127.0.0.1")

    def test_server_name_port_scheme_and_security(self):
        echo = self.send("GET", "/app/echo.jsp")
        self.assertEqual(self.one(echo, "server_name"), "127.0.0.1")
        self.assertEqual(self.one(echo, "server_port"), str(self.httpd.port))
        self.assertEqual(self.one(echo, "scheme"), "http")
        self.assertEqual(self.one(echo, "secure"), "false")
        self.assertEqual(self.one(echo, "protocol"), "HTTP/1.1")
        self.assertEqual(self.one(echo, "remote_user"), "null")
        self.assertEqual(self.one(echo, "auth_type"), "null")

    def test_jk_env_vars_become_request_attributes(self):
        ask = "?getattr=MY_TIER&getattr=MY_FROM_SETENV"
        # Headers named like the variables change nothing: attribute names and values come
        # from httpd's configuration and environment, never from the client.
        echo = self.send("GET", "/app/echo.jsp" + ask, headers={"MY_TIER": "forged", "MY_FROM_SETENV": "forged"})
        self.assertEqual(self.one(echo, "getattr.MY_TIER"), "default-tier")  # unset: the default
        self.assertEqual(self.one(echo, "getattr.MY_FROM_SETENV"), "null")  # unset, no default: not sent
        echo = self.send("GET", "/app/echo/envset" + ask)
        self.assertEqual(self.one(echo, "getattr.MY_TIER"), "gold")
        self.assertEqual(self.one(echo, "getattr.MY_FROM_SETENV"), "yes")


if __name__ == "__main__":
    unittest.main()
