<%@ page contentType="text/plain" session="false" %><%
    // Holds one of the connector's threads for ?ms= milliseconds (at most 10 s): a backend
    // whose threads run out (bench/scale_children.py).
    String ms = request.getParameter("ms");
    Thread.sleep(Math.min(10000L, ms == null ? 0L : Long.parseLong(ms)));
%>slept
