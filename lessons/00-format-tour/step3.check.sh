#!/bin/bash
# Runs as root in node1: is something serving /root/tour on port 8000?
if ! body=$(curl -fsS --max-time 3 http://127.0.0.1:8000/hello.txt 2>/dev/null); then
  echo "FAIL: nothing answers on port 8000 in node1"
  echo "FAIL[ko]: node1 의 포트 8000 에서 아무것도 응답하지 않습니다"
  echo "HINT: start the web server with the command in the text"
  echo "HINT[ko]: 본문의 명령으로 웹 서버를 띄우세요"
  exit 1
fi
[ "$body" = "hello pier" ] || { printf '%s\n' "FAIL: port 8000 answers, but does not serve /root/tour: stop that server and start the one in the text" "FAIL[ko]: 포트 8000 이 응답하지만 /root/tour 를 내보내지 않습니다. 그 서버를 멈추고 본문의 서버를 띄우세요"; exit 1; }
