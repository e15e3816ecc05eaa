#!/bin/bash
set -e
mkdir -p /root/answers
ps -e --no-headers | wc -l > /root/answers/processes
