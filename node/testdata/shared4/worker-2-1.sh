#!/bin/sh
# nxcalico: routes of node worker-2-1 (leaf pair rack2) to its leaf peering loopbacks.
# None needed: Calico reaches the leaf loopbacks itself (BGPPeer reachableBy).
set -eu
