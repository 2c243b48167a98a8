package chat.redis;

import chat.testing.Await;
import chat.testing.ChatHttp;
import chat.testing.FailoverChat;
import chat.testing.RedisCommand;
import chat.testing.RedisHa;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis Cluster (3 masters, each with a replica; real redis-server processes, created with
 * {@code redis-cli --cluster create}, so redis-cli must be on the PATH): two nodes chat through
 * it, the master holding the room's history is failed over mid-chat, and the chat carries on by
 * itself with every accepted message still in history. Presence scripts, sessions, throttles
 * and pub/sub all run on the cluster meanwhile.
 */
class ClusterFailoverIT {

    @Test
    void chatSurvivesAFailoverOfTheMasterHoldingTheRoom() {
        try (RedisHa redis = RedisHa.cluster();
             FailoverChat chat = FailoverChat.start("cluster.yaml",
                     redis.servers().stream().limit(3).map(s -> "127.0.0.1:" + s.port()).toList(), redis.dir())) {
            chat.chatUntilFlowing(5, Duration.ofSeconds(60));
            String roomKey = "room:" + chat.roomId();
            List<Integer> servers = Await.value("the room's master and its replica", Duration.ofSeconds(30),
                    () -> {
                        List<Integer> now = redis.clusterServersOf(roomKey);
                        return now.size() >= 2 ? now : null;
                    });
            int master = servers.get(0);
            int replica = servers.get(1);
            int before = chat.accepted().size();

            // the replica takes over once it has everything the master has (manual failover)
            assertEquals("OK", RedisCommand.text(replica, "CLUSTER", "FAILOVER"));
            Await.until("the replica to be master", Duration.ofSeconds(30),
                    () -> "master".equals(RedisCommand.info(replica, "replication", "role")));
            chat.chatUntilFlowing(5, Duration.ofSeconds(120));

            // the cluster's view lags the new master's own role a little (seen: the slot listed
            // with no replica for a moment), so this is awaited too
            Await.until("the cluster to route the room to the new master", Duration.ofSeconds(30),
                    () -> redis.clusterServersOf(roomKey).get(0) == replica);
            System.out.println("Cluster failover of " + roomKey + " " + master + " -> " + replica + ": "
                    + before + " accepted before, " + chat.accepted().size() + " in all, " + chat.sent() + " sent");
            chat.assertEveryAcceptedMessageInHistory();
            for (var node : List.of(chat.nodeA(), chat.nodeB())) {
                Await.until("ready again", Duration.ofSeconds(30), () -> new ChatHttp(node).get("/health/ready").status() == 200);
            }
        }
    }
}
