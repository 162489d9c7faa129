#!/usr/bin/env bash
# Creates or updates the pi-forge-secret Secret the pod reads (the gateway all of it, the three
# services only GRPC_SECRET). Idempotent:
# run it again to change a value. Values come from the environment, or are generated:
#   UI_PASSWORD=… ./secret.sh                 browser login (empty: no password)
#   API_KEY=… ./secret.sh                     script access; GENERATE_API_KEY=1 makes a random one
#   METRICS_TOKEN=… ./secret.sh               Prometheus scrape token; GENERATE_METRICS_TOKEN=1 makes one
# GRPC_SECRET (the shared secret on every gRPC call inside the pod) is generated on the first run
# and kept on later runs; GRPC_SECRET=… sets it, ROTATE_GRPC_SECRET=1 makes a new one (then
# restart the pod: all four containers must start with the same value).
# JWT_SECRET stays unset on purpose: the gateway generates it into the data volume on first boot
# (delete /home/pi/.pi-forge/jwt-secret to rotate); set JWT_SECRET only to rotate it centrally.
# Secret values are never printed. KUBECTL=oc for OpenShift; NAMESPACE defaults to pi-forge.
set -euo pipefail
KUBECTL="${KUBECTL:-kubectl}"
NAMESPACE="${NAMESPACE:-pi-forge}"

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
[ "${GENERATE_API_KEY:-}" = 1 ] && [ -z "${API_KEY:-}" ] && API_KEY="$(random)"
[ "${GENERATE_METRICS_TOKEN:-}" = 1 ] && [ -z "${METRICS_TOKEN:-}" ] && METRICS_TOKEN="$(random)"
if [ -z "${GRPC_SECRET:-}" ] && [ "${ROTATE_GRPC_SECRET:-}" != 1 ]; then
  # keep the one already in the cluster (absent on the first run)
  GRPC_SECRET="$("$KUBECTL" get secret pi-forge-secret --namespace "$NAMESPACE" -o 'jsonpath={.data.GRPC_SECRET}' 2>/dev/null | base64 -d 2>/dev/null || true)"
fi
[ -z "${GRPC_SECRET:-}" ] && GRPC_SECRET="$(random)"

args=(create secret generic pi-forge-secret --namespace "$NAMESPACE"
  --from-literal=UI_PASSWORD="${UI_PASSWORD:-}"
  --from-literal=API_KEY="${API_KEY:-}"
  --from-literal=METRICS_TOKEN="${METRICS_TOKEN:-}"
  --from-literal=GRPC_SECRET="$GRPC_SECRET")
[ -n "${JWT_SECRET:-}" ] && args+=(--from-literal=JWT_SECRET="$JWT_SECRET")

# Render locally, then apply: creates the Secret or updates it in place.
"$KUBECTL" "${args[@]}" --dry-run=client -o yaml | "$KUBECTL" apply -f -
echo "pi-forge-secret applied in namespace $NAMESPACE (keys: UI_PASSWORD API_KEY METRICS_TOKEN GRPC_SECRET${JWT_SECRET:+ JWT_SECRET})."
[ "${GENERATE_API_KEY:-}" = 1 ] && echo "read the API key with: $KUBECTL -n $NAMESPACE get secret pi-forge-secret -o jsonpath='{.data.API_KEY}' | base64 -d"
exit 0
