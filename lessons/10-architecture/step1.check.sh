#!/bin/bash
# Passes when the API socket answers now and /root/answers/api-version.json is that server's answer.
s=/run/podman/podman.sock
if [ "$(curl -s -m 3 --unix-socket $s http://d/_ping 2>/dev/null)" != OK ]; then
  printf '%s\n' "FAIL: Nothing answers on $s: the API server is not running." "FAIL[ko]: $s 에서 아무도 응답하지 않습니다. API 서버가 떠 있지 않습니다."
  printf '%s\n' "HINT: mkdir -p /run/podman && podman system service --time=0 unix://$s &   (the & keeps it running)" "HINT[ko]: 끝의 & 가 서버를 계속 띄워 둡니다."
  exit 1
fi
f=/root/answers/api-version.json
got=$(jq -r '.Version // empty' $f 2>/dev/null)
if [ -z "$got" ]; then
  printf '%s\n' "FAIL: /root/answers/api-version.json is missing or not the JSON of /version." "FAIL[ko]: /root/answers/api-version.json 이 없거나 /version 의 JSON 이 아닙니다."
  echo "HINT: curl -s --unix-socket $s http://d/v1.41/version > $f"
  exit 1
fi
want=$(curl -s -m 3 --unix-socket $s http://d/v1.41/version | jq -r .Version)
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: The saved version ($got) is not what the server says ($want)." "FAIL[ko]: 저장한 버전($got)이 서버의 응답($want)과 다릅니다."
  exit 1
fi
echo "api ok: $want"
