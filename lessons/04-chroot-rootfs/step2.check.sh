#!/bin/bash
# Passes when /root/tiny/seen-from-inside lists the tiny root (bin, no host folders like usr or etc).
f=/root/tiny/seen-from-inside
if [ ! -f "$f" ]; then
  if [ -f /seen-from-inside ]; then
    printf '%s\n' "FAIL: /seen-from-inside was written in the node's own /, so the ls ran outside the chroot." "FAIL[ko]: /seen-from-inside 가 노드 자신의 / 에 생겼습니다. ls 가 chroot 밖에서 실행된 것입니다."
  else
    printf '%s\n' "FAIL: /root/tiny/seen-from-inside does not exist yet." "FAIL[ko]: 아직 /root/tiny/seen-from-inside 가 없습니다."
  fi
  printf '%s\n' "HINT: chroot /root/tiny /bin/sh first, then ls" "HINT[ko]: > /seen-from-inside, then exit. / 먼저 chroot /root/tiny /bin/sh, 그다음 ls / > /seen-from-inside, 그리고 exit."
  exit 1
fi
if ! grep -qx bin "$f" || grep -qx -e usr -e etc -e proc_host -e root "$f"; then
  printf '%s\n' "FAIL: That listing is not what / looks like inside /root/tiny." "FAIL[ko]: 그 목록은 /root/tiny 안에서 본 / 의 모습이 아닙니다."
  printf '%s\n' "HINT: Inside the chroot, ls" "HINT[ko]: shows only bin (and the file you are writing). / chroot 안에서 ls / 는 bin(과 지금 쓰는 파일)만 보여 줍니다."
  exit 1
fi
echo "chroot ok"
