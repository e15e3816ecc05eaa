#!/bin/bash
# Passes when container arch runs, oci-runtime names the Engine's default runtime, and monitor-pid
# is the live parent of the container's process, a containerd shim.
if [ "$(docker inspect arch --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: No running container named arch: start it (docker rm -f arch first if an old one is stopped)." "FAIL[ko]: arch 라는 이름의 실행 중인 컨테이너가 없습니다. 띄우세요(멈춘 것이 있으면 먼저 docker rm -f arch)."
  echo "HINT: docker run -d --name arch busybox sleep 3600"
  exit 1
fi
rt=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null)
got=$(tr -d '[:space:]' < /root/answers/oci-runtime 2>/dev/null)
if [ "$got" != "$rt" ]; then
  printf '%s\n' "FAIL: /root/answers/oci-runtime should name the Engine's OCI runtime${got:+ (it now holds '$got')}: write what docker info says." "FAIL[ko]: /root/answers/oci-runtime 에는 엔진의 OCI 런타임 이름이 있어야 합니다${got:+ (지금 내용: '$got')}. docker info 가 말하는 것을 적으세요."
  echo "HINT: docker info --format '{{.DefaultRuntime}}' > /root/answers/oci-runtime"
  exit 1
fi
cpid=$(docker inspect arch --format '{{.State.Pid}}')
mon=$(ps -o ppid= -p "$cpid" | tr -d ' ')
got=$(tr -d '[:space:]' < /root/answers/monitor-pid 2>/dev/null)
if [ "$got" != "$mon" ]; then
  printf '%s\n' "FAIL: /root/answers/monitor-pid is not the parent of the container's process ($cpid): write its PPID." "FAIL[ko]: /root/answers/monitor-pid 가 컨테이너 프로세스($cpid)의 부모가 아닙니다. 그 PPID 를 적으세요."
  echo "HINT: ps -o ppid= -p \$(docker inspect arch --format '{{.State.Pid}}') > /root/answers/monitor-pid"
  exit 1
fi
case $(cat /proc/$mon/comm) in
  containerd-shim*) ;;
  *)
    printf '%s\n' "FAIL: The parent of the container's process is $(cat /proc/$mon/comm), not a containerd shim: is this the Docker Engine?" "FAIL[ko]: 컨테이너 프로세스의 부모가 containerd shim 이 아니라 $(cat /proc/$mon/comm) 입니다. Docker Engine 이 맞나요?"
    echo "HINT: docker version"
    exit 1
    ;;
esac
echo "stack ok: $rt, shim $mon -> $cpid"
