#!/usr/bin/env bash
# OpenShift: the same Secret bootstrap as kubernetes/kube/secret.sh, applied with `oc`.
set -euo pipefail
KUBECTL="${KUBECTL:-oc}" exec "$(dirname "$0")/../kube/secret.sh" "$@"
