#!/bin/bash
# Runs as root in every node before the prompt: the folder the steps write their answers into.
mkdir -p /root/answers
