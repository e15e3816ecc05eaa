#!/bin/bash
# Passes when /root/answers/kernel holds the running kernel's release.
f=/root/answers/kernel
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/answers/kernel does not exist yet." "FAIL[ko]: 아직 /root/answers/kernel 파일이 없습니다."
  printf '%s\n' "HINT: Run uname -r and redirect its output: uname -r > /root/answers/kernel" "HINT[ko]: uname -r 의 출력을 파일로 보내세요: uname -r > /root/answers/kernel"
  exit 1
fi
want=$(uname -r); got=$(tr -d '[:space:]' < "$f")
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: The file says '$got', but this kernel is a different release." "FAIL[ko]: 파일에는 '$got'이라고 적혀 있지만 실제 커널 버전과 다릅니다."
  printf '%s\n' "HINT: Don't type it by hand; let uname -r write it." "HINT[ko]: 손으로 치지 말고 uname -r 이 직접 쓰게 하세요."
  exit 1
fi
echo "kernel ok: $want"
