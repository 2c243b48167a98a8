package chat.rooms.control;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Room ids: a number for named rooms ({@code 0} is General), {@code a:b} (smaller id first) for
 * private rooms, {@code c-<n>} for channels (a shape the seed never writes, see docs/PROTOCOL.md, "Channels").
 */
public final class RoomId {

    private static final Pattern NAMED = Pattern.compile("\\d{1,18}");
    private static final Pattern PRIVATE = Pattern.compile("(\\d{1,18}):(\\d{1,18})");
    private static final Pattern CHANNEL = Pattern.compile("c-[1-9]\\d{0,17}");

    public static String channel(long number) {
        return "c-" + number;
    }

    public static boolean isChannel(String roomId) {
        return roomId != null && CHANNEL.matcher(roomId).matches();
    }

    public static String privateRoom(String userA, String userB) {
        return compare(userA, userB) < 0 ? userA + ":" + userB : userB + ":" + userA;
    }

    public static boolean isNamed(String roomId) {
        return roomId != null && NAMED.matcher(roomId).matches();
    }

    /** The two members of a well-formed private room id (smaller first, two different users). */
    public static Optional<List<String>> privateMembers(String roomId) {
        if (roomId == null) {
            return Optional.empty();
        }
        Matcher m = PRIVATE.matcher(roomId);
        if (!m.matches() || compare(m.group(1), m.group(2)) >= 0 || !canonical(m.group(1)) || !canonical(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(List.of(m.group(1), m.group(2)));
    }

    private static boolean canonical(String number) {
        return number.equals("0") || !number.startsWith("0");
    }

    private static int compare(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b));
    }

    private RoomId() {
    }
}
