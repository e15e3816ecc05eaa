#!/bin/bash
# Passes when the Engine answers on its socket now and /root/answers/api-version.json is its /version.
s=/var/run/docker.sock
if [ "$(curl -s -m 10 --unix-socket $s http://localhost/_ping 2>/dev/null)" != OK ]; then
  printf '%s\n' "FAIL: The Docker Engine does not answer on $s: run docker version once to start it, then check again." "FAIL[ko]: $s 에서 Docker Engine 이 응답하지 않습니다. docker version 을 한 번 실행해 띄운 뒤 다시 확인하세요."
  echo "HINT: docker version"
  exit 1
fi
f=/root/answers/api-version.json
got=$(jq -r '.Version // empty' $f 2>/dev/null)
if [ -z "$got" ]; then
  printf '%s\n' "FAIL: /root/answers/api-version.json is missing or not the JSON of /version: save curl's answer into it." "FAIL[ko]: /root/answers/api-version.json 이 없거나 /version 의 JSON 이 아닙니다. curl 의 응답을 저장하세요."
  echo "HINT: curl -s --unix-socket $s http://localhost/version > $f"
  exit 1
fi
want=$(curl -s -m 10 --unix-socket $s http://localhost/version | jq -r .Version)
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: The saved version ($got) is not what the Engine says now ($want): save its answer again." "FAIL[ko]: 저장한 버전($got)이 지금 엔진의 답($want)과 다릅니다. 다시 저장하세요."
  echo "HINT: curl -s --unix-socket $s http://localhost/version > $f"
  exit 1
fi
echo "api ok: $want"
