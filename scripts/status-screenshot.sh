#!/usr/bin/env bash
# Refreshes docs/status-page.png and docs/dashboard.png (the README's pictures of the status
# worker's page and dashboard): runs the browser tests, which saves what headless Chromium shows. Needs a build (scripts/test.sh makes
# one under build/test) and the packages the test command installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_BUILD="${AJPGATE_BUILD:-$root/build/test}"
export AJPGATE_SCREENSHOT="$root/docs/status-page.png"
export AJPGATE_SCREENSHOT_DASHBOARD="$root/docs/dashboard.png"
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
"$python" "$root/tests/integration/run.py" test_status_browser
"$python" "$root/tests/integration/run.py" test_dashboard_browser
echo "wrote $AJPGATE_SCREENSHOT and $AJPGATE_SCREENSHOT_DASHBOARD"
