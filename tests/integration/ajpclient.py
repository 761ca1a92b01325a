"""A small, independent AJP13 client (the web-server side), standard library only.

Written from shared/reference/ajp13.md, separately from lib/ajp13, so tests that use it
cross-check our C++ implementation instead of agreeing with it by construction.

Typical use:

    with AjpConnection("127.0.0.1", port) as conn:
        resp = conn.request("GET", "/app/x", headers=[("Host", "example.com")])
        print(resp.status, resp.headers, resp.body)

Every socket has a timeout and every loop a bound; protocol violations by the container
raise AjpProtocolError with a message that says what was wrong.
"""

import socket
import struct

DEFAULT_PACKET_SIZE = 8192

SIG_TO_CONTAINER = b"\x12\x34"
SIG_TO_SERVER = b"AB"  # 0x41 0x42

# message types
FORWARD_REQUEST = 0x02
SEND_BODY_CHUNK = 0x03
SEND_HEADERS = 0x04
END_RESPONSE = 0x05
GET_BODY_CHUNK = 0x06
SHUTDOWN = 0x07
CPONG = 0x09
CPING = 0x0A

METHODS = {
    "OPTIONS": 1, "GET": 2, "HEAD": 3, "POST": 4, "PUT": 5, "DELETE": 6, "TRACE": 7,
    "PROPFIND": 8, "PROPPATCH": 9, "MKCOL": 10, "COPY": 11, "MOVE": 12, "LOCK": 13,
    "UNLOCK": 14, "ACL": 15, "REPORT": 16, "VERSION-CONTROL": 17, "CHECKIN": 18,
    "CHECKOUT": 19, "UNCHECKOUT": 20, "SEARCH": 21, "MKWORKSPACE": 22, "UPDATE": 23,
    "LABEL": 24, "MERGE": 25, "BASELINE-CONTROL": 26, "MKACTIVITY": 27,
}
METHOD_STORED = 0xFF

REQUEST_HEADER_CODES = {
    "accept": 0xA001, "accept-charset": 0xA002, "accept-encoding": 0xA003,
    "accept-language": 0xA004, "authorization": 0xA005, "connection": 0xA006,
    "content-type": 0xA007, "content-length": 0xA008, "cookie": 0xA009,
    "cookie2": 0xA00A, "host": 0xA00B, "pragma": 0xA00C, "referer": 0xA00D,
    "user-agent": 0xA00E,
}

RESPONSE_HEADER_NAMES = {
    0xA001: "Content-Type", 0xA002: "Content-Language", 0xA003: "Content-Length",
    0xA004: "Date", 0xA005: "Last-Modified", 0xA006: "Location", 0xA007: "Set-Cookie",
    0xA008: "Set-Cookie2", 0xA009: "Servlet-Engine", 0xA00A: "Status",
    0xA00B: "WWW-Authenticate",
}

# attribute codes
ATTR_CONTEXT = 0x01
ATTR_SERVLET_PATH = 0x02
ATTR_REMOTE_USER = 0x03
ATTR_AUTH_TYPE = 0x04
ATTR_QUERY_STRING = 0x05
ATTR_ROUTE = 0x06
ATTR_SSL_CERT = 0x07
ATTR_SSL_CIPHER = 0x08
ATTR_SSL_SESSION = 0x09
ATTR_REQ_ATTRIBUTE = 0x0A
ATTR_SSL_KEY_SIZE = 0x0B
ATTR_SECRET = 0x0C
ATTR_STORED_METHOD = 0x0D
ATTR_ARE_DONE = 0xFF

# The two encodings of "no more request body" (reference section 5).
EMPTY_BODY_SPEC = SIG_TO_CONTAINER + b"\x00\x00"
EMPTY_BODY_ZERO_LENGTH = SIG_TO_CONTAINER + b"\x00\x02\x00\x00"

CPING_PACKET = SIG_TO_CONTAINER + b"\x00\x01\x0a"
SHUTDOWN_PACKET = SIG_TO_CONTAINER + b"\x00\x01\x07"

MAX_MESSAGES_PER_RESPONSE = 1_000_000


class AjpProtocolError(Exception):
    """The container sent something that is not valid AJP13 at this point."""


