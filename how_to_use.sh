#!/usr/bin/env bash
# how_to_use.sh: fetch temporary AWS credentials for ROLE from ro2key, then run a
# command with them or print `export` lines. Run with --help for usage and exit codes.
#
# Secrets (the bearer token, CLIENT_SECRET, the credentials) never appear in a
# command line (`ps`), never touch the disk and are printed only in export-lines
# mode: curl reads its Authorization header / Basic credentials as a config from
# stdin (`--config -`), fed through a pipe by the shell builtin printf.
# Needs bash, curl and one JSON tool: jq, else python3, else node.
set -euo pipefail

readonly PROG=${0##*/}
readonly EX_USAGE=2 EX_AUTH=3 EX_REFUSED=4 EX_UNAVAILABLE=5 EX_STEP_UP=6

usage() {
  printf '%s\n' "\
Usage: RO2KEY_URL=URL OAUTH2_TOKEN=TOKEN $PROG [--duration SECONDS] ROLE [-- COMMAND [ARG...]]
       RO2KEY_URL=URL OAUTH2_TOKEN=TOKEN $PROG --grant ROLE [--duration SECONDS] [--reason TEXT] [-- COMMAND...]
       $PROG --help

Gets temporary AWS credentials for ROLE from ro2key (GET \$RO2KEY_URL/get_key/ROLE).
ROLE may name an account: prod/S3MintReadOnly (an alias of ro2key's policy, or an account id).
With -- COMMAND: runs COMMAND with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION in its environment; the exit
  status is then COMMAND's own.
Without a command: prints shell-quoted export lines, for
  c=\$($PROG ROLE) || exit; eval \"\$c\"
With --credential-process: prints AWS credential_process JSON (Version 1); a refusal
  prints ro2key's reason on stderr and exits non-zero (codes below).

Options:
  --duration SECONDS  lifetime of the credentials, 900-43200 (ro2key's default: 3600)
  --credential-process  print credential_process JSON instead of export lines
  --grant ROLE        first request a time-boxed grant of ROLE (POST \$RO2KEY_URL/grants,
                      docs/grants.md), for --duration seconds (default: the team's
                      max_grant); a grant that awaits approval ends the run with exit 4
  --reason TEXT       why, recorded with the grant
  -h, --help          show this help

Environment:
  RO2KEY_URL          base URL of ro2key, e.g. https://ro2key.example.org (required)
The token, from the first of these that is set:
  OAUTH2_TOKEN        the bearer token itself
  OAUTH2_TOKEN_FILE   a file holding the token (e.g. one Berry or a sidecar keeps
                      fresh); read on every run, surrounding whitespace and a
                      leading \"Bearer \" ignored
  AUTH_URL            an OAuth2 token endpoint: a token is fetched with the
                      client-credentials grant (RFC 6749 4.4, HTTP Basic client
                      authentication), with OAUTH2_SCOPE as scope if set. The client:
    CLIENT_ID, CLIENT_SECRET   if both are set, else
    CREDENTIALS_DIR            a Berry-style folder whose client.json holds
                               {\"client_id\": ..., \"client_secret\": ...}
Retries:
  RO2KEY_RETRIES      retries after HTTP 408/429/502/503/504, timeouts and refused
                      connections (default 2), waiting as Retry-After asks, else
                      1, 2, 4... seconds
  RO2KEY_RETRY_MAX_WAIT  longest wait in seconds (default 60); a Retry-After above
                      it ends the run at once with exit 5

Secrets (token, client secret, credentials) never appear in a command line or a
file, and are printed only as the export lines above.

Exit codes (before COMMAND runs):
  0  success (export lines printed)
  2  usage or configuration error (bad arguments, RO2KEY_URL unset or
     redirected, no token source, unreadable token file or client.json, curl
     or JSON tool missing)
  3  authentication refused: ro2key answered 401, or AUTH_URL refused the client
  4  request refused: ro2key answered 403 (role not allowed) or another 4xx
     (400 bad role name or duration)
  5  upstream unavailable: ro2key or AUTH_URL answered 5xx or 429, could not be
     reached, timed out, or answered without credentials; worth retrying later
  6  step-up required: the role needs MFA (RFC 9470 insufficient_user_authentication);
     sign in again with MFA and get a new token"
}

die() { # exit-code message...
  local code=$1
  shift
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit "$code"
}

# --- JSON: read a document on stdin, print the string (or number) at top-level KEY -----
json_tool=
pick_json_tool() {
  local tool
  for tool in jq python3 node; do
    if command -v "$tool" >/dev/null 2>&1; then json_tool=$tool; return; fi
  done
  die "$EX_USAGE" "needs one JSON tool on PATH: jq, python3 or node"
}

json_get() { # KEY... < json: one line per KEY, its string or number value with newlines as
  # spaces, or an empty line (also when the input is not a JSON object)
  case $json_tool in
    jq) jq -r '. as $d | $ARGS.positional[] | . as $k
      | if ($d | type) == "object" then ($d[$k] // "") | if type == "string" or type == "number" then tostring | gsub("\n"; " ") else "" end else "" end' \
      --args "$@" 2>/dev/null || true ;;
    python3) python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    d = None
for k in sys.argv[1:]:
    v = d.get(k) if isinstance(d, dict) else None
    ok = isinstance(v, (str, int, float)) and not isinstance(v, bool)
    print(str(v).replace("\n", " ") if ok else "")' "$@" 2>/dev/null || true ;;
    node) node -e '
let s = ""
process.stdin.setEncoding("utf8").on("data", (c) => { s += c }).on("end", () => {
  let d
  try { d = JSON.parse(s) } catch {}
  const obj = d && typeof d === "object" && !Array.isArray(d) ? d : {}
  for (const k of process.argv.slice(1)) {
    const v = obj[k]
    console.log(typeof v === "string" || typeof v === "number" ? String(v).replace(/\n/g, " ") : "")
  }
})' "$@" 2>/dev/null || true ;;
  esac
}

field() { # KEY JSON: prints the value on one line
  local value
  value=$(printf '%s' "$2" | json_get "$1")
  printf '%s' "$value"
}

values=()
# read_fields JSON KEY...: sets values[i] to the value of the i-th KEY, with one JSON tool run.
# (A pipe, not a here-string: bash may back those with a temporary file, and JSON holds secrets.)
read_fields() {
  local json=$1 line
  shift
  values=()
  while IFS= read -r line; do values+=("$line"); done < <(printf '%s' "$json" | json_get "$@")
}

# --- HTTP -------------------------------------------------------------------------------
# curl_config_quote VALUE: a double-quoted string for a curl config file.
curl_config_quote() {
  local v=${1//\\/\\\\}
  v=${v//\"/\\\"}
  printf '"%s"' "$v"
}

# url_encode VALUE: application/x-www-form-urlencoded, as RFC 6749 2.3.1 wants for
# client_id and client_secret before they are joined for HTTP Basic.
url_encode() {
  local LC_ALL=C value=$1 out='' c i
  for ((i = 0; i < ${#value}; i++)); do
    c=${value:i:1}
    case $c in
      [A-Za-z0-9.~_-]) out+=$c ;;
      ' ') out+='+' ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}

# retry_wait HEADERS ATTEMPT: seconds to wait before the next try; Retry-After
# (delta-seconds) if the answer has one, else 1, 2, 4... Prints nothing to give up.
retry_wait() {
  local headers=$1 attempt=$2 line wait
  wait=$((1 << (attempt < 6 ? attempt : 6)))
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ $line =~ ^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[[:space:]]*([0-9]{1,9})[[:space:]]*$ ]]; then
      wait=$((10#${BASH_REMATCH[1]}))
    fi
  done < <(printf '%s\n' "$headers")
  if ((wait > max_wait)); then
    printf '%s: asked to wait %s s before retrying, more than RO2KEY_RETRY_MAX_WAIT=%s\n' "$PROG" "$wait" "$max_wait" >&2
    return
  fi
  printf '%s' "$wait"
}

http_status='' http_body=''
# http CONFIG URL [CURL ARGS...]: CONFIG (may hold secrets) goes to curl through stdin.
# Retries (bounded) on 408/429/502/503/504 and transient transport errors. Sets
# http_status and http_body; exits EX_UNAVAILABLE when no HTTP answer arrives.
http() {
  local config=$1 url=$2 out rc headers wait what attempt=0
  shift 2
  while :; do
    rc=0
    out=$(printf '%s\n' "$config" | curl --config - --silent --show-error --include --suppress-connect-headers \
      --connect-timeout 10 --max-time 60 --write-out '\n%{http_code}' "$@" -- "$url") || rc=$?
    if ((rc == 0)); then
      http_status=${out##*$'\n'}
      out=${out%$'\n'*}
      headers=${out%%$'\r\n\r\n'*}
      http_body=${out#*$'\r\n\r\n'}
      [[ $out == *$'\r\n\r\n'* ]] || http_body=''
      case $http_status in 408 | 429 | 502 | 503 | 504) ;; *) return 0 ;; esac
      what="HTTP $http_status"
    else
      # 7 connection refused, 28 timeout, 52 empty reply, 55/56 connection broken
      case $rc in 7 | 28 | 52 | 55 | 56) ;; *) die "$EX_UNAVAILABLE" "could not reach $url (curl exit $rc); try again later" ;; esac
      headers='' what="curl exit $rc"
    fi
    if ((attempt >= retries)); then
      ((rc == 0)) && return 0
      die "$EX_UNAVAILABLE" "could not reach $url (curl exit $rc); try again later"
    fi
    wait=$(retry_wait "$headers" "$attempt")
    if [[ -z $wait ]]; then
      ((rc == 0)) && return 0
      die "$EX_UNAVAILABLE" "could not reach $url (curl exit $rc); try again later"
    fi
    attempt=$((attempt + 1))
    printf '%s: %s from %s; retry %d of %d in %d s\n' "$PROG" "$what" "${url%%\?*}" "$attempt" "$retries" "$wait" >&2
    sleep "$wait"
  done
}

# exit_for_status STATUS: the exit code for an HTTP error from ro2key.
exit_for_status() {
  case $1 in
    3??) echo "$EX_USAGE" ;; # a redirect: RO2KEY_URL is probably wrong (http instead of https?)
    401) echo "$EX_AUTH" ;;
    408 | 429 | 5??) echo "$EX_UNAVAILABLE" ;;
    4??) echo "$EX_REFUSED" ;;
    *) echo "$EX_UNAVAILABLE" ;;
  esac
}

