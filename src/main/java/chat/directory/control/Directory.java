package chat.directory.control;

import chat.directory.entity.DirectoryEntry;
import chat.directory.entity.DirectoryPage;
import chat.redis.RedisKeys;
import chat.text.NameFolding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RLexSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every user, findable by name prefix without scanning Redis: a sorted set of equal scores
 * ({@code chat:directory}) whose members are {@code <folded name>\0<name>\0<id>}, so a prefix is
 * one ZRANGEBYLEX with a LIMIT and a page costs the same on ten users or ten million
 * (docs/PROTOCOL.md, "Directory"). Names never change, so the member carries the name and a
 * search needs no read of the user hashes.
 */
@ApplicationScoped
public class Directory {

    /** Sorts after every character a name can hold (U+10FFFF, four bytes in UTF-8 starting 0xF4). */
    private static final String AFTER_ALL = "\uDBFF\uDFFF";
    private static final char SEPARATOR = '\0';

    @Inject
    RedissonClient redis;

    /** Adds a user (idempotent): at registration, at every login, by the back-fill. */
    public void add(String id, String username) {
        index().add(member(id, username));
    }

    public void addAll(Collection<DirectoryEntry> users) {
        if (!users.isEmpty()) {
            index().addAll(users.stream().map(u -> member(u.id(), u.username())).toList());
        }
    }

    /**
     * Users whose folded name starts with the folded {@code prefix}, by folded name, {@code limit}
     * at most; {@code after} is the previous page's cursor.
     */
    public DirectoryPage search(String prefix, String after, int limit) {
        String folded = NameFolding.forSearch(prefix);
        String from = after == null ? folded : decode(after);
        boolean fromInclusive = after == null;
        Collection<String> members = index().range(from, fromInclusive, folded + AFTER_ALL, true, 0, limit + 1);
        List<String> page = new ArrayList<>(members);
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            next = encode(page.get(limit - 1));
        }
        return new DirectoryPage(withPresence(page.stream().map(Directory::entry).flatMap(Optional::stream).toList()), next);
    }

    /** The users whose name folds to the same as {@code username} ("pablo" and "Pablo"). */
    public List<DirectoryEntry> sameFoldedName(String username) {
        String folded = NameFolding.forSearch(username) + SEPARATOR;
        return index().range(folded, true, folded + AFTER_ALL, true, 0, 10).stream()
                .map(Directory::entry).flatMap(Optional::stream).toList();
    }

    private List<DirectoryEntry> withPresence(List<DirectoryEntry> users) {
        if (users.isEmpty()) {
            return users;
        }
        RBatch batch = redis.createBatch();
        List<RFuture<Boolean>> online = new ArrayList<>();
        for (DirectoryEntry user : users) {
            online.add(batch.getSet(RedisKeys.ONLINE_USERS, StringCodec.INSTANCE).containsAsync(user.id()));
        }
        batch.execute();
        List<DirectoryEntry> result = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            DirectoryEntry user = users.get(i);
            result.add(new DirectoryEntry(user.id(), user.username(), online.get(i).toCompletableFuture().join()));
        }
        return result;
    }

    private static String member(String id, String username) {
        return NameFolding.forSearch(username) + SEPARATOR + username + SEPARATOR + id;
    }

    private static Optional<DirectoryEntry> entry(String member) {
        int first = member.indexOf(SEPARATOR);
        int last = member.lastIndexOf(SEPARATOR);
        if (first < 0 || last <= first) {
            return Optional.empty();
        }
        return Optional.of(new DirectoryEntry(member.substring(last + 1), member.substring(first + 1, last), false));
    }

    /** The cursor is the last member shown, opaque to clients (it holds NUL characters). */
    private static String encode(String member) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(member.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw chat.api.ChatError.badRequest("'after' must be a cursor from a previous page");
        }
    }

    private RLexSortedSet index() {
        return redis.getLexSortedSet(RedisKeys.DIRECTORY);
    }
}
