#!/bin/bash
# Runs on node1. Passes when the Redis on node2 (reached over the network, by name) holds
# greeting = "hello from node1".
if ! getent hosts node2 >/dev/null; then
  printf '%s\n' "FAIL: This node does not know node2: is this a two-node session?" "FAIL[ko]: 이 노드가 node2 를 모릅니다. 노드 두 개짜리 세션인가요?"
  exit 1
fi
reply=$(timeout 3 bash -c 'exec 3<>/dev/tcp/node2/6379 && printf "GET greeting\r\n" >&3 && head -n 2 <&3' 2>/dev/null | tr -d '\r')
if [ -z "$reply" ]; then
  printf '%s\n' "FAIL: Nothing answers on node2:6379." "FAIL[ko]: node2:6379 에서 아무도 응답하지 않습니다."
  printf '%s\n' "HINT: Do the previous step on node2 first." "HINT[ko]: 먼저 node2 에서 지난 단계를 하세요."
  exit 1
fi
if [ "$(echo "$reply" | tail -n 1)" != "hello from node1" ]; then
  printf '%s\n' "FAIL: The Redis on node2 does not hold greeting = hello from node1." "FAIL[ko]: node2 의 Redis 에 greeting = hello from node1 이 없습니다."
  echo "HINT: docker run --rm --add-host node2:$(getent hosts node2 | cut -d" " -f1) redis redis-cli -h node2 set greeting \"hello from node1\""
  exit 1
fi
echo "cross-node ok"
