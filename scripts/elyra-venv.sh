#!/usr/bin/env bash
# Make .venv-elyra: Elyra beside this JupyterLab, with this extension loaded
# from the source tree (server part through a .pth file, frontend through a
# link to jupyterlab_overlays/labextension, as `jupyter labextension develop`
# does). The Elyra hand-off tests (pytest, Galata) run a server from it.
#
# Elyra cannot share the main test venv: it brings jupyter-ai,
# jupyterlab-git, jupyterlab-lsp and more, which would change every other
# UI test. Safe to re-run: it does nothing when the venv is up to date.
#
#   scripts/elyra-venv.sh [venv-dir]      (default: .venv-elyra)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${1:-$ROOT/.venv-elyra}"
PYTHON="${PYTHON:-python3}"
PACKAGES=(elyra==4.1.1 "jupyterlab>=4.6.0,<4.7" "pipenv>=2024.0")
WANTED="${PACKAGES[*]} @ $ROOT"
MARKER="$VENV/.installed"

if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$WANTED" ]]; then
  exit 0
fi

echo "Making $VENV: ${PACKAGES[*]} (a few minutes, once)"
"$PYTHON" -m venv --clear "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "${PACKAGES[@]}"

# The server extension, from the source tree.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$ROOT" > "$SITE/jupyterlab_overlays_source.pth"
mkdir -p "$VENV/etc/jupyter/jupyter_server_config.d"
cp "$ROOT/jupyter-config/server-config/jupyterlab_overlays.json" \
  "$VENV/etc/jupyter/jupyter_server_config.d/"
# The frontend, as built by `make install` (jlpm build).
mkdir -p "$VENV/share/jupyter/labextensions"
ln -sfn "$ROOT/jupyterlab_overlays/labextension" \
  "$VENV/share/jupyter/labextensions/jupyterlab-overlays"

"$VENV/bin/python" -c 'import elyra, jupyterlab_overlays' >/dev/null
echo "$WANTED" > "$MARKER"