class AjpConnectionClosed(Exception):
    """The container closed the connection (cleanly between packets, or mid-packet)."""

    def __init__(self, message, partial=b""):
        super().__init__(message)
        self.partial = partial


# ---- encoding (web server -> container) ---------------------------------------------

def _string(value):
    """AJP string: length, bytes, NUL. None encodes the null string 0xFFFF."""
    if value is None:
        return b"\xff\xff"
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    if len(value) >= 0xFFFF:
        raise ValueError("string too long for AJP")
    return struct.pack(">H", len(value)) + value + b"\x00"


def _packet(payload, packet_size=DEFAULT_PACKET_SIZE):
    if len(payload) + 4 > packet_size:
        raise ValueError("message of %d bytes does not fit a %d-byte packet" % (len(payload) + 4, packet_size))
    return SIG_TO_CONTAINER + struct.pack(">H", len(payload)) + payload


def encode_forward_request(method="GET", uri="/", headers=(), protocol="HTTP/1.1",
                           remote_addr="127.0.0.1", remote_host="localhost",
                           server_name="localhost", server_port=80, is_ssl=False,
                           query=None, secret=None, remote_user=None, auth_type=None,
                           route=None, ssl_cert=None, ssl_cipher=None, ssl_session=None,
                           ssl_key_size=None, req_attributes=(), context=None,
                           servlet_path=None, packet_size=DEFAULT_PACKET_SIZE,
                           raw_attributes=None):
    """Returns a complete FORWARD_REQUEST packet.

    headers: sequence of (name, value); names in the code table are sent coded.
    Attributes go out in mod_jk's order; raw_attributes (bytes), when given, replaces
    the attribute section entirely (before the terminating 0xFF) for malformed cases.
    """
    code = METHODS.get(method, METHOD_STORED)
    out = bytearray([FORWARD_REQUEST, code])
    out += _string(protocol) + _string(uri) + _string(remote_addr) + _string(remote_host)
    out += _string(server_name) + struct.pack(">H", server_port) + bytes([1 if is_ssl else 0])
    headers = list(headers)
    out += struct.pack(">H", len(headers))
    for name, value in headers:
        coded = REQUEST_HEADER_CODES.get(name.lower())
        out += struct.pack(">H", coded) if coded is not None else _string(name)
        out += _string(value)
    if raw_attributes is not None:
        out += raw_attributes
    else:
        for attr_code, value in ((ATTR_CONTEXT, context), (ATTR_SERVLET_PATH, servlet_path),
                                 (ATTR_SECRET, secret), (ATTR_REMOTE_USER, remote_user),
                                 (ATTR_AUTH_TYPE, auth_type), (ATTR_QUERY_STRING, query),
                                 (ATTR_ROUTE, route), (ATTR_SSL_CERT, ssl_cert),
                                 (ATTR_SSL_CIPHER, ssl_cipher), (ATTR_SSL_SESSION, ssl_session)):
            if value is not None:
                out += bytes([attr_code]) + _string(value)
        if ssl_key_size is not None:
            out += bytes([ATTR_SSL_KEY_SIZE]) + struct.pack(">H", ssl_key_size)
        if code == METHOD_STORED:
            out += bytes([ATTR_STORED_METHOD]) + _string(method)
        for name, value in req_attributes:
            out += bytes([ATTR_REQ_ATTRIBUTE]) + _string(name) + _string(value)
    out.append(ATTR_ARE_DONE)
    return _packet(bytes(out), packet_size)


def encode_body(data, packet_size=DEFAULT_PACKET_SIZE):
    """One request body data packet (no type byte, no NUL)."""
    if len(data) > packet_size - 6:
        raise ValueError("body chunk of %d bytes exceeds %d" % (len(data), packet_size - 6))
    return _packet(struct.pack(">H", len(data)) + bytes(data), packet_size)


# ---- decoding (container -> web server) ---------------------------------------------

