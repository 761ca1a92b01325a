<%@ page contentType="text/plain" session="false" %><%
// Response headers of every kind: repeated names, coded ones (Content-Language, Last-Modified),
// a long value, and whatever the request asked for with ?set=Name:Value (repeatable).
response.addHeader("X-Multi", "one");
response.addHeader("X-Multi", "two");
response.setHeader("Content-Language", "ko-KR");
response.setDateHeader("Last-Modified", 1000L * 1700000000L);
response.setHeader("Cache-Control", "no-store, max-age=0");
response.setHeader("X-Long", "L".repeat(4000));
String[] sets = request.getParameterValues("set");
if (sets != null) for (String s : sets) {
    int colon = s.indexOf(':');
    response.addHeader(s.substring(0, colon), s.substring(colon + 1));
}
%>headers set
