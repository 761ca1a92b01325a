<%@ page session="false" %><%
// redirect.jsp?to=URL[&code=301]: sendRedirect (302) by default; with code, that status and a
// Location header set as given, so permanent redirects can be tested too.
String to = request.getParameter("to");
String code = request.getParameter("code");
if (code == null) {
    response.sendRedirect(to == null ? "echo.jsp" : to);
} else {
    response.setStatus(Integer.parseInt(code));
    response.setHeader("Location", to == null ? "echo.jsp" : to);
}
%>
