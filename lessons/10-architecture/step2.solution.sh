#!/bin/bash
set -e
mkdir -p /root/answers
docker rm -f arch >/dev/null 2>&1 || true
docker run -d --name arch busybox sleep 3600
docker info --format '{{.DefaultRuntime}}' > /root/answers/oci-runtime
ps -o ppid= -p "$(docker inspect arch --format '{{.State.Pid}}')" | tr -d ' ' > /root/answers/monitor-pid
