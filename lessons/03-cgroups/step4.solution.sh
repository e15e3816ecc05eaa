#!/bin/bash
set -o pipefail
python3 /root/forkbomb.py | tee /root/answers/forks
