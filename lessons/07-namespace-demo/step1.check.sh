#!/bin/bash
# Passes when container host shares the node's PID and network namespaces and container isolated has
# its own PID and network namespaces (checked on the live processes), with hostname isolated.
ns(){ readlink /proc/$1/ns/$2; }
hp=$(docker inspect host --format '{{if .State.Running}}{{.State.Pid}}{{end}}' 2>/dev/null)
ip=$(docker inspect isolated --format '{{if .State.Running}}{{.State.Pid}}{{end}}' 2>/dev/null)
if [ -z "$hp" ]; then
  printf '%s\n' "FAIL: No running container named host." "FAIL[ko]: 실행 중인 host 컨테이너가 없습니다."
  echo "HINT: docker run -d --pid host --network host --name host busybox sleep 3600"
  exit 1
fi
if [ "$(ns $hp pid)" != "$(ns 1 pid)" ] || [ "$(ns $hp net)" != "$(ns 1 net)" ]; then
  printf '%s\n' "FAIL: Container host does not share the node's PID and network namespaces." "FAIL[ko]: host 컨테이너가 노드의 PID·네트워크 네임스페이스를 함께 쓰지 않습니다."
  printf '%s\n' "HINT: docker rm -f host, then run it with --pid host --network host" "HINT[ko]: 지운 뒤 --pid host --network host 로 다시 띄우세요."
  exit 1
fi
if [ -z "$ip" ]; then
  printf '%s\n' "FAIL: No running container named isolated." "FAIL[ko]: 실행 중인 isolated 컨테이너가 없습니다."
  echo "HINT: docker run -d -h isolated --name isolated busybox sleep 3600"
  exit 1
fi
if [ "$(ns $ip pid)" = "$(ns 1 pid)" ] || [ "$(ns $ip net)" = "$(ns 1 net)" ] || [ "$(docker exec isolated hostname 2>/dev/null)" != isolated ]; then
  printf '%s\n' "FAIL: Container isolated should have its own PID and network namespaces and the hostname isolated." "FAIL[ko]: isolated 컨테이너는 자기 PID·네트워크 네임스페이스와 호스트 이름 isolated 를 가져야 합니다."
  echo "HINT: docker rm -f isolated; docker run -d -h isolated --name isolated busybox sleep 3600"
  exit 1
fi
echo "demo containers ok"
