#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for the Kubernetes backend's tests:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler built from the Go
# module proxy (no reachable registry packages them), and kwok as a fake node that
# moves pods through their phases and serves their logs.
#
#   scripts/kube-harness.sh install   build what is missing into the cache (10-15 min
#                                     on 2 cores from empty caches; 0 s when cached)
#   scripts/kube-harness.sh start     install if needed, start, print the admin kubeconfig
#   scripts/kube-harness.sh stop      stop what `start` started (by recorded pid)
#   scripts/kube-harness.sh env       KUBECONFIG and the harness facts, as export lines
#   scripts/kube-harness.sh reset     stop, forget certificates, etcd data and logs
#
# Environment: OVERLAYS_KUBE_CACHE (default ~/.cache/jupyterlab-overlays/kube; the
# binaries and Go caches stay there between runs), OVERLAYS_KUBE_PORT_BASE (default
# 26000: etcd +379/+380, apiserver +443, controller-manager +257, scheduler +259,
# kwok +247). Everything listens on 127.0.0.1 only.
#
# The pods kwok runs never start containers. What they do is told by annotations on
# the pod (the tests put them in the pod template):
#   jupyterlab-overlays.test/outcome: fail | oom | pull-fail | run-forever
#   jupyterlab-overlays.test/exit-code: "3"        (with fail; default 1)
#   jupyterlab-overlays.test/run-for: 2s           (Go duration; default 2s)
# Every container's log is the file $RUN/kwok/default.log (CRI log format), which the
# tests write; lines appended to it reach a client following the log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION=v1.34.4
KWOK_VERSION=v0.8.0
CACHE="${OVERLAYS_KUBE_CACHE:-$HOME/.cache/jupyterlab-overlays/kube}"
RUN="$CACHE/run"
BIN="$CACHE/bin/k8s-$K8S_VERSION"
KWOK_BIN="$CACHE/bin/kwok-$KWOK_VERSION"
MODULE="$HERE/kube-harness" # go.mod / go.sum / tools.go pinning the programs
PKI="$RUN/pki"
PIDS="$RUN/pids"
LOGS="$RUN/logs"
ADDR=127.0.0.1
BASE="${OVERLAYS_KUBE_PORT_BASE:-26000}"
ETCD_PORT=$((BASE + 379)) ETCD_PEER_PORT=$((BASE + 380)) API_PORT=$((BASE + 443))
KCM_PORT=$((BASE + 257)) SCHED_PORT=$((BASE + 259)) KWOK_PORT=$((BASE + 247))
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[kube-harness %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

go_env() {
  command -v go >/dev/null || export PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null || die "no Go toolchain (kwok $KWOK_VERSION needs Go >= 1.26)"
  export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOPATH="$CACHE/go/path"
  export GOFLAGS="-buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0
}

# Version stamps, else the programs report v0.0.0 and clients warn of the skew.
ldflags() {
  local f="-s -w" p
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    f+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=34 -X $p.gitTreeState=clean"
  done
  echo "$f"
}

cmd_install() {
  local programs=() b
  for b in kube-apiserver kube-controller-manager kube-scheduler etcd; do
    [ -x "$BIN/$b" ] || programs+=("$b")
  done
  if [ ${#programs[@]} -gt 0 ]; then
    go_env
    mkdir -p "$BIN" "$CACHE/src"
    # `go install k8s.io/kubernetes/cmd/...@v` refuses a module with replace
    # directives: build from our own module that pins it and the staging modules.
    cp "$MODULE/go.mod" "$MODULE/go.sum" "$MODULE/tools.go" "$CACHE/src/"
    local packages=()
    for b in "${programs[@]}"; do
      if [ "$b" = etcd ]; then packages+=(go.etcd.io/etcd/server/v3); else packages+=("k8s.io/kubernetes/cmd/$b"); fi
    done
    log "building ${programs[*]} (about 10-15 min on 2 cores from empty caches)"
    rm -rf "$BIN/.new" && mkdir -p "$BIN/.new"
    (cd "$CACHE/src" && go build -trimpath -ldflags "$(ldflags)" -o "$BIN/.new/" "${packages[@]}") \
      > "$CACHE/build.log" 2>&1 || { tail -30 "$CACHE/build.log" >&2; die "go build failed"; }
    [ -f "$BIN/.new/server" ] && mv "$BIN/.new/server" "$BIN/.new/etcd"
    mv "$BIN/.new/"* "$BIN/" && rmdir "$BIN/.new"
  fi
  if [ ! -x "$KWOK_BIN/kwok" ]; then
    go_env
    log "building kwok $KWOK_VERSION"
    GOBIN="$KWOK_BIN" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" \
      > "$CACHE/kwok-build.log" 2>&1 || { tail -30 "$CACHE/kwok-build.log" >&2; die "kwok build failed"; }
  fi
  if [ ! -f "$KWOK_BIN/logs-crd.yaml" ]; then # kwok's CRD for per-pod logs, from its module
    go_env
    local dir
    dir="$(cd "$CACHE" && GOFLAGS= go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    cp "$dir/kustomize/crd/bases/kwok.x-k8s.io_logs.yaml" "$KWOK_BIN/logs-crd.yaml"
  fi
}

alive() { # component -> 0 when its recorded pid still runs our binary
  local f="$PIDS/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$RUN"
}

spawn() { # component command...
  local name="$1"; shift
  setsid "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

wait_for() { # what seconds command...
  local what="$1" end=$(( $(date +%s) + $2 )); shift 2
  until "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

certificate() { # name subject extensions
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$PKI/$1.key" -out "$PKI/$1.csr" 2> /dev/null
  printf '%s\n' "$3" > "$PKI/$1.ext"
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$PKI/$1.ext" -out "$PKI/$1.crt" 2> /dev/null
}

kubeconfig() { # file user token
  cat > "$1" << EOF
apiVersion: v1
kind: Config
clusters:
- name: harness
  cluster: {server: "https://$ADDR:$API_PORT", certificate-authority: "$PKI/ca.crt"}
users:
- name: $2
  user: {token: "$3"}
contexts:
- name: harness
  context: {cluster: harness, user: "$2", namespace: default}
current-context: harness
EOF
  chmod 600 "$1"
}

make_pki() {
  [ -f "$PKI/done" ] && return
  mkdir -p "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=overlays-harness-ca" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2> /dev/null
  certificate apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
  certificate kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  certificate kwok /CN=kwok-node-0 "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
  openssl genrsa -out "$PKI/sa.key" 2048 2> /dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2> /dev/null
  local admin kcm sched kwok nobody
  admin="$(openssl rand -hex 16)" kcm="$(openssl rand -hex 16)" sched="$(openssl rand -hex 16)"
  kwok="$(openssl rand -hex 16)" nobody="$(openssl rand -hex 16)"
  cat > "$PKI/tokens.csv" << EOF
$admin,harness-admin,u-admin,"system:masters"
$kcm,system:kube-controller-manager,u-kcm
$sched,system:kube-scheduler,u-sched
$kwok,kwok-controller,u-kwok,"system:masters"
$nobody,harness-nobody,u-nobody
EOF
  chmod 600 "$PKI"/*.key "$PKI/tokens.csv"
  kubeconfig "$RUN/admin.kubeconfig" harness-admin "$admin"
  kubeconfig "$RUN/kcm.kubeconfig" system:kube-controller-manager "$kcm"
  kubeconfig "$RUN/scheduler.kubeconfig" system:kube-scheduler "$sched"
  kubeconfig "$RUN/kwok.kubeconfig" kwok-controller "$kwok"
  kubeconfig "$RUN/nobody.kubeconfig" harness-nobody "$nobody"
  touch "$PKI/done"
}

admin_api() { # method path [yaml body]: a request as the admin (what kubectl would do)
  local token
  token="$(sed -n 's/^\([^,]*\),harness-admin,.*/\1/p' "$PKI/tokens.csv")"
  curl -sSf --max-time 10 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $token" \
    -H "Content-Type: application/yaml" -X "$1" "https://$ADDR:$API_PORT$2" ${3:+--data-binary "$3"}
}

start_control_plane() {
  spawn etcd "$BIN/etcd" --name harness --data-dir "$RUN/etcd" --unsafe-no-fsync --log-level warn \
    --listen-client-urls "http://$ADDR:$ETCD_PORT" --advertise-client-urls "http://$ADDR:$ETCD_PORT" \
    --listen-peer-urls "http://$ADDR:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$ADDR:$ETCD_PEER_PORT" \
    --initial-cluster "harness=http://$ADDR:$ETCD_PEER_PORT"
  wait_for etcd 30 curl -sf "http://$ADDR:$ETCD_PORT/health" || die "etcd did not start ($LOGS/etcd.log)"
  spawn kube-apiserver "$BIN/kube-apiserver" --bind-address "$ADDR" --advertise-address "$ADDR" \
    --secure-port "$API_PORT" --etcd-servers "http://$ADDR:$ETCD_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --token-auth-file "$PKI/tokens.csv" \
    --authorization-mode RBAC --anonymous-auth=false \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --kubelet-client-certificate "$PKI/kubelet-client.crt" --kubelet-client-key "$PKI/kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --profiling=false
  wait_for kube-apiserver 120 admin_api GET /readyz || die "kube-apiserver not ready ($LOGS/kube-apiserver.log)"
  spawn kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$RUN/kcm.kubeconfig" \
    --authentication-kubeconfig "$RUN/kcm.kubeconfig" --authorization-kubeconfig "$RUN/kcm.kubeconfig" \
    --bind-address "$ADDR" --secure-port "$KCM_PORT" --cert-dir "$RUN/kcm-certs" --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file "$PKI/sa.key" \
    --root-ca-file "$PKI/ca.crt" --profiling=false
  spawn kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$RUN/scheduler.kubeconfig" \
    --authentication-kubeconfig "$RUN/scheduler.kubeconfig" --authorization-kubeconfig "$RUN/scheduler.kubeconfig" \
    --bind-address "$ADDR" --secure-port "$SCHED_PORT" --cert-dir "$RUN/scheduler-certs" \
    --leader-elect=false --profiling=false
}

start_fake_node() {
  mkdir -p "$RUN/kwok"
  [ -f "$RUN/kwok/default.log" ] || printf '%s stdout F %s\n' \
    2026-01-01T00:00:00Z "STEP 1/2: FROM base (harness log)" \
    2026-01-01T00:00:01Z "COMMIT (harness log)" > "$RUN/kwok/default.log"
  sed -e "s|@PORT@|$KWOK_PORT|g" -e "s|@PKI@|$PKI|g" -e "s|@LOG@|$RUN/kwok/default.log|g" \
    -e "s|@VERSION@|$K8S_VERSION|g" "$MODULE/kwok.yaml" > "$RUN/kwok/kwok.yaml"
  admin_api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions "$(cat "$KWOK_BIN/logs-crd.yaml")" \
    > /dev/null 2>&1 || true # already there after a restart
  # A kwok started again would wait for its previous node lease to expire (40 s)
  # before it moves any pod: the lease goes first.
  admin_api DELETE /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kwok-node-0 \
    > /dev/null 2>&1 || true
  spawn kwok "$KWOK_BIN/kwok" --kubeconfig "$RUN/kwok.kubeconfig" --config "$RUN/kwok/kwok.yaml"
  admin_api POST /api/v1/nodes "apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64}" \
    > /dev/null 2>&1 || true
}

node_ready() { admin_api GET /api/v1/nodes/kwok-node-0 | python3 -c '
import json, sys
node = json.load(sys.stdin)
sys.exit(0 if any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"].get("conditions", [])) else 1)'; }

cmd_start() {
  cmd_install
  mkdir -p "$PIDS" "$LOGS"
  local all=1 c
  for c in "${COMPONENTS[@]}"; do alive "$c" || all=0; done
  if [ "$all" = 1 ]; then echo "$RUN/admin.kubeconfig"; return; fi
  cmd_stop
  local started=$SECONDS
  trap 'log "start failed; logs in $LOGS"; cmd_stop' EXIT
  make_pki
  start_control_plane
  start_fake_node
  wait_for "fake node" 60 node_ready || die "the fake node is not Ready ($LOGS/kwok.log)"
  wait_for "default ServiceAccount" 60 admin_api GET /api/v1/namespaces/default/serviceaccounts/default \
    || die "no default ServiceAccount ($LOGS/kube-controller-manager.log)"
  trap - EXIT
  log "started in $((SECONDS - started)) s"
  echo "$RUN/admin.kubeconfig"
}

cmd_stop() {
  local c pid n
  for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    if alive "$c"; then
      pid="$(cat "$PIDS/$c.pid")"
      kill -TERM "$pid" 2> /dev/null || true
      for n in $(seq 100); do [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2> /dev/null)" != Z ] || break; sleep 0.1; done
      kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$PIDS/$c.pid"
  done
}

cmd_env() {
  echo "export KUBECONFIG=$RUN/admin.kubeconfig"
  echo "export OVERLAYS_KUBE_NOBODY=$RUN/nobody.kubeconfig"
  echo "export OVERLAYS_KUBE_LOG=$RUN/kwok/default.log"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  reset) cmd_stop; rm -rf "$RUN" ;;
  *) echo "usage: $0 install|start|stop|env|reset" >&2; exit 2 ;;
esac
