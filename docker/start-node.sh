#!/bin/sh
# The image's entrypoint: one redis-chat node on Payara Micro (settings: environment variables,
# docs/OPERATIONS.md).
#
# A fresh root directory and the listener files: a restarted container neither redeploys the WAR
# its previous run left in the root directory nor answers before the deployment (payara/README.md).
# Now and then Payara's post-deployment command enables the HTTP listener and yet no port opens
# (docs/OPERATIONS.md): the node would run and never answer, and Docker restarts a container that
# exits, not one that is unhealthy. So a node whose port has not answered START_LIMIT seconds
# after its start is killed and this script exits 1: the restart policy starts it again.
set -eu
home="${CHAT_HOME:-/opt/chat}"
port="${PORT:-8080}"
limit="${START_LIMIT:-180}"

rm -rf "$home/payara"
# --nocluster: Redis is the only shared state; Payara's own Hazelcast clustering stays off (and
# listens on loopback only: listener-closed.asadmin with -Dhazelcast.socket.bind.any=false).
# shellcheck disable=SC2086
java -XX:CompileCommandFile="$home/hot-paths.compile" ${JAVA_OPTS:-} -Dhazelcast.socket.bind.any=false -jar "$home/payara-micro.jar" \
    --postbootcommandfile "$home/post-boot.asadmin" \
    --prebootcommandfile "$home/listener-closed.asadmin" --postdeploycommandfile "$home/listener-open.asadmin" \
    --deploy "$home/redis-chat.war" --contextroot / --port "$port" --nocluster --nohostaware --rootdir "$home/payara" &
node=$!
# This shell is the container's first process: docker stop's SIGTERM reaches it, not Java.
trap 'kill -TERM "$node" 2>/dev/null; wait "$node"; exit $?' TERM INT

started=$(date +%s)
until curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$port/health/live" 2>/dev/null; do
    if ! kill -0 "$node" 2>/dev/null; then
        wait "$node" && exit 1 # Payara exited before serving: a failed start in any case
        exit $?
    fi
    if [ $(($(date +%s) - started)) -ge "$limit" ]; then
        echo "redis-chat: port $port did not answer within $limit s of the start (Payara's listener race?); stopping the node so that it is started again" >&2
        kill -KILL "$node" 2>/dev/null || true
        exit 1
    fi
    sleep 2
done
wait "$node"
