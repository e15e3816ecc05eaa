#!/bin/bash
# Passes when image tiny:1 exists, has a CMD, contains the busybox rootfs, and a container from it runs.
if ! docker image inspect tiny:1 >/dev/null 2>&1; then
  printf '%s\n' "FAIL: There is no image tiny:1 (docker images)." "FAIL[ko]: tiny:1 이미지가 없습니다(docker images)."
  echo "HINT: tar -C /root/tiny --one-file-system -c . | docker import --change 'CMD [\"/bin/sh\",\"-c\",\"echo hi\"]' - tiny:1"
  exit 1
fi
cmd=$(docker image inspect tiny:1 --format '{{json .Config.Cmd}}' 2>/dev/null)
if [ -z "$cmd" ] || [ "$cmd" = null ] || [ "$cmd" = '[]' ]; then
  printf '%s\n' "FAIL: tiny:1 has no CMD: it is only a root filesystem, without settings." "FAIL[ko]: tiny:1 에 CMD 가 없습니다. 설정 없이 루트 파일시스템만 있습니다."
  printf '%s\n' "HINT: Import again with --change 'CMD [...]' (and --change 'ENV PATH=/bin')." "HINT[ko]: --change 'CMD [...]' 를 붙여 다시 import 하세요."
  exit 1
fi
out=$(timeout 40 docker run --rm tiny:1 2>&1); rc=$?
if [ $rc != 0 ]; then
  printf '%s\n' "FAIL: docker run --rm tiny:1 failed (exit $rc)." "FAIL[ko]: docker run --rm tiny:1 이 실패했습니다(종료 코드 $rc)."
  echo "HINT: $(echo "$out" | tail -n 1)"
  exit 1
fi
if ! timeout 40 docker run --rm tiny:1 /bin/busybox true >/dev/null 2>&1; then
  printf '%s\n' "FAIL: tiny:1 does not contain /bin/busybox: was it imported from /root/tiny?" "FAIL[ko]: tiny:1 에 /bin/busybox 가 없습니다. /root/tiny 로 만든 것이 맞나요?"
  exit 1
fi
echo "image ok: CMD $cmd"
