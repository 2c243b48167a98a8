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
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Redis Sentinel (1 master, 1 replica, 3 sentinels; real redis-server processes): two nodes chat
 * through it, the master is killed mid-chat, the sentinels promote the replica, and the chat
 * carries on by itself with every accepted message still in history.
 */
class SentinelFailoverIT {

    @Test
    void chatSurvivesTheMastersDeath() {
        try (RedisHa redis = RedisHa.sentinel();
             FailoverChat chat = FailoverChat.start("sentinel.yaml",
                     redis.sentinels().stream().map(s -> "127.0.0.1:" + s.port()).toList(), redis.dir())) {
            chat.chatUntilFlowing(5, Duration.ofSeconds(60));
            int oldMaster = redis.sentinelMasterPort();
            Await.until("the replica has every accepted message", Duration.ofSeconds(20), () -> redis.inSync(oldMaster));
            int before = chat.accepted().size();

            redis.server(oldMaster).kill(); // SIGKILL, mid-chat: the sockets stay open
            chat.chatUntilFlowing(5, Duration.ofSeconds(120));

            int newMaster = redis.sentinelMasterPort();
            assertNotEquals(oldMaster, newMaster, "the sentinels promoted the replica");
            System.out.println("Sentinel failover " + oldMaster + " -> " + newMaster + ": " + before + " accepted before, "
                    + chat.accepted().size() + " in all, " + chat.sent() + " sent");
            chat.assertEveryAcceptedMessageInHistory();
            for (var node : List.of(chat.nodeA(), chat.nodeB())) {
                Await.until("ready again", Duration.ofSeconds(30), () -> new ChatHttp(node).get("/health/ready").status() == 200);
            }
            assertEquals("master", RedisCommand.info(newMaster, "replication", "role"));
        }
    }
}
