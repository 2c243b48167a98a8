package chat.directory.control;

import chat.directory.entity.DirectoryEntry;
import chat.directory.entity.DirectoryPage;
import chat.testing.RedisProbe;
import chat.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directory on a real Redis: users the seed's servers registered are back-filled, pages are bounded. */
class DirectoryBackfillIT {

    @Test
    void usersRegisteredElsewhereAreBackFilledAndFoundByFoldedPrefixPageByPage() {
        try (RedisServerProcess redis = RedisServerProcess.start(); RedisProbe probe = new RedisProbe(redis.url())) {
            Directory directory = new Directory();
            directory.redis = probe.client();
            DirectoryBackfill backfill = new DirectoryBackfill();
            backfill.redis = probe.client();
            backfill.directory = directory;
            // As the seed's servers write users: username:<name> -> user:<id>, nothing else of ours.
            IntStream.rangeClosed(1, 1205).forEach(i -> probe.client().getBucket("username:user" + i, StringCodec.INSTANCE)
                    .set("user:" + i));
            probe.client().getBucket("username:José", StringCodec.INSTANCE).set("user:2000");

            assertEquals(1206, backfill.backfill());

            assertEquals(List.of(new DirectoryEntry("2000", "José", false)), directory.search("JOSE", null, 20).users());
            List<DirectoryEntry> all = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                DirectoryPage page = directory.search("user1", cursor, 50);
                assertTrue(page.users().size() <= 50);
                all.addAll(page.users());
                cursor = page.next();
                pages++;
            } while (cursor != null);
            assertEquals(1 + 10 + 100 + 206, all.size(), "user1, user10-19, user100-199, user1000-1205");
            assertEquals(all.size(), all.stream().distinct().count(), "no one twice across pages");
            assertEquals(7, pages);
            assertNull(directory.search("nobody", null, 20).next());
            assertEquals(List.of(new DirectoryEntry("2000", "José", false)), directory.sameFoldedName("jose"));
        }
    }
}
