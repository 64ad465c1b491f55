#!/bin/sh
# nxcalico: routes of node k8s-c1 (leaf pair rack-c) to its leaf peering loopbacks.
# Idempotent: safe to run again. Routes set with ip do not survive a reboot; add the same
# routes to the node's network configuration to make them permanent.
set -eu
ip route replace 10.255.0.4/32 via 172.16.0.1 dev bond0
