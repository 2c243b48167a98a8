package chat.reads;

import chat.messages.entity.MessageId;
import chat.redis.RedisKeys;
import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatSocketClient;
import chat.testing.RedisCommand;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Read state, the directory and the login modes over HTTP and WebSocket, across the shared cluster's two nodes. */
@ExtendWith(SharedChat.class)
class ReadsIT {

    private final ChatCluster chat;

    ReadsIT(ChatCluster chat) {
        this.chat = chat;
    }

    @Test
    void unreadIsCountedOnTheServerAndAReadReachesTheUsersSocketsOnEveryNode() {
        Person alice = Users.register(chat.nodeA(), "Alice");
        Person bob = Users.register(chat.nodeB(), "Bob");
        Person eve = Users.register(chat.nodeB(), "Eve");
        JsonObject before = alice.http().get("/api/reads").object(); // where Alice's counting starts
        assertEquals(0, before.getJsonObject("0").getInt("unread"));
        String room = Users.privateRoom(alice, bob);
        bob.http().post("/api/room", Json.createObjectBuilder().add("user1", bob.id()).add("user2", alice.id()).build().toString());

        String first;
        String last;
        String inGeneral;
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            bobSocket.sendMessage(room, "one");
            bobSocket.sendMessage(room, "two");
            bobSocket.sendMessage("0", "@" + alice.username().toUpperCase() + ", see this");
            first = bobSocket.awaitMessage("one").getJsonObject("data").getString("id");
            last = bobSocket.awaitMessage("two").getJsonObject("data").getString("id");
            inGeneral = bobSocket.awaitMessage("@" + alice.username().toUpperCase() + ", see this").getJsonObject("data").getString("id");
        }
        JsonObject states = alice.http().get("/api/reads").object();
        assertEquals(2, states.getJsonObject(room).getInt("unread"));
        assertEquals(0, states.getJsonObject(room).getInt("mentions"));
        assertTrue(states.getJsonObject("0").getInt("mentions") >= 1, "the mention counted: " + states);
        assertFalse(states.getJsonObject(room).getBoolean("muted"));
        assertEquals(204, bob.http().delete("/api/room/" + room + "/messages/" + first).status());
        assertEquals(1, alice.http().get("/api/reads").object().getJsonObject(room).getInt("unread"), "a deleted message is no news");

