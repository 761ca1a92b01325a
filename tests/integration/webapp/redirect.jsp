<%@ page session="false" %><%
String to = request.getParameter("to");
response.sendRedirect(to == null ? "echo.jsp" : to);
%>
