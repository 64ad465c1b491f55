#!/bin/sh
# nxcalico: routes of node k8s-a1 (leaf pair rack-a) to its leaf peering loopbacks.
# Idempotent: safe to run again. Routes set with ip do not survive a reboot; add the same
# routes to the node's network configuration to make them permanent.
set -eu
ip route replace 10.255.0.0/31 via 172.16.0.1 dev bond0
ip -6 route replace fd00:255::/127 via fd00:172:16::1 dev bond0
