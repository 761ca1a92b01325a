<%@ page contentType="text/plain; charset=UTF-8" session="false" import="java.io.*" %><%
// Reads the whole request body and reports how many bytes arrived and whether reading threw,
// in the answer and on Tomcat's console (the client of an aborted upload never reads an answer):
// a client that gives up mid-upload must show here as an error, never as a short body that
// ended cleanly.
long read = 0;
String error = "none";
byte[] buffer = new byte[8192];
try {
    InputStream in = request.getInputStream();
    for (int n; (n = in.read(buffer)) != -1;) read += n;
} catch (IOException e) {
    error = e.getClass().getName();
}
String line = "UPLOAD tag=" + request.getHeader("X-Tag") + " declared=" + request.getContentLengthLong()
        + " read=" + read + " error=" + error;
System.out.println(line);
out.println(line);
%>
