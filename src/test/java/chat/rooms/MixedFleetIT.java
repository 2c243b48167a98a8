package chat.rooms;

import chat.testing.ChatCluster;
import chat.testing.ChatHttp;
import chat.testing.ChatHttp.Reply;
import chat.testing.ChatSocketClient;
import chat.testing.SeedServer;
import chat.testing.SeedSocket;
import chat.testing.SharedChat;
import chat.testing.Users;
import chat.testing.Users.Person;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's own Node.js server on the same Redis as our two nodes, after channels, membership
 * changes, edits and deletions: it still serves General and private rooms as before, lists a
 * member's channels by name, shows edited and deleted messages as valid seed messages, and does
 * not crash on our new keys or envelopes (docs/PROTOCOL.md, "Channels").
 */
@ExtendWith(SharedChat.class)
class MixedFleetIT {

    private static SeedServer seed;
    private final ChatCluster chat;

    MixedFleetIT(ChatCluster chat) {
        this.chat = chat;
    }

    @AfterAll
    static void stop() {
        if (seed != null) {
            seed.close();
        }
    }

    @Test
    void theSeedsServerServesGeneralPrivateRoomsAndChannelsUnchanged() {
        Person ann = Users.register(chat.nodeA(), "ann");
        Person bob = Users.register(chat.nodeB(), "bob");
        String privateRoom = Users.privateRoom(ann, bob);
        seed = SeedServer.start(chat.redis().port());

        String name = Users.unique("fleet ");
        String channel = ann.http().post("/api/channels", "{\"name\":\"" + name + "\"}").object().getString("id");
        assertEquals(200, bob.http().post("/api/channels/" + channel + "/join", "{}").status());
        String general;
        String gone;
        try (ChatSocketClient annSocket = ChatSocketClient.connect(chat.nodeA(), ann.http())) {
            annSocket.sendMessage("0", "general, typo");
            annSocket.sendMessage("0", "general, regretted");
            annSocket.sendMessage(privateRoom, "private hello");
            annSocket.sendMessage(channel, "channel hello");
            general = annSocket.awaitMessage("general, typo").getJsonObject("data").getString("id");
            gone = annSocket.awaitMessage("general, regretted").getJsonObject("data").getString("id");
            annSocket.awaitMessage("channel hello");
        }
        assertEquals(200, ann.http().patch("/api/room/0/messages/" + general, "{\"message\":\"general, fixed\"}").status());
        assertEquals(204, ann.http().delete("/api/room/0/messages/" + gone).status());
        assertEquals(204, ann.http().delete("/api/channels/" + channel + "/members/" + bob.id()).status());

        // The seed's HTTP API, as its React client calls it.
        ChatHttp annOnSeed = new ChatHttp(seed.baseUrl());
        assertEquals(200, annOnSeed.post("/login", "{\"username\":\"" + ann.username() + "\",\"password\":\"pw-ann\"}").status());
        Reply rooms = annOnSeed.get("/rooms/" + ann.id());
        assertEquals(200, rooms.status(), "the seed lists rooms holding a channel: " + rooms.body() + "\n" + seed.output());
        List<JsonObject> listed = rooms.array().stream().map(JsonValue::asJsonObject).toList();
        assertTrue(listed.stream().anyMatch(r -> "0".equals(r.getString("id"))), rooms.body());
        assertTrue(listed.stream().anyMatch(r -> privateRoom.equals(r.getString("id"))), rooms.body());
        assertTrue(listed.stream().anyMatch(r -> channel.equals(r.getString("id")) && name.equals(r.getJsonArray("names").getString(0))),
                rooms.body());

        List<JsonObject> generalOnSeed = annOnSeed.get("/room/0/messages?offset=0&size=40").array().stream()
                .map(JsonValue::asJsonObject).toList();
        assertTrue(generalOnSeed.stream().anyMatch(m -> "general, fixed".equals(m.getString("message"))
                && general.equals(m.getString("id"))), "an edited message: its new text, same id");
        assertTrue(generalOnSeed.stream().anyMatch(m -> "(message deleted)".equals(m.getString("message"))
                && gone.equals(m.getString("id"))), "a deleted message: a valid seed message saying so");
        assertTrue(generalOnSeed.stream().noneMatch(m -> m.getString("message").equals("general, typo")
                || m.getString("message").equals("general, regretted")));
        assertTrue(annOnSeed.get("/room/" + channel + "/messages?offset=0&size=10").body().contains("channel hello"));
        assertTrue(annOnSeed.get("/room/" + privateRoom + "/messages?offset=0&size=10").body().contains("private hello"));

        // Live both ways, General and a private room, between a seed socket and our nodes.
        ChatHttp carolOnSeed = new ChatHttp(seed.baseUrl());
        String carolName = Users.unique("carol");
        JsonObject carol = carolOnSeed.post("/login", "{\"username\":\"" + carolName + "\",\"password\":\"pw-carol\"}").object();
        String carolId = String.valueOf(carol.get("id")).replace("\"", "");
        String carolAndAnn = Long.parseLong(carolId) < Long.parseLong(ann.id()) ? carolId + ":" + ann.id() : ann.id() + ":" + carolId;
        try (ChatSocketClient annSocket = ChatSocketClient.connect(chat.nodeA(), ann.http());
             ChatSocketClient bobSocket = ChatSocketClient.connect(chat.nodeB(), bob.http());
             SeedSocket carolSocket = SeedSocket.connect(seed, carolOnSeed)) {
            // The seed registers its socket's handlers right after announcing the user: once we hear it, it listens.
            annSocket.await("user.connected", d -> d != null && carolId.equals(String.valueOf(d.get("id")).replace("\"", "")));
            carolSocket.sendMessage("0", "hello from the seed", carolId);
            annSocket.awaitMessage("hello from the seed");
            bobSocket.awaitMessage("hello from the seed");
            annSocket.sendMessage("0", "hello to the seed");
            carolSocket.awaitMessage("hello to the seed");
            carolSocket.sendMessage(carolAndAnn, "private from the seed", carolId);
            annSocket.awaitMessage("private from the seed");
            assertTrue(bobSocket.messages().stream().noneMatch(m -> "private from the seed".equals(m.getString("message"))));
        }
        assertTrue(seed.isAlive(), "the seed's server survived our keys and envelopes:\n" + seed.output());
        assertEquals(200, seed.status("/randomname"));
        assertEquals(200, new ChatHttp(chat.nodeB()).login(carolName, "pw-carol").status(), "a seed user logs in on our nodes");
    }
}
