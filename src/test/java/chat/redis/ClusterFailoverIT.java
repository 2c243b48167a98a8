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
            int[] masterAndReplica = redis.clusterMasterAndReplicaOf(roomKey);
            int before = chat.accepted().size();

            // the replica takes over once it has everything the master has (manual failover)
            assertEquals("OK", RedisCommand.text(masterAndReplica[1], "CLUSTER", "FAILOVER"));
            Await.until("the replica to be master", Duration.ofSeconds(30),
                    () -> "master".equals(RedisCommand.info(masterAndReplica[1], "replication", "role")));
            chat.chatUntilFlowing(5, Duration.ofSeconds(120));

            assertEquals(masterAndReplica[1], redis.clusterMasterAndReplicaOf(roomKey)[0], "the room moved to the new master");
            System.out.println("Cluster failover of " + roomKey + " " + masterAndReplica[0] + " -> " + masterAndReplica[1] + ": "
                    + before + " accepted before, " + chat.accepted().size() + " in all, " + chat.sent() + " sent");
            chat.assertEveryAcceptedMessageInHistory();
            for (var node : List.of(chat.nodeA(), chat.nodeB())) {
                Await.until("ready again", Duration.ofSeconds(30), () -> new ChatHttp(node).get("/health/ready").status() == 200);
            }
        }
    }
}
