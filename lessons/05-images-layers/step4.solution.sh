#!/bin/bash
set -e
mkdir -p /root/answers /root/nginx-image
docker save nginx -o /root/nginx.tar
tar -xf /root/nginx.tar -C /root/nginx-image
for l in $(jq -r '.[0].Layers[]' /root/nginx-image/manifest.json); do
  if tar -tf "/root/nginx-image/$l" | grep -qE '^(\./)?usr/sbin/nginx$'; then echo "$l" > /root/answers/nginx-layer; fi
done
cat /root/answers/nginx-layer
