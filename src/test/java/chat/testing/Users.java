package chat.testing;

import jakarta.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh users for tests that share one Redis. */
public final class Users {

    public static String unique(String prefix) {
        return prefix + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
    }

    /** A new user logged in on the node: its HTTP session and id. */
    public static Person register(ChatNode node, String prefix) {
        ChatHttp http = new ChatHttp(node);
        JsonObject me = http.loggedIn(unique(prefix), "pw-" + prefix);
        return new Person(me.getString("id"), me.getString("username"), http);
    }

    public record Person(String id, String username, ChatHttp http) {
    }

    /** The private room of two users: their ids, smaller first. */
    public static String privateRoom(Person a, Person b) {
        return Long.parseLong(a.id()) < Long.parseLong(b.id()) ? a.id() + ":" + b.id() : b.id() + ":" + a.id();
    }

    private Users() {
    }
}
