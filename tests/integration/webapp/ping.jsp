<%@ page contentType="text/plain" session="false" %>pong
