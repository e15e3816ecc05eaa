#!/bin/bash
# Passes when the saved outputs show what each namespace choice means: host's ps lists the node's
# PID 1 and isolated's does not; host has the node's hostname and address, isolated has neither.
a=/root/answers
for f in ps-host ps-isolated hostname-host hostname-isolated ip-host ip-isolated; do
  if [ ! -s $a/$f ]; then
    printf '%s\n' "FAIL: /root/answers/$f is missing." "FAIL[ko]: /root/answers/$f 가 없습니다."
    printf '%s\n' "HINT: Run the six lines at the end of this step." "HINT[ko]: 이 단계 끝의 여섯 줄을 실행하세요."
    exit 1
  fi
done
init=$(cat /proc/1/comm)
addr=$(ip -4 -o addr show scope global | awk '$2 !~ /^(docker|br-|veth)/ {print $4}' | cut -d/ -f1 | head -n 1)
if ! grep -q "$init" $a/ps-host; then
  printf '%s\n' "FAIL: ps-host does not show the node's PID 1 ($init): was it run in the container with --pid host?" "FAIL[ko]: ps-host 에 노드의 PID 1($init)이 없습니다. --pid host 컨테이너에서 실행했나요?"
  exit 1
fi
if grep -q "$init" $a/ps-isolated || ! grep -q sleep $a/ps-isolated; then
  printf '%s\n' "FAIL: ps-isolated should show only the isolated container's own processes." "FAIL[ko]: ps-isolated 에는 isolated 컨테이너 자신의 프로세스만 있어야 합니다."
  exit 1
fi
if [ "$(tr -d '[:space:]' < $a/hostname-host)" != "$(hostname)" ] || [ "$(tr -d '[:space:]' < $a/hostname-isolated)" != isolated ]; then
  printf '%s\n' "FAIL: hostname-host should be the node's name and hostname-isolated 'isolated'." "FAIL[ko]: hostname-host 는 노드의 이름, hostname-isolated 는 'isolated' 여야 합니다."
  exit 1
fi
if [ -n "$addr" ] && ! grep -qF "$addr/" $a/ip-host; then
  printf '%s\n' "FAIL: ip-host does not show the node's address $addr." "FAIL[ko]: ip-host 에 노드의 주소 $addr 가 없습니다."
  exit 1
fi
if grep -qF "$addr/" $a/ip-isolated || ! grep -q 'inet ' $a/ip-isolated; then
  printf '%s\n' "FAIL: ip-isolated should show the isolated container's own addresses, not the node's." "FAIL[ko]: ip-isolated 에는 노드가 아니라 isolated 컨테이너 자신의 주소가 있어야 합니다."
  exit 1
fi
echo "comparison ok"
