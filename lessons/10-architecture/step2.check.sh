#!/bin/bash
# Passes when container arch runs, oci-runtime names the engine's runtime, and monitor-pid is the
# live parent (conmon) of the container's main process.
if [ "$(docker inspect arch --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: No running container named arch." "FAIL[ko]: arch 라는 이름의 실행 중인 컨테이너가 없습니다."
  echo "HINT: docker run -d --name arch busybox sleep 3600"
  exit 1
fi
rt=$(docker info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null)
got=$(tr -d '[:space:]' < /root/answers/oci-runtime 2>/dev/null)
if [ "$got" != "$rt" ]; then
  printf '%s\n' "FAIL: /root/answers/oci-runtime should name the OCI runtime the engine uses ${got:+ (it now holds '$got')}." "FAIL[ko]: /root/answers/oci-runtime 에는 엔진이 쓰는 OCI 런타임 이름이 있어야 합니다${got:+ (지금 내용: '$got')}."
  echo "HINT: docker info --format '{{.Host.OCIRuntime.Name}}'"
  exit 1
fi
cpid=$(docker inspect arch --format '{{.State.Pid}}')
mon=$(ps -o ppid= -p "$cpid" | tr -d ' ')
got=$(tr -d '[:space:]' < /root/answers/monitor-pid 2>/dev/null)
if [ "$got" != "$mon" ]; then
  printf '%s\n' "FAIL: /root/answers/monitor-pid is not the parent of the container's process ($cpid)." "FAIL[ko]: /root/answers/monitor-pid 가 컨테이너 프로세스($cpid)의 부모가 아닙니다."
  echo "HINT: ps -o ppid= -p \$(docker inspect arch --format '{{.State.Pid}}') > /root/answers/monitor-pid"
  exit 1
fi
echo "stack ok: $rt, monitor $mon ($(cat /proc/$mon/comm)) -> $cpid"
