#!/bin/bash
# Passes when /root/answers/pid1 names the process that really is PID 1 in this node.
f=/root/answers/pid1
want=$(cat /proc/1/comm)
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/answers/pid1 does not exist yet." "FAIL[ko]: 아직 /root/answers/pid1 파일이 없습니다."
  printf '%s\n' "HINT: ps -p 1 -o comm= prints only the name; redirect it into the file." "HINT[ko]: ps -p 1 -o comm= 은 이름만 출력합니다. 그 출력을 파일로 보내세요."
  exit 1
fi
got=$(tr -d '[:space:]' < "$f")
if [ "$got" != "$want" ]; then
  if [ "$got" = systemd ] || [ "$got" = init ]; then
    printf '%s\n' "FAIL: '$got' is PID 1 on a whole machine, but not in this container." "FAIL[ko]: '$got'은 기계 전체의 PID 1이지, 이 컨테이너의 PID 1은 아닙니다."
  else
    printf '%s\n' "FAIL: '$got' is not the command of PID 1 here." "FAIL[ko]: '$got'은 여기 PID 1의 명령 이름이 아닙니다."
  fi
  printf '%s\n' "HINT: Look, don't guess: ps -p 1 -o comm= > /root/answers/pid1" "HINT[ko]: 추측하지 말고 확인하세요: ps -p 1 -o comm= > /root/answers/pid1"
  exit 1
fi
echo "pid1 ok: $want"