class _Reader:
    """Reads fields of one payload; every read checks the bytes actually received."""

    def __init__(self, payload):
        self.data = payload
        self.pos = 0

    def take(self, n, what):
        if self.pos + n > len(self.data):
            raise AjpProtocolError("truncated %s at offset %d (payload %d bytes)" % (what, self.pos, len(self.data)))
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self, what):
        return self.take(1, what)[0]

    def u16(self, what):
        return struct.unpack(">H", self.take(2, what))[0]

    def string(self, what):
        length = self.u16(what + " length")
        if length == 0xFFFF:
            return None
        value = self.take(length, what)
        if self.take(1, what + " terminator") != b"\x00":
            raise AjpProtocolError("%s not NUL-terminated" % what)
        return value.decode("latin-1")

    def at_end(self):
        return self.pos == len(self.data)


def decode_send_headers(payload):
    """Returns (status, reason, [(name, value), ...]) of a SEND_HEADERS payload."""
    r = _Reader(payload)
    r.byte("type")
    status = r.u16("status")
    reason = r.string("reason")
    count = r.u16("header count")
    headers = []
    for _ in range(count):
        if r.pos + 2 > len(payload):
            raise AjpProtocolError("truncated header name")
        if payload[r.pos] == 0xA0:
            code = r.u16("header code")
            name = RESPONSE_HEADER_NAMES.get(code)
            if name is None:
                raise AjpProtocolError("unknown response header code 0x%04X" % code)
        else:
            name = r.string("header name")
            if name is None:
                raise AjpProtocolError("null header name")
        value = r.string("header value")
        if value is None:
            raise AjpProtocolError("null value for header %s" % name)
        headers.append((name, value))
    if not r.at_end():
        raise AjpProtocolError("%d bytes after the last header" % (len(payload) - r.pos))
    return status, reason, headers


def decode_body_chunk(payload):
    """SEND_BODY_CHUNK: the length must match the bytes received, NUL included (httpd's rule)."""
    r = _Reader(payload)
    r.byte("type")
    length = r.u16("chunk length")
    if length + 4 != len(payload):
        raise AjpProtocolError("SEND_BODY_CHUNK length %d does not match payload of %d bytes" % (length, len(payload)))
    data = r.take(length, "chunk data")
    if r.byte("chunk terminator") != 0:
        raise AjpProtocolError("SEND_BODY_CHUNK not NUL-terminated")
    return data


# ---- the connection -----------------------------------------------------------------

