#!/bin/bash
# Passes when hello.txt was copied up and changed in upper (lower intact), and remove-me.txt left a
# whiteout (char device 0,0) in upper while lower still has it.
o=/root/ov
if [ "$(cat $o/lower/hello.txt 2>/dev/null)" != "from the image" ]; then
  printf '%s\n' "FAIL: /root/ov/lower/hello.txt itself was changed; write through /root/ov/merged instead." "FAIL[ko]: /root/ov/lower/hello.txt 자체가 바뀌었습니다. /root/ov/merged 를 통해 쓰세요."
  exit 1
fi
if [ ! -f $o/upper/hello.txt ] || ! grep -q "from the image" $o/upper/hello.txt || [ "$(wc -l < $o/upper/hello.txt)" -lt 2 ]; then
  printf '%s\n' "FAIL: hello.txt has not been changed through the overlay (no changed copy in /root/ov/upper)." "FAIL[ko]: 오버레이를 통해 hello.txt 를 고치지 않았습니다(/root/ov/upper 에 바뀐 사본이 없음)."
  echo "HINT: echo \"changed in the container\" >> /root/ov/merged/hello.txt"
  exit 1
fi
w=$o/upper/remove-me.txt
if [ ! -c $w ] || [ "$(stat -c '%t,%T' $w)" != "0,0" ] || [ ! -e $o/lower/remove-me.txt ]; then
  printf '%s\n' "FAIL: remove-me.txt was not deleted through the overlay (no whiteout in /root/ov/upper, or lower lost it)." "FAIL[ko]: 오버레이를 통해 remove-me.txt 를 지우지 않았습니다(/root/ov/upper 에 whiteout 이 없거나 lower 에서 사라짐)."
  echo "HINT: rm /root/ov/merged/remove-me.txt"
  exit 1
fi
echo "copy-on-write ok"
