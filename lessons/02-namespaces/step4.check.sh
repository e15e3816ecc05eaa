#!/bin/bash
# Passes when named netns red and blue exist, red has 10.0.0.1 on a veth, blue has 10.0.0.2,
# and a ping from red reaches blue right now.
for n in red blue; do
  if [ ! -e /run/netns/$n ]; then
    printf '%s\n' "FAIL: There is no network namespace named $n (ip netns list)." "FAIL[ko]: $n 이라는 네트워크 네임스페이스가 없습니다(ip netns list)."
    echo "HINT: ip netns add $n"
    exit 1
  fi
done
addr(){ nsenter --net=/run/netns/$1 ip -o -4 addr show 2>/dev/null; }
if ! addr red | grep -q ' 10\.0\.0\.1/'; then
  printf '%s\n' "FAIL: Namespace red has no address 10.0.0.1." "FAIL[ko]: red 네임스페이스에 10.0.0.1 주소가 없습니다."
  printf '%s\n' "HINT: nsenter --net=/run/netns/red ip addr add 10.0.0.1/24 dev veth-red (after ip link set veth-red netns red)" "HINT[ko]: (ip link set veth-red netns red 다음에) nsenter --net=/run/netns/red ip addr add 10.0.0.1/24 dev veth-red"
  exit 1
fi
if ! addr blue | grep -q ' 10\.0\.0\.2/'; then
  printf '%s\n' "FAIL: Namespace blue has no address 10.0.0.2." "FAIL[ko]: blue 네임스페이스에 10.0.0.2 주소가 없습니다."
  echo "HINT: nsenter --net=/run/netns/blue ip addr add 10.0.0.2/24 dev veth-blue"
  exit 1
fi
if ! nsenter --net=/run/netns/red ip -o link show type veth | grep -q .; then
  printf '%s\n' "FAIL: red has no veth interface." "FAIL[ko]: red 에 veth 인터페이스가 없습니다."
  exit 1
fi
if ! nsenter --net=/run/netns/red ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; then
  printf '%s\n' "FAIL: red cannot ping 10.0.0.2." "FAIL[ko]: red 에서 10.0.0.2 로 ping 이 가지 않습니다."
  printf '%s\n' "HINT: Both ends must be up: ip link set … up inside each namespace." "HINT[ko]: 두 끝 모두 각 네임스페이스 안에서 ip link set … up 해야 합니다."
  exit 1
fi
echo "net ok"
