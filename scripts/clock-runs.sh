#!/usr/bin/env bash
# Runs the tests that read the product's clock with that clock set to awkward instants, half a
# second before midnight WIB: a Friday (the weekend starts), 31 December (a new year, and a
# national holiday, starts) and the eve of a national holiday (Hari Raya Natal, 25 December 2026,
# in date-holidays' list for ID). Each run prints one line; the script fails if any run did.
#
#   bash scripts/clock-runs.sh                  # every directory whose tests run the product on the test clock
#   bash scripts/clock-runs.sh tests            # the whole suite at each instant
#
# The default is every directory whose tests run the product on KANAL_TEST_CLOCK (startTestApp,
# the flow and live-chat drivers): they open cases, date replies and time idle limits. What it
# leaves out passes its instants explicitly (tests/conversation) or reads no "now" at all.
#
# The tests pick the instant up through KANAL_TEST_CLOCK (tests/support/clock.ts); the clock then
# moves on with real time, so each run crosses midnight WIB while it is running.
set -uo pipefail
cd "$(dirname "$0")/.."

INSTANTS=(
  '2026-12-04T16:59:59.500Z|Friday 4 December 2026, 23:59:59.5 WIB'
  '2026-12-31T16:59:59.500Z|Thursday 31 December 2026, 23:59:59.5 WIB (New Year follows)'
  '2026-12-24T16:59:59.500Z|Thursday 24 December 2026, 23:59:59.5 WIB (eve of Hari Raya Natal)'
)
if [ "$#" -gt 0 ]; then paths=("$@"); else paths=(
    tests/cases tests/pipeline tests/channels/whatsapp-cloud tests/channels/webchat
    tests/console tests/integrations tests/media tests/catalogue tests/flows tests/livechat
    tests/broadcasts tests/queues tests/http
  ); fi

# The holiday-eve run is only worth its name while the next day is a national holiday.
node --input-type=module -e "
  import Holidays from 'date-holidays';
  const days = new Holidays('ID').getHolidays(2026).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10));
  if (!days.includes('2026-12-25')) { console.error('date-holidays no longer lists 2026-12-25 for ID: pick another eve'); process.exit(1); }
" || exit 1

logs=$(mktemp -d)
failures=0
for entry in "${INSTANTS[@]}"; do
  instant=${entry%%|*}
  label=${entry#*|}
  log="$logs/${instant//:/-}.log"
  started=$(date +%s)
  KANAL_TEST_CLOCK=$instant npx vitest run "${paths[@]}" >"$log" 2>&1
  code=$?
  printf '%s  %s\n  ' "$instant" "$label"
  node scripts/vitest-summary.mjs "$log" "$code" "$(($(date +%s) - started))"
  [ "$code" -eq 0 ] || failures=$((failures + 1))
done
echo "clock runs: $((${#INSTANTS[@]} - failures)) of ${#INSTANTS[@]} green (logs in $logs)"
[ "$failures" -eq 0 ]
