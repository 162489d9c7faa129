#!/usr/bin/env bash
# Creates or updates the pi-forge-secret Secret that the gateway container reads. Idempotent:
# run it again to change a value. Values come from the environment, or are generated:
#   UI_PASSWORD=… ./secret.sh                 browser login (empty: no password)
#   API_KEY=… ./secret.sh                     script access; GENERATE_API_KEY=1 makes a random one
#   METRICS_TOKEN=… ./secret.sh               Prometheus scrape token; GENERATE_METRICS_TOKEN=1 makes one
# JWT_SECRET stays unset on purpose: the gateway generates it into the data volume on first boot
# (delete /home/pi/.pi-forge/jwt-secret to rotate); set JWT_SECRET only to rotate it centrally.
# Secret values are never printed. KUBECTL=oc for OpenShift; NAMESPACE defaults to pi-forge.
set -euo pipefail
KUBECTL="${KUBECTL:-kubectl}"
NAMESPACE="${NAMESPACE:-pi-forge}"

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
[ "${GENERATE_API_KEY:-}" = 1 ] && [ -z "${API_KEY:-}" ] && API_KEY="$(random)"
[ "${GENERATE_METRICS_TOKEN:-}" = 1 ] && [ -z "${METRICS_TOKEN:-}" ] && METRICS_TOKEN="$(random)"

args=(create secret generic pi-forge-secret --namespace "$NAMESPACE"
  --from-literal=UI_PASSWORD="${UI_PASSWORD:-}"
  --from-literal=API_KEY="${API_KEY:-}"
  --from-literal=METRICS_TOKEN="${METRICS_TOKEN:-}")
[ -n "${JWT_SECRET:-}" ] && args+=(--from-literal=JWT_SECRET="$JWT_SECRET")

# Render locally, then apply: creates the Secret or updates it in place.
"$KUBECTL" "${args[@]}" --dry-run=client -o yaml | "$KUBECTL" apply -f -
echo "pi-forge-secret applied in namespace $NAMESPACE (keys: UI_PASSWORD API_KEY METRICS_TOKEN${JWT_SECRET:+ JWT_SECRET})."
[ "${GENERATE_API_KEY:-}" = 1 ] && echo "read the API key with: $KUBECTL -n $NAMESPACE get secret pi-forge-secret -o jsonpath='{.data.API_KEY}' | base64 -d"
exit 0
