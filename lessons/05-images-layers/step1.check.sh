#!/bin/bash
# Passes when /root/ov/merged is an overlay mount whose lowerdir is /root/ov/lower and shows its files.
m=/root/ov/merged
if [ "$(findmnt -n -o FSTYPE "$m" 2>/dev/null)" != overlay ]; then
  printf '%s\n' "FAIL: Nothing of type overlay is mounted on /root/ov/merged." "FAIL[ko]: /root/ov/merged 에 overlay 가 마운트되어 있지 않습니다."
  echo "HINT: mount -t overlay overlay -o lowerdir=/root/ov/lower,upperdir=/root/ov/upper,workdir=/root/ov/work /root/ov/merged"
  exit 1
fi
if ! findmnt -n -o OPTIONS "$m" | tr ',' '\n' | grep -qx 'lowerdir=/root/ov/lower'; then
  printf '%s\n' "FAIL: The overlay's lower layer is not /root/ov/lower." "FAIL[ko]: 오버레이의 lower 레이어가 /root/ov/lower 가 아닙니다."
  exit 1
fi
if [ "$(cat $m/hello.txt 2>/dev/null)" != "from the image" ] && [ "$(cat /root/ov/lower/hello.txt 2>/dev/null)" != "from the image" ]; then
  printf '%s\n' "FAIL: hello.txt with the text 'from the image' is missing." "FAIL[ko]: 'from the image' 라고 적힌 hello.txt 가 없습니다."
  echo "HINT: echo \"from the image\" > /root/ov/lower/hello.txt"
  exit 1
fi
if [ ! -e /root/ov/lower/remove-me.txt ]; then
  printf '%s\n' "FAIL: /root/ov/lower/remove-me.txt is missing (the next step deletes it through the overlay)." "FAIL[ko]: /root/ov/lower/remove-me.txt 가 없습니다(다음 단계에서 오버레이를 통해 지웁니다)."
  exit 1
fi
echo "overlay ok"