        ChatHttp aliceOnB = alice.http().on(chat.nodeB());
        try (ChatSocketClient aliceElsewhere = ChatSocketClient.connect(chat.nodeB(), aliceOnB);
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bob.http())) {
            assertEquals(204, alice.http().post("/api/reads", read(room, last)).status()); // read on node A
            aliceElsewhere.await("read", d -> d != null && room.equals(d.getString("roomId")) && last.equals(d.getString("messageId")));
            assertEquals(0, alice.http().get("/api/reads").object().getJsonObject(room).getInt("unread"));

            assertEquals(204, alice.http().post("/api/reads", read(room, first)).status());
            assertEquals(last, alice.http().get("/api/reads").object().getJsonObject(room).getString("lastRead"), "never backwards");

            // Muted on node A: her tab on node B hears of it too (it notifies no more from there).
            assertEquals(204, alice.http().post("/api/reads/mute", mute(room, true)).status());
            aliceElsewhere.await("muted", d -> d != null && room.equals(d.getString("roomId")) && d.getBoolean("muted"));
            assertTrue(alice.http().get("/api/reads").object().getJsonObject(room).getBoolean("muted"));
            assertEquals(204, alice.http().post("/api/reads/mute", mute(room, false)).status());
            aliceElsewhere.await("muted", d -> d != null && room.equals(d.getString("roomId")) && !d.getBoolean("muted"));
            assertFalse(alice.http().get("/api/reads").object().getJsonObject(room).getBoolean("muted"));

            bobSocket.sendMessage("0", "a message to see that Bob heard no read of Alice's");
            bobSocket.awaitMessage("a message to see that Bob heard no read of Alice's");
            assertEquals(List.of(), bobSocket.events("read"), "reads reach only their reader");
            assertEquals(List.of(), bobSocket.events("muted"), "so do mutes");
        }

        assertEquals(403, eve.http().post("/api/reads", read(room, last)).status(), "not Eve's room");
        assertEquals(400, alice.http().post("/api/reads", read(room, "yesterday")).status());
        // A marker only moves forward: one naming no message of the room would hide its next messages for good.
        long second = Long.parseLong(last.substring(0, last.indexOf('-')));
        for (String noSuchMessage : List.of(second + "-999999999999", (second + 86_400) + "-0", inGeneral, (second - 86_400) + "-0")) {
            ChatHttp.Reply refused = alice.http().post("/api/reads", read(room, noSuchMessage));
            assertEquals(400, refused.status(), noSuchMessage);
            assertEquals("'messageId' names no message of this room", refused.object().getString("message"));
        }
        assertEquals(last, alice.http().get("/api/reads").object().getJsonObject(room).getString("lastRead"), "unmoved");
        // A whole second is for the seed's messages, which have no id: over ours it would hide those posted later in that
        // second (found from outside: a mark of "<second>-0", then a message in the same second, counted as read).
        assertEquals(400, alice.http().post("/api/reads", read(room, second + "-0")).status(), "a second of our messages only");
        String seeds = Json.createObjectBuilder().add("from", bob.id()).add("date", second).add("message", "from a seed server")
                .add("roomId", room).build().toString();
        RedisCommand.send(chat.redis().port(), "ZADD", "room:" + room, String.valueOf(second), seeds);
        assertEquals(204, alice.http().post("/api/reads", read(room, second + "-0")).status(), "a second with a seed server's message");
        assertEquals(400, alice.http().post("/api/reads/mute", Json.createObjectBuilder().add("roomId", room).add("muted", "yes")
                .build().toString()).status());
        assertEquals(403, eve.http().post("/api/reads/mute", mute(room, true)).status(), "not Eve's room");
    }

    /**
     * Found from outside: a room that had 300 messages in the minute of a user's read mark counted
     * nothing after them (unread 0 and no mention, with three new messages and a mention): the count
     * read 300 messages from that minute on, oldest first.
     */
    @Test
    void aBusyMinuteAtTheReadMarkHidesNothingNewer() {
        Person alice = Users.register(chat.nodeA(), "Alice");
        Person bob = Users.register(chat.nodeB(), "Bob");
        alice.http().get("/api/reads"); // where her counting starts
        String room = Users.privateRoom(alice, bob);
        bob.http().post("/api/room", Json.createObjectBuilder().add("user1", bob.id()).add("user2", alice.id()).build().toString());
        long second = System.currentTimeMillis() / 1000;
        String busyMinutesLast = null;
        for (int i = 0; i < 320; i++) { // a busy minute
            busyMinutesLast = storeAsANodeDoes(room, bob.id(), second, "busy " + i, false);
        }
        assertEquals(204, alice.http().post("/api/reads", read(room, busyMinutesLast)).status());
        sendAll(bob, room, "after the rush", "@" + alice.username() + " look", "and this");
        JsonObject state = alice.http().get("/api/reads").object().getJsonObject(room);
        assertEquals(3, state.getInt("unread"), state.toString());
        assertEquals(1, state.getInt("mentions"), state.toString());

        // The mention, then 150 more: each count stops at 100 on its own (the mention was counted only among the first
        // hundred unread, and read newest first it was not among them: mentions 0, found when this was re-attacked).
        for (int i = 0; i < 150; i++) {
            storeAsANodeDoes(room, bob.id(), second + 1, "later " + i, false);
        }
        state = alice.http().get("/api/reads").object().getJsonObject(room);
        assertEquals(100, state.getInt("unread"), state.toString());
        assertEquals(1, state.getInt("mentions"), state.toString());
    }

    /**
     * Deleted messages and the user's own, however many, hide nothing unread behind them. Found from
     * outside: counted in the newest 300 entries alone, 320 messages posted and deleted in a public
     * channel made everyone's unread and mentions 0 there.
     */
    @Test
    void deletedMessagesAndOnesOwnHideNothingUnreadBehindThem() {
        Person erin = Users.register(chat.nodeA(), "Erin");
        Person finn = Users.register(chat.nodeB(), "Finn");
        erin.http().get("/api/reads"); // where her counting starts
        String room = Users.privateRoom(erin, finn);
        finn.http().post("/api/room", Json.createObjectBuilder().add("user1", finn.id()).add("user2", erin.id()).build().toString());
        sendAll(finn, room, "one", "@" + erin.username() + " two", "three");
        long second = System.currentTimeMillis() / 1000 + 1;
        for (int i = 0; i < 640; i++) { // 320 deleted of Finn's, then 320 of Erin's own
            boolean deleted = i < 320;
            storeAsANodeDoes(room, deleted ? finn.id() : erin.id(), second, deleted ? "" : "mine " + i, deleted);
        }
        JsonObject state = erin.http().get("/api/reads").object().getJsonObject(room);
        assertEquals(3, state.getInt("unread"), state.toString());
        assertEquals(1, state.getInt("mentions"), state.toString());
    }

    /** Sends the texts into the room over a socket of the sender on node B, each seen stored before the next. */
    private void sendAll(Person sender, String room, String... texts) {
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeB(), sender.http())) {
            for (String text : texts) {
                socket.sendMessage(room, text);
                socket.awaitMessage(text);
            }
        }
    }

    /** Stores a message in the room as any node stores one, its id from the shared sequence; returns that id. */
    private String storeAsANodeDoes(String room, String from, long second, String text, boolean deleted) {
        var redis = chat.probe().client();
        String id = new MessageId(second, redis.getAtomicLong(RedisKeys.MESSAGE_SEQUENCE).incrementAndGet()).toString();
        var message = Json.createObjectBuilder().add("id", id).add("from", from).add("date", second).add("message", text)
                .add("roomId", room);
        if (deleted) {
            message.add("deleted", true);
        }
        redis.<String>getScoredSortedSet(RedisKeys.room(room), StringCodec.INSTANCE).add(second, message.build().toString());
        return id;
    }

    /** Rooms are counted a few at a time (a user in 100 channels of long messages had them all in memory at once): every one still counted. */
    @Test
    void everyRoomOfAUserInManyIsCountedOnItsOwn() {
        Person carol = Users.register(chat.nodeA(), "Carol");
        Person dan = Users.register(chat.nodeB(), "Dan");
        assertEquals(0, dan.http().get("/api/reads").object().getJsonObject("0").getInt("unread")); // where Dan's counting starts
        List<String> channels = new java.util.ArrayList<>();
        try (ChatSocketClient carolSocket = ChatSocketClient.connect(chat.nodeA(), carol.http())) {
            for (int c = 0; c < 9; c++) {
                String id = carol.http().post("/api/channels", Json.createObjectBuilder().add("name", Users.unique("count" + c)).build()
                        .toString()).object().getString("id");
                assertEquals(200, dan.http().post("/api/channels/" + id + "/join", "{}").status());
                channels.add(id);
                for (int m = 0; m <= c; m++) {
                    carolSocket.sendMessage(id, "message " + m + " of channel " + c);
                }
                carolSocket.awaitMessage("message " + c + " of channel " + c);
            }
        }

        JsonObject states = dan.http().get("/api/reads").object();

        for (int c = 0; c < channels.size(); c++) {
            assertEquals(c + 1, states.getJsonObject(channels.get(c)).getInt("unread"), "channel " + c + ": " + states);
        }
    }

    @Test
    void signInNeverRegistersAndRegisterNeverTakesALookAlikeName() {
        String name = Users.unique("Émile");
        ChatHttp http = new ChatHttp(chat.nodeA());
        assertEquals(404, login(http, name, "signin").status());
        assertNull(chat.probe().get("username:" + name), "nothing created");
        assertEquals(201, login(http, name, "register").status());
        assertEquals(409, login(http, name, "register").status());
        assertEquals(409, login(http, name.toLowerCase(), "register").status(), "taken but for case");
        assertEquals(409, login(http, "E" + name.substring(1), "register").status(), "taken but for the accent");
        ChatHttp.Reply lookAlike = login(http, "e" + name.substring(1).toUpperCase(), "signin");
        assertEquals(200, lookAlike.status());
        assertEquals(name, lookAlike.object().getString("username"), "signed in to the account meant");
        assertEquals(400, login(http, name, "maybe").status());
        assertEquals(200, http.login(name, "pw").status(), "the seed's call without a mode still works");
    }

    @Test
    void theDirectoryFindsEveryoneByFoldedPrefixWithPresence() {
        Person quiet = Users.register(chat.nodeB(), "Ünal");
        Person asking = Users.register(chat.nodeA(), "Asker");
        String prefix = "unal" + quiet.username().substring(4, 6);
        JsonObject page = asking.http().get("/api/directory?q=" + prefix).object();
        assertTrue(page.getJsonArray("users").stream().map(JsonObject.class::cast)
                .anyMatch(u -> u.getString("id").equals(quiet.id()) && u.getString("username").equals(quiet.username())
                        && !u.getBoolean("online")), page.toString());
        JsonObject first = asking.http().get("/api/directory?q=&limit=2").object();
        assertEquals(2, first.getJsonArray("users").size());
        JsonObject second = asking.http().get("/api/directory?q=&limit=2&after=" + first.getString("next")).object();
        assertFalse(second.getJsonArray("users").contains(first.getJsonArray("users").get(1)), "pages do not overlap");
        assertEquals(400, asking.http().get("/api/directory?limit=51").status());
        assertEquals(400, asking.http().get("/api/directory?q=" + "x".repeat(33)).status());
        assertEquals(401, new ChatHttp(chat.nodeA()).get("/api/directory?q=a").status());
    }

    private static String read(String room, String messageId) {
        return Json.createObjectBuilder().add("roomId", room).add("messageId", messageId).build().toString();
    }

    private static String mute(String room, boolean muted) {
        return Json.createObjectBuilder().add("roomId", room).add("muted", muted).build().toString();
    }

    private static ChatHttp.Reply login(ChatHttp http, String name, String mode) {
        return http.post("/api/login", Json.createObjectBuilder().add("username", name).add("password", "pw")
                .add("mode", mode).build().toString());
    }
}
