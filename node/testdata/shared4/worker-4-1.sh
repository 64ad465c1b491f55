#!/bin/sh
# nxcalico: routes of node worker-4-1 (leaf pair rack4) to its leaf peering loopbacks.
# None needed: Calico reaches the leaf loopbacks itself (BGPPeer reachableBy).
set -eu
