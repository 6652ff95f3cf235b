#!/usr/bin/env bash
# Debian packages the test suite needs:
#  - python3-onnx: the official ONNX checker (onnx.checker.check_model, full_check)
#  - chromium: the headless browser the web-demo tests drive through playwright-core
#  - libvulkan1 + mesa-vulkan-drivers: the Vulkan loader and Mesa's CPU driver (lavapipe, adapter "llvmpipe"), so
#    the tfjs WebGPU backend (Dawn through the `webgpu` npm package) trains on a software adapter in CI.
#    Debian 12's Mesa 22 lavapipe lacks features Dawn requires; Mesa 25 from bookworm-backports works.
# Idempotent: when everything is already installed it touches nothing and returns in well under a second.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

BASE_PACKAGES=(python3-onnx python3-numpy chromium fonts-dejavu-core)
VULKAN_PACKAGES=(libvulkan1 mesa-vulkan-drivers)
MESA_MIN_MAJOR=25   # the oldest Mesa whose lavapipe Dawn accepts

# shellcheck disable=SC1091
CODENAME="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

installed_mesa_major() {
  local version
  version="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
  [[ "$version" =~ ^([0-9]+:)?([0-9]+) ]] && echo "${BASH_REMATCH[2]}" || echo 0
}

# Prints "URI<TAB>SIGNED_BY" for the first enabled deb source of "$CODENAME main", read from the machine's own apt
# configuration (one-line .list files and deb822 .sources files), so the backports entry uses the same mirror.
main_suite_source() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v suite="$CODENAME" '
      { sub(/#.*/, "") }
      $1 == "deb" {
        opts = ""
        if (match($0, /\[[^]]*\]/)) { opts = substr($0, RSTART + 1, RLENGTH - 2); $0 = substr($0, 1, RSTART - 1) substr($0, RSTART + RLENGTH) }
        signed = ""
        if (match(opts, /signed-by=[^ ]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
        if ($3 != suite) next
        for (i = 4; i <= NF; i++) if ($i == "main") { print $2 "\t" signed; exit }
      }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$CODENAME" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main /) {
          split(uris, u, " "); print u[1] "\t" signed; found = 1; exit
        }
        types = uris = suites = comps = signed = enabled = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }
      {
        key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "types") types = val; else if (key == "uris") uris = val; else if (key == "suites") suites = val
        else if (key == "components") comps = val; else if (key == "enabled") enabled = tolower(val)
        else if (key == "signed-by" && val ~ /^\//) signed = val
      }
      END { if (!found) flush() }' "$file"
  done
}

backports_configured() {
  grep -rqsE "(^|[[:space:]])${CODENAME}-backports([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d/ \
    --include='*.list' --include='*.sources' --include='sources.list'
}

add_backports_source() {
  local source uri signed target="/etc/apt/sources.list.d/${CODENAME}-backports.sources"
  source="$(main_suite_source)"; source="${source%%$'\n'*}"
  if [ -z "$source" ]; then
    echo "install-system-deps: no apt source for '$CODENAME main' found in /etc/apt; add one, or install Mesa >= $MESA_MIN_MAJOR's mesa-vulkan-drivers yourself" >&2
    exit 1
  fi
  uri="${source%%$'\t'*}"; signed="${source#*$'\t'}"
  {
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: ${CODENAME}-backports"
    echo "Components: main"
    [ -n "$signed" ] && echo "Signed-By: $signed"
  } | $SUDO tee "$target" >/dev/null
  echo "install-system-deps: added ${CODENAME}-backports from $uri ($target)"
}

# Which Vulkan packages to install, and from which suite: on bookworm Mesa comes from backports together with the
# libdrm it was built against; newer releases ship a recent enough Mesa in their main suite.
vulkan_wanted=()
vulkan_release=()
mesa_major="$(installed_mesa_major)"
if [ -n "$(missing_packages "${VULKAN_PACKAGES[@]}")" ] || [ "$mesa_major" -lt "$MESA_MIN_MAJOR" ]; then
  vulkan_wanted=("${VULKAN_PACKAGES[@]}")
  if [ "$CODENAME" = "bookworm" ]; then
    vulkan_wanted+=(libdrm2 libdrm-common libdrm-amdgpu1)
    vulkan_release=(-t "${CODENAME}-backports")
    backports_configured || add_backports_source
  fi
fi

base_missing=($(missing_packages "${BASE_PACKAGES[@]}"))
if [ ${#base_missing[@]} -eq 0 ] && [ ${#vulkan_wanted[@]} -eq 0 ]; then
  exit 0
fi

$SUDO apt-get update -qq
if [ ${#base_missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${BASE_PACKAGES[@]}" >/dev/null
fi
if [ ${#vulkan_wanted[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${vulkan_release[@]}" "${vulkan_wanted[@]}" >/dev/null
  echo "install-system-deps: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) installed"
fi
