<%@ page contentType="text/plain" session="false" import="jakarta.servlet.http.Cookie" %><%
// Sets two cookies (two Set-Cookie headers) and lists the ones the request carried.
Cookie a = new Cookie("alpha", "1");
a.setPath("/app");
response.addCookie(a);
Cookie b = new Cookie("beta", "two");
b.setHttpOnly(true);
response.addCookie(b);
Cookie[] got = request.getCookies();
if (got != null) for (Cookie c : got) out.println("cookie." + c.getName() + ": " + c.getValue());
%>