class Response:
    def __init__(self):
        self.status = None
        self.reason = None
        self.headers = []          # [(name, value)] in wire order
        self.body = b""
        self.reuse = None          # END_RESPONSE's flag
        self.flushes = 0           # empty SEND_BODY_CHUNKs
        self.chunks = []           # sizes of non-empty SEND_BODY_CHUNKs
        self.body_requests = []    # requested lengths of GET_BODY_CHUNKs
        self.messages = []         # message type bytes in order

    def header(self, name, default=None):
        """First value of a header, case-insensitively."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    def header_all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self):
        import json
        return json.loads(self.body.decode("utf-8"))


class AjpConnection:
    def __init__(self, host, port, timeout=10.0, packet_size=DEFAULT_PACKET_SIZE):
        self.packet_size = packet_size
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def settimeout(self, seconds):
        self.sock.settimeout(seconds)

    def send(self, data):
        self.sock.sendall(data)

    def _recv_exact(self, n):
        while len(self._buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buffer)))
            if not chunk:
                partial, self._buffer = self._buffer, b""
                if partial:
                    raise AjpConnectionClosed("connection closed mid-packet after %d bytes" % len(partial), partial)
                raise AjpConnectionClosed("connection closed by the container")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def read_raw(self, n):
        """Up to n bytes exactly as they arrive (for fault tests), b"" at EOF."""
        if self._buffer:
            data, self._buffer = self._buffer[:n], self._buffer[n:]
            return data
        return self.sock.recv(n)

    def read_packet(self):
        """Returns the payload of the next container packet, validating its header."""
        header = self._recv_exact(4)
        if header[:2] != SIG_TO_SERVER:
            raise AjpProtocolError("bad signature %r" % header[:2])
        length = struct.unpack(">H", header[2:])[0]
        if length + 4 > self.packet_size:
            raise AjpProtocolError("packet length %d exceeds packet size %d" % (length + 4, self.packet_size))
        if length == 0:
            raise AjpProtocolError("empty container packet")
        return self._recv_exact(length)

    def is_closed(self, wait=2.0):
        """True if the container closes the connection within `wait` seconds without sending anything."""
        old = self.sock.gettimeout()
        self.sock.settimeout(wait)
        try:
            if self._buffer:
                return False
            try:
                data = self.sock.recv(1)
            except ConnectionResetError:
                return True
            except socket.timeout:
                return False
            if data:
                self._buffer += data
                return False
            return True
        finally:
            self.sock.settimeout(old)

    def cping(self):
        """Sends CPING and returns True if CPONG came back."""
        self.send(CPING_PACKET)
        payload = self.read_packet()
        if payload != bytes([CPONG]):
            raise AjpProtocolError("expected CPONG, got %r" % payload[:16])
        return True

    def request(self, method="GET", uri="/", headers=(), body=None, content_length="auto",
                chunk_size=None, empty_form=EMPTY_BODY_SPEC, **fields):
        """Sends one request and reads the whole response.

        body: bytes or None. content_length: "auto" adds a Content-Length header when a
        body is given; None sends the body with unknown length (GET_BODY_CHUNK driven,
        ended by `empty_form`). chunk_size limits each body packet (default: the maximum).
        Extra keyword arguments go to encode_forward_request (query, secret, ...).
        """
        headers = list(headers)
        if body is not None and content_length == "auto":
            headers.append(("Content-Length", str(len(body))))
        known_length = body is not None and content_length is not None
        self.send(encode_forward_request(method, uri, headers, packet_size=self.packet_size, **fields))
        max_chunk = self.packet_size - 6
        if chunk_size:
            max_chunk = min(max_chunk, chunk_size)
        sender = _BodySender(self, body or b"", max_chunk, empty_form)
        if known_length and body:
            sender.send_next(max_chunk)  # the first packet goes unasked
        return self.read_response(sender)

    def read_response(self, sender=None):
        resp = Response()
        for _ in range(MAX_MESSAGES_PER_RESPONSE):
            payload = self.read_packet()
            kind = payload[0]
            resp.messages.append(kind)
            if kind == SEND_HEADERS:
                if resp.status is not None:
                    raise AjpProtocolError("SEND_HEADERS twice")
                resp.status, resp.reason, resp.headers = decode_send_headers(payload)
            elif kind == SEND_BODY_CHUNK:
                data = decode_body_chunk(payload)
                if not data:
                    resp.flushes += 1
                else:
                    resp.chunks.append(len(data))
                    resp.body += data
            elif kind == GET_BODY_CHUNK:
                if len(payload) != 3:
                    raise AjpProtocolError("GET_BODY_CHUNK of %d bytes" % len(payload))
                requested = struct.unpack(">H", payload[1:3])[0]
                resp.body_requests.append(requested)
                if sender is None:
                    raise AjpProtocolError("GET_BODY_CHUNK without a request body")
                sender.send_next(requested)
            elif kind == END_RESPONSE:
                if len(payload) != 2:
                    raise AjpProtocolError("END_RESPONSE of %d bytes" % len(payload))
                resp.reuse = payload[1] != 0
                if resp.status is None:
                    raise AjpProtocolError("END_RESPONSE before SEND_HEADERS")
                return resp
            else:
                raise AjpProtocolError("unexpected message type 0x%02X in a response" % kind)
        raise AjpProtocolError("response longer than %d messages" % MAX_MESSAGES_PER_RESPONSE)


class _BodySender:
    """Feeds the request body: data packets while there is data, then one empty packet."""

    def __init__(self, conn, body, max_chunk, empty_form):
        self.conn = conn
        self.body = body
        self.offset = 0
        self.max_chunk = max_chunk
        self.empty_form = empty_form
        self.ended = False

    def send_next(self, requested):
        n = min(requested, self.max_chunk, len(self.body) - self.offset)
        if n <= 0:
            # Asked again after the end: answer one more empty packet (reference section 5).
            self.conn.send(self.empty_form)
            self.ended = True
            return
        self.conn.send(encode_body(self.body[self.offset:self.offset + n], self.conn.packet_size))
        self.offset += n
