<%@ page contentType="text/plain; charset=UTF-8" session="false" isErrorPage="true" import="java.util.*,java.io.*,java.security.MessageDigest" %><%
// One "key: value" line per thing the servlet container saw, so tests can assert on what
// arrived through AJP without a JSON library on either side. isErrorPage="true" because Jasper
// lets only error pages answer every method (PUT, DELETE, PATCH ...), not just GET/POST/HEAD.
out.println("method: " + request.getMethod());
out.println("uri: " + request.getRequestURI());
out.println("query: " + request.getQueryString());
out.println("servlet_path: " + request.getServletPath());
out.println("path_info: " + request.getPathInfo());
out.println("protocol: " + request.getProtocol());
out.println("scheme: " + request.getScheme());
out.println("secure: " + request.isSecure());
out.println("remote_addr: " + request.getRemoteAddr());
out.println("remote_host: " + request.getRemoteHost());
out.println("remote_port: " + request.getRemotePort());
out.println("server_name: " + request.getServerName());
out.println("server_port: " + request.getServerPort());
out.println("local_addr: " + request.getLocalAddr());
out.println("remote_user: " + request.getRemoteUser());
out.println("auth_type: " + request.getAuthType());
out.println("content_length: " + request.getContentLengthLong());
for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
    String name = names.nextElement();
    for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
        out.println("header." + name.toLowerCase(Locale.ROOT) + ": " + values.nextElement());
    }
}
for (Enumeration<String> names = request.getAttributeNames(); names.hasMoreElements();) {
    String name = names.nextElement();
    out.println("attr." + name + ": " + request.getAttribute(name));
}
// AJP attributes (JkEnvVar ...) live on Tomcat's connector request: getAttributeNames() does
// not list them, so ?getattr=NAME asks for each by name ("null" when absent).
String[] asked = request.getParameterValues("getattr");
if (asked != null) for (String name : asked) out.println("getattr." + name + ": " + request.getAttribute(name));
for (Map.Entry<String, String[]> p : new TreeMap<>(request.getParameterMap()).entrySet()) {
    out.println("param." + p.getKey() + ": " + String.join(",", p.getValue()));
}
MessageDigest sha = MessageDigest.getInstance("SHA-256");
InputStream in = request.getInputStream();
byte[] buf = new byte[65536];
long total = 0;
for (int n; (n = in.read(buf)) > 0;) { sha.update(buf, 0, n); total += n; }
StringBuilder hex = new StringBuilder();
for (byte b : sha.digest()) hex.append(String.format("%02x", b));
out.println("body_length: " + total);
out.println("body_sha256: " + hex);
%>
