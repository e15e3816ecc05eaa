#!/bin/bash
# Passes when /root/answers/host-is-vm matches the hypervisor flag of the CPU this node sees.
f=/root/answers/host-is-vm
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/answers/host-is-vm does not exist yet." "FAIL[ko]: 아직 /root/answers/host-is-vm 파일이 없습니다."
  printf '%s\n' "HINT: grep -w hypervisor /proc/cpuinfo tells you; then echo yes (or no) > /root/answers/host-is-vm" "HINT[ko]: grep -w hypervisor /proc/cpuinfo 로 확인한 뒤 echo yes(또는 no) > /root/answers/host-is-vm"
  exit 1
fi
got=$(tr -d '[:space:]' < "$f" | tr '[:upper:]' '[:lower:]')
if grep -q -w hypervisor /proc/cpuinfo; then want=yes; else want=no; fi
if [ "$got" != yes ] && [ "$got" != no ]; then
  printf '%s\n' "FAIL: Write just yes or no, not '$got'." "FAIL[ko]: '$got' 말고 yes 또는 no 만 적으세요."
  exit 1
fi
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: The CPU flags say otherwise." "FAIL[ko]: CPU 플래그는 다르게 말하고 있습니다."
  printf '%s\n' "HINT: If grep -w hypervisor /proc/cpuinfo prints something, the answer is yes." "HINT[ko]: grep -w hypervisor /proc/cpuinfo 가 뭔가를 출력하면 답은 yes 입니다."
  exit 1
fi
echo "host-is-vm ok: $want"
