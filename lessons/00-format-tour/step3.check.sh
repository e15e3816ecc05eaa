#!/bin/bash
# Runs as root in node1: is something serving /root/tour on port 8000?
if ! body=$(curl -fsS --max-time 3 http://127.0.0.1:8000/hello.txt 2>/dev/null); then
  echo "FAIL: nothing answers on port 8000 in node1"
  echo "HINT: start the web server with the command in the text"
  exit 1
fi
[ "$body" = "hello pier" ] || { echo "FAIL: port 8000 answers, but does not serve /root/tour"; exit 1; }
