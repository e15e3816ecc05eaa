#!/bin/bash
set -e
cd /root/myapp
docker image history myapp:1
docker build -t myapp:1 .
echo "Hello, version 2" > greeting.txt
docker build -t myapp:2 .
docker run --rm myapp:2
