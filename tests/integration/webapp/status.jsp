<%@ page contentType="text/plain" session="false" %><%
// status.jsp?code=418[&error=1]: error=1 uses sendError (Tomcat's error page), else setStatus.
int code = Integer.parseInt(request.getParameter("code"));
if ("1".equals(request.getParameter("error"))) {
    response.sendError(code, "requested error " + code);
    return;
}
response.setStatus(code);
if (code != 204 && code != 304) out.println("status " + code);
%>
