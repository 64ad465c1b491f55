#!/bin/sh
# nxcalico: routes of node node01 (leaf pair rack1) to its leaf peering loopbacks.
# Idempotent: safe to run again. Routes set with ip do not survive a reboot; add the same
# routes to the node's network configuration to make them permanent.
set -eu
ip route replace 192.168.100.1/32 via 192.168.1.1 dev bond0
ip route replace 192.168.100.2/32 via 192.168.1.1 dev bond0
ip -6 route replace 2001:193:168:1::4/127 via 2001:192:168:1::1 dev bond0
