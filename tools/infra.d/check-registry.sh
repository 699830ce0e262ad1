#!/usr/bin/env bash
# Smoke test of the schema registry's Confluent-compatible API, as the project's Avro codec
# (@kafkajs/confluent-schema-registry) uses it. Run against a running registry:
#   tools/infra check            (or: bash tools/infra.d/check-registry.sh [base-url])
# Uses a throw-away subject and deletes it afterwards. Exits non-zero on the first surprise.
set -euo pipefail

base="${1:-${SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}}"
subject="continuum-infra-check-$$-value"
other="continuum-infra-check-$$-other-value"
ct='Content-Type: application/vnd.schemaregistry.v1+json'
failures=0

# call METHOD PATH [BODY] -> sets $code and $body
call() {
  local out
  out=$(curl -sS -X "$1" -H "$ct" ${3:+--data "$3"} -w $'\n%{http_code}' "$base$2")
  code=${out##*$'\n'}
  body=${out%$'\n'*}
}
expect() { # expect DESCRIPTION EXPECTED_CODE
  if [[ "$code" == "$2" ]]; then
    printf '  ok    %-58s %s %s\n' "$1" "$code" "$body"
  else
    printf '  FAIL  %-58s got %s (want %s) %s\n' "$1" "$code" "$2" "$body"
    failures=$((failures + 1))
  fi
}
json_schema() { # Avro schema text -> JSON string for the request body
  node -e 'process.stdout.write(JSON.stringify({ schema: process.argv[1] }))' "$1" 2>/dev/null ||
    python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1]}))' "$1"
}

v1='{"type":"record","name":"Check","namespace":"continuum.infra","fields":[{"name":"id","type":"string"}]}'
v1_spaced='{ "type": "record", "name": "Check", "namespace": "continuum.infra",
  "fields": [ { "name": "id", "type": "string" } ] }'
# Adds a field without a default: a reader on v2 cannot read v1 data -> not BACKWARD compatible.
v2_bad='{"type":"record","name":"Check","namespace":"continuum.infra","fields":[{"name":"id","type":"string"},{"name":"score","type":"double"}]}'
# Adds a field with a default: BACKWARD compatible.
v2_good='{"type":"record","name":"Check","namespace":"continuum.infra","fields":[{"name":"id","type":"string"},{"name":"score","type":"double","default":0.0}]}'

echo "Schema registry at $base"
call GET /config; expect "GET /config (global compatibility)" 200
call GET "/config/$subject"; expect "GET /config/{subject} before the subject exists" 404
call POST "/subjects/$subject/versions" "$(json_schema "$v1")"; expect "register v1" 200
id1=$(sed -E 's/.*"id":([0-9]+).*/\1/' <<<"$body")
# Confluent answers 404 here (no subject-level config); Apicurio answers 200 with the global
# level. Either way @kafkajs/confluent-schema-registry proceeds when that level is BACKWARD.
call GET "/config/$subject"
if [[ "$code" == 404 || "$body" == *'"compatibilityLevel":"BACKWARD"'* ]]; then
  expect "GET /config/{subject} after registering, none set" "$code"
else
  expect "GET /config/{subject} after registering, none set (404 or BACKWARD)" 404
fi
call PUT "/config/$subject" '{"compatibility":"BACKWARD"}'; expect "PUT /config/{subject} BACKWARD" 200
call GET "/config/$subject"; expect "GET /config/{subject} after PUT" 200
[[ "$body" == *'"compatibilityLevel":"BACKWARD"'* ]] || { echo "  FAIL  compatibilityLevel is not BACKWARD"; failures=$((failures + 1)); }
call POST "/subjects/$subject/versions" "$(json_schema "$v1")"; expect "register v1 again (same id expected: $id1)" 200
[[ "$body" == *"\"id\":$id1"* ]] || { echo "  FAIL  re-registering v1 gave another id"; failures=$((failures + 1)); }
call POST "/subjects/$subject/versions" "$(json_schema "$v1_spaced")"; expect "register v1 with other whitespace (same id expected)" 200
[[ "$body" == *"\"id\":$id1"* ]] || { echo "  FAIL  whitespace-only change gave another id"; failures=$((failures + 1)); }
call POST "/subjects/$subject" "$(json_schema "$v1")"; expect "look up v1 under its subject" 200
call POST "/compatibility/subjects/$subject/versions/latest" "$(json_schema "$v2_bad")"; expect "compatibility check of incompatible v2" 200
[[ "$body" == *'"is_compatible":false'* ]] || { echo "  FAIL  incompatible v2 reported compatible"; failures=$((failures + 1)); }
call POST "/subjects/$subject/versions" "$(json_schema "$v2_bad")"; expect "register BACKWARD-incompatible v2 (refused)" 409
call POST "/subjects/$subject/versions" "$(json_schema "$v2_good")"; expect "register BACKWARD-compatible v2" 200
id2=$(sed -E 's/.*"id":([0-9]+).*/\1/' <<<"$body")
call GET "/subjects/$subject/versions"; expect "list versions" 200
call GET "/schemas/ids/$id2"; expect "GET /schemas/ids/{id} of v2" 200
call POST "/subjects/$other/versions" "$(json_schema "$v1")"; expect "same schema under another subject (id $id1 expected)" 200
[[ "$body" == *"\"id\":$id1"* ]] && echo "        -> same id across subjects (Confluent behaviour)" ||
  echo "        -> another id across subjects (differs from Confluent, not an error for the codec)"
call DELETE "/subjects/$subject"; expect "DELETE subject (soft)" 200
call DELETE "/subjects/$subject?permanent=true"; expect "DELETE subject (permanent)" 200
call DELETE "/subjects/$other"; expect "DELETE other subject (soft)" 200
call DELETE "/subjects/$other?permanent=true"; expect "DELETE other subject (permanent)" 200

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all registry checks passed"
