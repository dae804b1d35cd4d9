# Source this file (`. scripts/use-node.sh`): puts Node.js 24 LTS first on PATH.
#
# The project runs on Node 24 (package.json `engines`). Where the machine's `node` is older, Node 24 is
# installed from the npm registry — which serves the official Linux binaries as the package
# `node-linux-<arch>` — into `.tools/` of this checkout (once; ~5 s), and its `bin` goes first on PATH for
# this shell. The machine's npm then runs on that Node. Nothing outside the checkout is changed.
# shellcheck shell=bash

TSCDC_NODE_VERSION=24.22.3
TSCDC_NODE_MAJOR=24

tscdc_use_node() {
  local root arch pkg dir current
  root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
  current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$current" -ge "$TSCDC_NODE_MAJOR" ] 2>/dev/null; then
    return 0
  fi
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node: no Node $TSCDC_NODE_MAJOR package for $(uname -m); install Node $TSCDC_NODE_MAJOR yourself" >&2; return 1 ;;
  esac
  pkg="node-linux-$arch"
  dir="$root/.tools/node-$TSCDC_NODE_VERSION"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    if ! command -v npm >/dev/null; then
      echo "use-node: npm is needed to fetch Node $TSCDC_NODE_VERSION (apt-get install -y npm, or install Node $TSCDC_NODE_MAJOR)" >&2
      return 1
    fi
    echo "use-node: installing Node $TSCDC_NODE_VERSION ($pkg from the npm registry) into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@$TSCDC_NODE_VERSION" >&2 || return 1
  fi
  PATH="$dir/node_modules/$pkg/bin:$PATH"
  export PATH
  hash -r 2>/dev/null || true
  echo "use-node: using Node $(node -v) from $dir" >&2
}

tscdc_use_node
