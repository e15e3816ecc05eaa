#!/bin/bash
# Runs on node2. Passes when remote-cache runs from redis and answers PING on node2's published port 6379.
if [ "$(docker inspect remote-cache --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: No running container remote-cache on node2." "FAIL[ko]: node2 에 실행 중인 remote-cache 컨테이너가 없습니다."
  printf '%s\n' "HINT: In the node2 tab: docker run -d -p 6379:6379 --name remote-cache redis" "HINT[ko]: node2 탭에서 실행하세요."
  exit 1
fi
reply=$(timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && head -c 7 <&3' 2>/dev/null | tr -d '\r\n')
if [ "$reply" != +PONG ]; then
  printf '%s\n' "FAIL: Nothing answers PING on port 6379 of node2: was -p 6379:6379 given?" "FAIL[ko]: node2 의 6379번 포트에서 PING 에 답이 없습니다. -p 6379:6379 를 주었나요?"
  exit 1
fi
echo "remote cache ok"
