#!/bin/bash
set -e
mkdir -p /root/answers
if grep -q -w hypervisor /proc/cpuinfo; then echo yes; else echo no; fi > /root/answers/host-is-vm
