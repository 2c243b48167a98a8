#!/usr/bin/env bash
# Starts N redis-chat nodes (Payara Micro) on consecutive ports against one Redis.
#
#   payara/launch-nodes.sh                 # 2 nodes on 8081, 8082 in the foreground; Ctrl-C stops them
#   NODES=3 BASE_PORT=9001 REDIS_URL=redis://redis.lan:6379 payara/launch-nodes.sh
#   payara/launch-nodes.sh --detach        # returns once every node is ready; stop with --stop
#   payara/launch-nodes.sh --stop
#
# Each node gets its own CHAT_SERVER_ID (${SERVER_ID_PREFIX}1, ...), its own Payara root
# directory and log under RUN_DIR. Every other CHAT_* / REDIS* variable in the environment
# (see docs/OPERATIONS.md) is passed to all nodes. Needs java 17+ and curl; the WAR and
# Payara Micro jar come from `mvn package` (target/redis-chat.war, target/payara-micro.jar).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(dirname "$here")"

NODES="${NODES:-2}"
BASE_PORT="${BASE_PORT:-8081}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
WAR="${WAR:-$project/target/redis-chat.war}"
PAYARA_MICRO="${PAYARA_MICRO:-$project/target/payara-micro.jar}"
SERVER_ID_PREFIX="${SERVER_ID_PREFIX:-chat-}"
RUN_DIR="${RUN_DIR:-$project/.run/nodes}"
JAVA_OPTS="${JAVA_OPTS:--Xmx1g -XX:+ExitOnOutOfMemoryError}" # the JVM's own collector (G1 on 2+ cores)
POST_BOOT="${POST_BOOT:-$here/post-boot.asadmin}"  # Payara settings for a handshake burst
READY_TIMEOUT="${READY_TIMEOUT:-300}"
# nginx on this host forwards the client's address in X-Forwarded-For; set CHAT_TRUSTED_PROXIES= (empty) to trust no proxy
export CHAT_TRUSTED_PROXIES="${CHAT_TRUSTED_PROXIES-127.0.0.1}"

stop_nodes() {
    local pidfile pid
    for pidfile in "$RUN_DIR"/node-*.pid; do
        [ -e "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            echo "stopping node pid $pid ($(basename "$pidfile" .pid))"
            kill "$pid" 2>/dev/null || true
        fi
    done
    for pidfile in "$RUN_DIR"/node-*.pid; do
        [ -e "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

detach=false
case "${1:-}" in
    --stop) stop_nodes; exit 0 ;;
    --detach) detach=true ;;
    "") ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
esac

for f in "$WAR" "$PAYARA_MICRO"; do
    [ -f "$f" ] || { echo "missing $f: run 'mvn -B package -DskipTests' first" >&2; exit 1; }
done
mkdir -p "$RUN_DIR"
stop_nodes # leftovers of an earlier --detach

start_node() { # index
    local port=$((BASE_PORT + $1 - 1)) id="${SERVER_ID_PREFIX}$1"
    local root="$RUN_DIR/payara-$id"
    rm -rf "$root"
    # shellcheck disable=SC2086
    REDIS_URL="$REDIS_URL" CHAT_SERVER_ID="$id" nohup java -XX:CompileCommandFile="$here/hot-paths.compile" $JAVA_OPTS -Dhazelcast.socket.bind.any=false -jar "$PAYARA_MICRO" \
        --postbootcommandfile "$POST_BOOT" --deploy "$WAR" --contextroot / --port "$port" --nocluster --nohostaware --rootdir "$root" \
        --prebootcommandfile "$project/payara/listener-closed.asadmin" \
        --postdeploycommandfile "$project/payara/listener-open.asadmin" \
        >"$RUN_DIR/$id.log" 2>&1 &
    echo $! >"$RUN_DIR/node-$id.pid"
    echo "node $id: http://127.0.0.1:$port (pid $!, log $RUN_DIR/$id.log)"
}

for i in $(seq 1 "$NODES"); do
    start_node "$i"
done

ready_answer() { # port: /health/ready's body, a newline, its status (000: no answer)
    curl -s -w '\n%{http_code}' "http://127.0.0.1:$1/health/ready" 2>/dev/null || true
}

waiting_for() { # a ready_answer: what the node said, or that its port is not open yet
    local body="${1%$'\n'*}"
    if [ -z "$body" ] || [ "$body" = "$1" ]; then echo "its HTTP port is not open yet"; else echo "/health/ready: $body"; fi
}

port_refused() { # port: nothing listens there (curl: "couldn't connect"), as opposed to slow or not ready
    local code=0
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$1/" || code=$?
    [ "$code" -eq 7 ]
}

if ! $detach; then
    trap 'stop_nodes; exit 0' INT TERM
fi

deadline=$((SECONDS + READY_TIMEOUT))
for i in $(seq 1 "$NODES"); do
    port=$((BASE_PORT + i - 1))
    id="${SERVER_ID_PREFIX}${i}"
    restarts=0
    closed_since=""
    notice_at=$((SECONDS + 45)) # beyond the half minute a start takes, say what the node waits for, once a minute
    until answer="$(ready_answer "$port")"; [ "${answer##*$'\n'}" = 200 ]; do
        # A setting the node refuses: Payara Micro keeps running without the application, which never answers.
        refused="$(grep -m1 -o 'Invalid settings: .*' "$RUN_DIR/$id.log" 2>/dev/null || true)"
        if [ -n "$refused" ]; then
            echo "node $id did not start: $refused; see $RUN_DIR/$id.log" >&2
            stop_nodes
            exit 1
        fi
        if ! kill -0 "$(cat "$RUN_DIR/node-$id.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            echo "node $id did not become ready ($(waiting_for "$answer")); see $RUN_DIR/$id.log" >&2
            stop_nodes
            exit 1
        fi
        if [ $SECONDS -ge $notice_at ]; then
            echo "node $id not ready yet: $(waiting_for "$answer")" >&2
            notice_at=$((SECONDS + 60))
        fi
        # Payara's own race: now and then its post-deployment "set ...enabled=true" reports success
        # and yet no listener binds the port. The node would never answer; start it once more.
        if grep -q 'http-listener.enabled=true' "$RUN_DIR/$id.log" && port_refused "$port"; then
            closed_since="${closed_since:-$SECONDS}"
            if [ $((SECONDS - closed_since)) -ge 30 ] && [ $restarts -lt 2 ]; then
                echo "node $id: Payara enabled its listener but port $port stays closed; starting it again" >&2
                pid="$(cat "$RUN_DIR/node-$id.pid")"
                kill -9 "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true # quietly: bash would report the kill
                restarts=$((restarts + 1))
                mv "$RUN_DIR/$id.log" "$RUN_DIR/$id.log.$restarts"
                start_node "$i"
                closed_since=""
            fi
        else
            closed_since=""
        fi
        sleep 1
    done
    echo "node $id ready on port $port"
done
echo "$NODES node(s) ready against $REDIS_URL"

if $detach; then
    exit 0
fi
echo "Ctrl-C stops them."
wait
