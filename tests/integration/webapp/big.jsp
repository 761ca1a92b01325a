<%@ page session="false" import="java.io.*,java.security.MessageDigest" %><%
// big.jsp?size=N[&flush=K]: N bytes of a fixed pattern, flushed every K bytes when asked;
// the SHA-256 of the body is sent first as a header so the client can check what arrived.
// pause=MS sleeps after each flush, so a client can tell progressive delivery from buffering.
// nolength=1 leaves the length unset: the body then streams with no Content-Length.
long size = Long.parseLong(request.getParameter("size"));
String flushParam = request.getParameter("flush");
long flushEvery = flushParam == null ? 0 : Long.parseLong(flushParam);
String pauseParam = request.getParameter("pause");
long pauseMs = pauseParam == null ? 0 : Long.parseLong(pauseParam);
byte[] block = new byte[8192];
for (int i = 0; i < block.length; i++) block[i] = (byte) ('a' + (i % 26));
MessageDigest sha = MessageDigest.getInstance("SHA-256");
for (long left = size; left > 0; left -= Math.min(left, block.length)) sha.update(block, 0, (int) Math.min(left, block.length));
StringBuilder hex = new StringBuilder();
for (byte b : sha.digest()) hex.append(String.format("%02x", b));
response.setContentType("application/octet-stream");
response.setHeader("X-Body-Sha256", hex.toString());
if (request.getParameter("nolength") == null) response.setContentLengthLong(size);
OutputStream os = response.getOutputStream();
long sinceFlush = 0;
for (long left = size; left > 0;) {
    int n = (int) Math.min(left, block.length);
    os.write(block, 0, n);
    left -= n;
    sinceFlush += n;
    if (flushEvery > 0 && sinceFlush >= flushEvery) {
        os.flush();
        sinceFlush = 0;
        if (pauseMs > 0) Thread.sleep(pauseMs);
    }
}
os.flush();
%>