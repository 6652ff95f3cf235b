#!/usr/bin/env bash
# Debian packages the test suite needs:
#  - python3-onnx: the official ONNX checker (onnx.checker.check_model, full_check)
#  - chromium: the headless browser the web-demo tests drive through playwright-core
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends python3-onnx python3-numpy chromium fonts-dejavu-core >/dev/null
