#!/bin/bash
set -e
mkdir -p /root/answers
docker pull -q nginx >/dev/null
docker image history nginx
docker image inspect nginx --format '{{len .RootFS.Layers}}' > /root/answers/nginx-layers
