#!/bin/sh
# usage: .chk.sh URL...   (is this source already cited?)
exec python3 "$(dirname "$0")/.novelty.py" "$@"
