#!/bin/bash
# Passes when the saved image is unpacked in /root/nginx-image and /root/answers/nginx-layer names a
# layer of its manifest that really contains usr/sbin/nginx.
d=/root/nginx-image
if ! jq -e '.[0].Layers | length > 0' $d/manifest.json >/dev/null 2>&1; then
  printf '%s\n' "FAIL: /root/nginx-image/manifest.json is missing: the saved image is not unpacked there." "FAIL[ko]: /root/nginx-image/manifest.json 이 없습니다. 저장한 이미지를 거기에 풀지 않았습니다."
  echo "HINT: docker save nginx -o /root/nginx.tar && mkdir -p /root/nginx-image && tar -xf /root/nginx.tar -C /root/nginx-image"
  exit 1
fi
got=$(tr -d '[:space:]' < /root/answers/nginx-layer 2>/dev/null)
if [ -z "$got" ] || ! jq -r '.[0].Layers[]' $d/manifest.json | grep -qxF "$got"; then
  printf '%s\n' "FAIL: /root/answers/nginx-layer should be one of the Layers names in manifest.json." "FAIL[ko]: /root/answers/nginx-layer 에는 manifest.json 의 Layers 이름 중 하나가 있어야 합니다."
  echo "HINT: jq -r '.[0].Layers[]' /root/nginx-image/manifest.json"
  exit 1
fi
if ! tar -tf "$d/$got" 2>/dev/null | grep -qE '^(\./)?usr/sbin/nginx$'; then
  printf '%s\n' "FAIL: Layer $got does not contain usr/sbin/nginx." "FAIL[ko]: $got 레이어에는 usr/sbin/nginx 가 없습니다."
  printf '%s\n' "HINT: The Debian base layer has no nginx; try the other one." "HINT[ko]: Debian 기본 레이어에는 nginx 가 없습니다. 다른 레이어를 보세요."
  exit 1
fi
echo "layer ok: $got"
