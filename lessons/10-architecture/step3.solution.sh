#!/bin/bash
set -e
mkdir -p /root/answers
awk 'NR==1{print $2}' /proc/self/uid_map > /root/answers/host-uid
for f in /proc/1/ns/*; do
  t=$(basename "$f"); case $t in *_for_children) continue;; esac
  i=$(readlink "$f" | tr -dc 0-9)
  if [ "$i" -ge 4026531834 ] && [ "$i" -le 4026531841 ]; then echo "$t"; fi
done > /root/answers/shared-ns
cat /root/answers/host-uid /root/answers/shared-ns
