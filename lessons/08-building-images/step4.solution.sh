#!/bin/bash
set -e
docker rm -f registry from-registry >/dev/null 2>&1 || true
docker run -d -p 5000:5000 --name registry registry
for i in $(seq 50); do curl -s -m 1 http://localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker tag myapp:2 localhost:5000/myapp:2
docker push localhost:5000/myapp:2
curl -s localhost:5000/v2/_catalog
docker rmi localhost:5000/myapp:2 myapp:2
docker pull localhost:5000/myapp:2
docker run --name from-registry localhost:5000/myapp:2
