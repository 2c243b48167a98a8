package chat.rooms;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatSocketClient;
import chat.testing.RedisProbe;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SharedChat.class)
class RoomsIT {

    private final ChatCluster chat;
    private final RedisProbe redis;

    RoomsIT(ChatCluster chat) {
        this.chat = chat;
        this.redis = chat.probe();
    }

    @Test
    void aUserListsOwnRoomsOnly() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        Reply mine = ann.http().get("/api/rooms/" + ann.id());
        assertEquals(200, mine.status());
        JsonObject general = mine.array().get(0).asJsonObject();
        assertEquals("0", general.getString("id"));
        assertEquals("General", general.getJsonArray("names").getString(0));

        assertEquals(403, ann.http().get("/api/rooms/" + bob.id()).status());
        assertEquals(404, ann.http().get("/api/rooms/987654321").status());
        assertEquals(404, ann.http().get("/api/rooms/abc").status());
        assertEquals(401, new ChatHttp(chat.nodeA()).get("/api/rooms/" + ann.id()).status());
    }

    @Test
    void privateRoomsAreOpenedByOneOfTheirTwoUsersAndListedOnceTheyHaveMessages() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        Person eve = Users.register(chat.nodeA(), "eve");
        String roomId = Users.privateRoom(ann, bob);

        Reply opened = ann.http().post("/api/room", "{\"user1\":" + ann.id() + ",\"user2\":\"" + bob.id() + "\"}");
        assertEquals(201, opened.status(), opened.body());
        assertEquals(roomId, opened.object().getString("id"));
        assertEquals(2, opened.object().getJsonArray("names").size());
        assertTrue(opened.object().getJsonArray("names").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList().containsAll(List.of(ann.username(), bob.username())));
        assertTrue(ann.http().get("/api/rooms/" + ann.id()).array().stream()
                .noneMatch(r -> roomId.equals(r.asJsonObject().getString("id"))), "no messages yet: not listed");

        assertEquals(403, eve.http().post("/api/room", "{\"user1\":\"" + ann.id() + "\",\"user2\":\"" + bob.id() + "\"}").status());
        assertEquals(404, ann.http().post("/api/room", "{\"user1\":\"" + ann.id() + "\",\"user2\":\"987654321\"}").status());
        for (String bad : List.of("", "nope", "{}", "{\"user1\":\"" + ann.id() + "\"}", "{\"user1\":true,\"user2\":\"1\"}",
                "{\"user1\":\"" + ann.id() + "\",\"user2\":\"" + ann.id() + "\"}", "{\"user1\":\"x\",\"user2\":\"y\"}")) {
            Reply reply = ann.http().post("/api/room", bad);
            assertEquals(400, reply.status(), bad + " → " + reply.body());
        }

        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            socket.sendMessage(roomId, "hello bob");
            socket.awaitMessage("hello bob");
        }
        List<JsonValue> bobsRooms = bob.http().get("/api/rooms/" + bob.id()).array();
        assertTrue(bobsRooms.stream().anyMatch(r -> roomId.equals(r.asJsonObject().getString("id"))), bobsRooms.toString());
    }

    @Test
    void historyIsForMembersOnly() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeA(), "bob");
        Person eve = Users.register(chat.nodeB(), "eve");
        String roomId = Users.privateRoom(ann, bob);
        assertEquals(200, ann.http().get("/api/room/" + roomId + "/messages").status());
        assertEquals(403, eve.http().get("/api/room/" + roomId + "/messages").status());
        assertEquals(404, ann.http().get("/api/room/" + ann.id() + ":987654321/messages").status());
        assertEquals(404, ann.http().get("/api/room/424242/messages").status());
        assertEquals(404, ann.http().get("/api/room/general/messages").status());
        assertEquals(401, new ChatHttp(chat.nodeA()).get("/api/room/0/messages").status());
    }

    @Test
    void pagesHoldExactlyTheSizeAskedNewestFirst() {
        Person ann = Users.register(chat.nodeA(), "pager");
        Person bob = Users.register(chat.nodeA(), "paged");
        String roomId = Users.privateRoom(ann, bob);
        try (ChatSocketClient socket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            for (int i = 1; i <= 7; i++) {
                socket.sendMessage(roomId, "m" + i);
            }
            socket.awaitMessage("m7");
        }
        List<JsonValue> page = ann.http().get("/api/room/" + roomId + "/messages?offset=0&size=3").array();
        assertEquals(List.of("m7", "m6", "m5"), texts(page));
        assertEquals(List.of("m4", "m3", "m2"), texts(ann.http().get("/api/room/" + roomId + "/messages?offset=3&size=3").array()));
        assertEquals(List.of("m1"), texts(ann.http().get("/api/room/" + roomId + "/messages?offset=6&size=3").array()));
        assertEquals(7, ann.http().get("/api/room/" + roomId + "/messages?size=100").array().size());
        for (String bad : List.of("size=0", "size=101", "size=abc", "offset=-1", "offset=x", "size=1.5")) {
            Reply reply = ann.http().get("/api/room/" + roomId + "/messages?" + bad);
            assertEquals(400, reply.status(), bad);
        }
        Map<String, String> stored = Map.of("roomId", roomId);
        JsonObject raw = jakarta.json.Json.createReader(new java.io.StringReader(redis.zrange("room:" + roomId).get(0))).readObject();
        assertEquals(stored.get("roomId"), raw.getString("roomId"));
        assertEquals(ann.id(), raw.getString("from"));
        assertTrue(raw.getJsonNumber("date").isIntegral());
    }

    @Test
    void preloadGivesGeneralWithItsLatestMessages() {
        Person ann = Users.register(chat.nodeB(), "early");
        Reply reply = ann.http().get("/api/room/0/preload");
        assertEquals(200, reply.status());
        assertEquals("0", reply.object().getString("id"));
        assertEquals("General", reply.object().getString("name"));
        assertFalse(reply.object().getJsonArray("messages").isEmpty());
        assertEquals(401, new ChatHttp(chat.nodeB()).get("/api/room/0/preload").status());
    }

    private static List<String> texts(List<JsonValue> messages) {
        return messages.stream().map(m -> m.asJsonObject().getString("message")).toList();
    }
}
