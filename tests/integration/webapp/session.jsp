<%@ page contentType="text/plain" %><%
// A counter kept in the session: continuity across nodes shows the session survived.
Integer count = (Integer) session.getAttribute("count");
count = (count == null) ? 1 : count + 1;
session.setAttribute("count", count);
out.println("session: " + session.getId());
out.println("count: " + count);
%>
