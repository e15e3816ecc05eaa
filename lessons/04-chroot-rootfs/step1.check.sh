#!/bin/bash
# Passes when /root/tiny/bin/busybox is a static binary, /root/tiny/bin/sh exists, and a shell
# actually runs with /root/tiny as its root.
t=/root/tiny
if [ ! -f $t/bin/busybox ]; then
  printf '%s\n' "FAIL: /root/tiny/bin/busybox is missing." "FAIL[ko]: /root/tiny/bin/busybox 가 없습니다."
  echo "HINT: mkdir -p /root/tiny/bin && cp /usr/bin/busybox /root/tiny/bin/"
  exit 1
fi
if file -L $t/bin/busybox | grep -q 'dynamically linked'; then
  printf '%s\n' "FAIL: That busybox is dynamically linked; inside the chroot its libraries are missing." "FAIL[ko]: 그 busybox 는 동적 링크라 chroot 안에서 라이브러리를 찾지 못합니다."
  printf '%s\n' "HINT: Copy /usr/bin/busybox, which is static (file /usr/bin/busybox)." "HINT[ko]: 정적인 /usr/bin/busybox 를 복사하세요."
  exit 1
fi
if [ ! -e $t/bin/sh ] && [ ! -L $t/bin/sh ]; then
  printf '%s\n' "FAIL: /root/tiny/bin/sh does not exist: the command links are missing." "FAIL[ko]: /root/tiny/bin/sh 가 없습니다. 명령 링크가 없습니다."
  echo "HINT: chroot /root/tiny /bin/busybox --install -s /bin"
  exit 1
fi
if [ "$(chroot $t /bin/sh -c 'echo hello-from-tiny' 2>/dev/null)" != hello-from-tiny ]; then
  printf '%s\n' "FAIL: chroot /root/tiny /bin/sh does not run." "FAIL[ko]: chroot /root/tiny /bin/sh 가 실행되지 않습니다."
  printf '%s\n' "HINT: The links must point to /bin/busybox as seen from inside: run --install inside the chroot." "HINT[ko]: 링크는 안에서 본 /bin/busybox 를 가리켜야 합니다. --install 을 chroot 안에서 실행하세요."
  exit 1
fi
echo "tiny rootfs ok: $(ls $t/bin | wc -l) commands"
