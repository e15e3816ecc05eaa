#!/bin/bash
set -e
mkdir -p /root/answers
mine=$(readlink /proc/1/ns/uts | tr -dc 0-9)
# lsns -t uts: NS and lowest PID per UTS namespace; pick the one whose hostname is red.
for pid in $(lsns -t uts -n -o NS,PID | awk -v m="$mine" '$1!=m {print $2}'); do
  if [ "$(nsenter -t "$pid" -u hostname)" = red ]; then
    echo "$pid" > /root/answers/uts-pid
    nsenter -t "$pid" -u hostname > /root/answers/nsenter-hostname
    exit 0
  fi
done
exit 1