# client_from_dir: CLIENT_ID and CLIENT_SECRET from $CREDENTIALS_DIR/client.json (Berry's layout).
client_from_dir() {
  local file=$CREDENTIALS_DIR/client.json doc
  [[ -r $file ]] || die "$EX_USAGE" "CREDENTIALS_DIR is set but $file is not readable"
  doc=$(<"$file")
  read_fields "$doc" client_id client_secret
  CLIENT_ID=${values[0]:-} CLIENT_SECRET=${values[1]:-}
  values=()
  [[ -n $CLIENT_ID && -n $CLIENT_SECRET ]] || die "$EX_USAGE" "$file must be a JSON object with client_id and client_secret"
}

fetch_token() { # prints an access token from AUTH_URL
  [[ -n ${AUTH_URL:-} ]] || die "$EX_USAGE" "no token: set OAUTH2_TOKEN or OAUTH2_TOKEN_FILE, or AUTH_URL with CLIENT_ID and CLIENT_SECRET (or CREDENTIALS_DIR)"
  [[ $AUTH_URL =~ ^https?:// ]] || die "$EX_USAGE" "AUTH_URL must be an http(s) URL"
  if [[ -z ${CLIENT_ID:-} || -z ${CLIENT_SECRET:-} ]]; then
    [[ -n ${CREDENTIALS_DIR:-} ]] || die "$EX_USAGE" "AUTH_URL is set but CLIENT_ID or CLIENT_SECRET is not (nor CREDENTIALS_DIR)"
    client_from_dir
  fi
  [[ $CLIENT_ID$CLIENT_SECRET != *[[:cntrl:]]* ]] || die "$EX_USAGE" "CLIENT_ID or CLIENT_SECRET contains control characters"
  local config token
  config="user = $(curl_config_quote "$(url_encode "$CLIENT_ID"):$(url_encode "$CLIENT_SECRET")")"
  local -a form=(--data-urlencode grant_type=client_credentials)
  [[ -z ${OAUTH2_SCOPE:-} ]] || form+=(--data-urlencode "scope=$OAUTH2_SCOPE")
  http "$config" "$AUTH_URL" --basic --header 'Accept: application/json' "${form[@]}"
  if [[ $http_status != 200 ]]; then
    local error code=$EX_UNAVAILABLE
    read_fields "$http_body" error error_description
    error="${values[0]:-} ${values[1]:-}"
    case $http_status in 400 | 401 | 403) code=$EX_AUTH ;; esac
    die "$code" "token endpoint $AUTH_URL answered HTTP $http_status: ${error# }"
  fi
  token=$(field access_token "$http_body")
  [[ -n $token ]] || die "$EX_UNAVAILABLE" "token endpoint $AUTH_URL answered without an access_token"
  printf '%s' "$token"
}

# token_from_file: the token in $OAUTH2_TOKEN_FILE, trimmed, without a "Bearer " prefix.
token_from_file() {
  local file=$OAUTH2_TOKEN_FILE token
  [[ -r $file && -f $file ]] || die "$EX_USAGE" "OAUTH2_TOKEN_FILE $file is not a readable file"
  token=$(<"$file")
  token=${token#"${token%%[![:space:]]*}"}
  token=${token%"${token##*[![:space:]]}"}
  [[ $token =~ ^[Bb][Ee][Aa][Rr][Ee][Rr][[:space:]]+(.*)$ ]] && token=${BASH_REMATCH[1]}
  [[ -n $token ]] || die "$EX_USAGE" "OAUTH2_TOKEN_FILE $file is empty"
  printf '%s' "$token"
}

sq() { # single-quote for any POSIX shell
  printf "'%s'" "${1//\'/\'\\\'\'}"
}

# --- arguments ----------------------------------------------------------------------------
role='' duration='' credential_process='' grant='' reason=''
while (($# > 0)); do
  case $1 in
    --grant) (($# >= 2)) || die "$EX_USAGE" "--grant needs a ROLE"; grant=1; role=$2; shift 2 ;;
    --reason) (($# >= 2)) || die "$EX_USAGE" "--reason needs a text"; reason=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --duration) (($# >= 2)) || die "$EX_USAGE" "--duration needs a value (seconds)"; duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --credential-process) credential_process=1; shift ;;
    --) shift; break ;;
    -*) die "$EX_USAGE" "unknown option $1 (see --help)" ;;
    *) [[ -z $role ]] || die "$EX_USAGE" "unexpected argument $1: put the command after -- (see --help)"
       role=$1; shift ;;
  esac
done
[[ -n $role ]] || die "$EX_USAGE" "no ROLE given (see --help)"
[[ $role =~ ^([a-z0-9][a-z0-9-]{0,31}/)?[A-Za-z0-9+=,.@_-]{1,64}$ ]] ||
  die "$EX_USAGE" "ROLE must be 1-64 characters of A-Z a-z 0-9 + = , . @ _ -, optionally after ACCOUNT/ (an alias or id)"
[[ -z $duration || $duration =~ ^[0-9]{1,6}$ ]] || die "$EX_USAGE" "--duration must be a number of seconds, got '$duration'"
[[ -n ${RO2KEY_URL:-} ]] || die "$EX_USAGE" "RO2KEY_URL is not set: give the base URL of ro2key, e.g. https://ro2key.example.org"
[[ $RO2KEY_URL =~ ^https?:// ]] || die "$EX_USAGE" "RO2KEY_URL must be an http(s) URL, got '$RO2KEY_URL'"
readonly retries=${RO2KEY_RETRIES:-2} max_wait=${RO2KEY_RETRY_MAX_WAIT:-60}
[[ $retries =~ ^[0-9]{1,2}$ ]] || die "$EX_USAGE" "RO2KEY_RETRIES must be a number from 0 to 99"
[[ $max_wait =~ ^[0-9]{1,5}$ ]] || die "$EX_USAGE" "RO2KEY_RETRY_MAX_WAIT must be a number of seconds"
command -v curl >/dev/null 2>&1 || die "$EX_USAGE" "needs curl on PATH"
pick_json_tool

# --- token and credentials -------------------------------------------------------------------
if [[ -n ${OAUTH2_TOKEN:-} ]]; then
  token=$OAUTH2_TOKEN
elif [[ -n ${OAUTH2_TOKEN_FILE:-} ]]; then
  token=$(token_from_file)
else
  token=$(fetch_token)
fi
[[ $token != *[[:cntrl:]]* ]] || die "$EX_USAGE" "the token contains control characters"

json_string() { # a JSON string of printable text
  local v=${1//\\/\\\\}
  printf '"%s"' "${v//\"/\\\"}"
}

if [[ -n $grant ]]; then
  [[ $reason != *[[:cntrl:]]* ]] || die "$EX_USAGE" "--reason must be printable text"
  body="{\"role\":\"$role\"${duration:+,\"duration\":$duration}${reason:+,\"reason\":$(json_string "$reason")}}"
  http "header = $(curl_config_quote "Authorization: Bearer $token")" "${RO2KEY_URL%/}/grants" \
    --header 'Accept: application/json' --header 'Content-Type: application/json' --data-binary "$body"
  read_fields "$http_body" id status expires_at title detail
  if [[ $http_status != 201 ]]; then
    die "$(exit_for_status "$http_status")" "ro2key refused the grant of $role (HTTP $http_status): ${values[3]:-}${values[4]:+: ${values[4]}}"
  fi
  if [[ ${values[1]:-} != active ]]; then
    die "$EX_REFUSED" "grant ${values[0]:-} of $role awaits approval (POST /grants/${values[0]:-}/approve by an approver); run again once approved, without --grant"
  fi
  printf '%s: grant %s of %s active until %s\n' "$PROG" "${values[0]:-}" "$role" "${values[2]:-}" >&2
fi

url="${RO2KEY_URL%/}/get_key/$role${duration:+?duration=$duration}"
http "header = $(curl_config_quote "Authorization: Bearer $token")" "$url" --header 'Accept: application/json'
unset token
if [[ $http_status != 200 ]]; then
  read_fields "$http_body" title detail request_id code
  title=${values[0]:-} detail=${values[1]:-} request_id=${values[2]:-} code=${values[3]:-}
  if [[ $http_status == 401 && $code == RO2KEY_STEP_UP_REQUIRED ]]; then
    die "$EX_STEP_UP" "ro2key answered HTTP 401 for $role: ${detail:-step-up required}${request_id:+ (request $request_id)}. Sign in again with MFA, get a new token and retry"
  fi
  die "$(exit_for_status "$http_status")" "ro2key answered HTTP $http_status for $role: ${title:-(no problem details)}${detail:+: $detail}${request_id:+ (request $request_id)}"
fi

read_fields "$http_body" AccessKeyId SecretAccessKey SessionToken Expiration
AWS_ACCESS_KEY_ID=${values[0]:-} AWS_SECRET_ACCESS_KEY=${values[1]:-}
AWS_SESSION_TOKEN=${values[2]:-} AWS_CREDENTIAL_EXPIRATION=${values[3]:-}
unset http_body values
[[ -n $AWS_ACCESS_KEY_ID && -n $AWS_SECRET_ACCESS_KEY && -n $AWS_SESSION_TOKEN ]] ||
  die "$EX_UNAVAILABLE" "ro2key answered HTTP 200 without credentials"

if [[ -n $credential_process ]]; then
  # AWS credential_process output (Version 1); a refusal died above with ro2key's detail on stderr.
  for var in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION; do
    [[ ${!var} =~ ^[A-Za-z0-9+/=:._-]*$ ]] || die "$EX_UNAVAILABLE" "ro2key answered an unexpected $var"
  done
  printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "%s"}\n' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION"
  exit 0
fi
if (($# == 0)); then
  for var in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION; do
    printf 'export %s=%s\n' "$var" "$(sq "${!var}")"
  done
  exit 0
fi
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
exec "$@"
