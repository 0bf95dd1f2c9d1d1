#!/usr/bin/env bash
# Install the Debian packages this project needs, only those missing.
#   scripts/install-system.sh lab    build tools for `make lab`
#   scripts/install-system.sh test   the same plus chromium for the Galata tests,
#                                    docker-registry for the push tests and podman
#                                    for the podman builds (test_jobs_podman.py), and
#                                    catatonit, the pause process of `podman kube play`
#                                    (test_kube_pod_builds.py)
set -euo pipefail

# buildah builds images daemonless; runc replaces crun, which fails on these
# machines ("cgroups in hybrid mode not supported"); mmdebstrap makes a local
# base image when no registry is reachable.
packages=(buildah runc mmdebstrap)
case "${1:-lab}" in
  lab) ;;
  # docker-registry (distribution 2.8): the pytest push tests start one on a free
  # localhost port; the package's own service (port 5000) is not used. podman (with
  # conmon; no recommends, so runc, not crun) shares buildah's storage and network stack.
  test) packages+=(chromium docker-registry podman catatonit) ;;
  *) echo "usage: $0 lab|test" >&2; exit 2 ;;
esac
command -v node >/dev/null || packages+=(nodejs npm)
command -v python3 >/dev/null || packages+=(python3 python3-venv)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}; install them as root:" >&2
  echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Build tools without their recommends (they would pull in crun); chromium
# with them (fonts).
build_tools=() others=()
for package in "${missing[@]}"; do
  case "$package" in
    buildah|runc|mmdebstrap|docker-registry|podman|catatonit) build_tools+=("$package") ;;
    *) others+=("$package") ;;
  esac
done
if [ ${#build_tools[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${build_tools[@]}" >/dev/null
fi
if [ ${#others[@]} -gt 0 ]; then
  apt-get install -y -qq "${others[@]}" >/dev/null
fi
