package chat.rooms.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.limits.TokenBuckets;
import chat.redis.RedisKeys;
import chat.rooms.entity.Channel;
import chat.rooms.entity.ChannelChange;
import chat.rooms.entity.ChannelDetails;
import chat.rooms.entity.ChannelListing;
import chat.text.ScriptMixing;
import chat.text.VisibleText;
import chat.users.control.Users;
import chat.users.entity.User;
import chat.users.entity.UserStatus;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.UnicodeSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RLock;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Group channels in Redis (docs/PROTOCOL.md, "Channels"): creating, joining, inviting, leaving,
 * removing, renaming, archiving, and who is a member. The seed's own keys carry what the seed
 * knows (the name in {@code room:{id}:name}, the channel in its members' {@code user:{id}:rooms}),
 * so a seed server lists a member's channels; the rest is under {@code chat:channel:{id}}. A
 * membership is two sets, the channel's members and the user's rooms, changed together by one
 * script; on a Redis Cluster, where the two may sit on different shards, one after the other.
 */
@ApplicationScoped
public class Channels {

    static final int NAME_MAX = 80;
    private static final int SEARCH_LIMIT = 50;
    private static final String CHANNEL_PREFIX = "c-";
    /** Longer than a change's few Redis calls; a node that dies holding the lock frees it after this. */
    private static final Duration CHANGE_LEASE = Duration.ofSeconds(10);
    /** Private use, unassigned, half a surrogate pair: no text to name anything (controls and formats are {@link VisibleText}'s). */
    private static final Pattern NOT_TEXT = Pattern.compile("[\\p{Co}\\p{Cn}\\p{Cs}]");
    /**
     * Emoji whose pictures are joined by zero-width joiners (👨‍💻, 🏳️‍🌈) or tagged (England's and Scotland's flags),
     * each shown as one: Unicode's recommended ones. The joiners and tags show nothing by themselves.
     */
    private static final UnicodeSet EMOJI_SEQUENCES = new UnicodeSet("[[:RGI_Emoji_ZWJ_Sequence:][:RGI_Emoji_Tag_Sequence:]]").freeze();
    /** Blanks of every kind (no-break and ideographic spaces too): one space between words. */
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** After every name in a UTF-8 byte order: the end of a prefix search. */
    private static final String HIGHEST = new String(Character.toChars(Character.MAX_CODE_POINT));

    /**
     * Adds ARGV[1] to the set KEYS[1] unless the set already holds ARGV[2] members starting with
     * ARGV[3] (all members when ARGV[3] is empty): 1 added, 0 was there already, -1 full. Counting
     * and adding in one script keeps two nodes from both taking the last place.
     */
    private static final String ADD_UNLESS_FULL = """
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
            local count = 0
            if ARGV[3] == '' then
              count = redis.call('SCARD', KEYS[1])
            else
              for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
                if string.sub(member, 1, #ARGV[3]) == ARGV[3] then count = count + 1 end
              end
            end
            if count >= tonumber(ARGV[2]) then return -1 end
            redis.call('SADD', KEYS[1], ARGV[1])
            return 1
            """;

    /**
     * Makes ARGV[1] a member of the channel ARGV[2]: KEYS[1] its members, KEYS[2] the user's rooms,
     * KEYS[3] the channel. -3 when the channel is gone, or private and this is a join, -4 when it is
     * archived, -5 when the inviter ARGV[6] ('' for a join) is no longer a member; 0 when a member
     * already, -1 when the channel has ARGV[3] members, -2 when the user's rooms hold ARGV[4]
     * channels (rooms whose id starts with ARGV[5]); else both sets change at once and 1.
     * Checking and writing the two sets apart let a refused invitation make the user a member for a
     * moment (posts were logged for them, a concurrent invitation found them in), and a join racing
     * a leave left one set without the other. Checked before the script, an invitation racing the
     * last member's leave made the invitee the only member of a channel deleted meanwhile: listed
     * nowhere, impossible to leave, and a place taken for good (found from outside). A join is checked
     * first against what the caller may see (a member sees a private channel): a removed member's join
     * that came between that and the removal put them back into the private channel (found from outside).
     */
    private static final String ADD_MEMBER = """
            if redis.call('EXISTS', KEYS[3]) == 0 then return -3 end
            if redis.call('HEXISTS', KEYS[3], 'archived') == 1 then return -4 end
            if ARGV[6] ~= '' and redis.call('SISMEMBER', KEYS[1], ARGV[6]) == 0 then return -5 end
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
            if ARGV[6] == '' and redis.call('HGET', KEYS[3], 'kind') ~= 'public' then return -3 end
            if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
            local channels = 0
            for _, room in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              if string.sub(room, 1, #ARGV[5]) == ARGV[5] then channels = channels + 1 end
            end
            if channels >= tonumber(ARGV[4]) and redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return -2 end
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[2])
            return 1
            """;

    /**
     * Creates a channel with its creator as first member, unless the creator's rooms (KEYS[5]) hold
     * ARGV[7] channels (ids starting with ARGV[8]): 0, and nothing written. KEYS: the channel's hash,
     * its name (the seed's key, written before the id enters anyone's rooms), its members, the public
     * channels' index. ARGV: creator, id, kind, created, name, index entry ('' for a private channel).
     */
    private static final String CREATE = """
            local channels = 0
            for _, room in ipairs(redis.call('SMEMBERS', KEYS[5])) do
              if string.sub(room, 1, #ARGV[8]) == ARGV[8] then channels = channels + 1 end
            end
            if channels >= tonumber(ARGV[7]) then return 0 end
            redis.call('HSET', KEYS[1], 'kind', ARGV[3], 'creator', ARGV[1], 'created', ARGV[4])
            redis.call('SET', KEYS[2], ARGV[5])
            redis.call('SADD', KEYS[3], ARGV[1])
            if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[6]) end
            redis.call('SADD', KEYS[5], ARGV[2])
            return 1
            """;

    /**
     * Ends ARGV[1]'s membership of the channel ARGV[2] in both sets at once (KEYS[1..3] as above): 0
     * when not a member, else 1, or 2 when that was a private channel's last member: then the
     * channel goes in the same step (KEYS[4..6] its name, messages and changes; KEYS[7..8] what its
     * last member kept of it), so that no invitation can come between (see {@link #ADD_MEMBER}).
     */
    private static final String REMOVE_MEMBER = """
            local removed = redis.call('SREM', KEYS[1], ARGV[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            if removed == 0 then return 0 end
            if redis.call('SCARD', KEYS[1]) > 0 or redis.call('HGET', KEYS[3], 'kind') ~= 'private' then return 1 end
            redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
            redis.call('SREM', KEYS[7], ARGV[2])
            redis.call('HDEL', KEYS[8], ARGV[2])
            return 2
            """;

    @Inject
    RedissonClient redis;

    @Inject
    Users users;

    @Inject
    Settings config;

    @Inject
    TokenBuckets buckets;

    @Inject
    ChannelNames channelNames;

    @Inject
    Event<ChannelChange> changes;

    Clock clock = Clock.systemUTC();

    public Channel create(String userId, String rawName, String rawKind) {
        String name = validName(rawName);
        String kind = validKind(rawKind);
        int perHour = config.channelsCreatedPerHour();
        if (!buckets.take(RedisKeys.channelCreationRate(userId), perHour, perHour / 3600.0)) {
            throw ChatError.tooManyRequests("You are creating channels too fast (at most " + perHour + " an hour); try again later",
                    Math.max(1, Math.round(3600.0 / perHour)));
        }
        String id = RoomId.channel(redis.getAtomicLong(RedisKeys.CHANNEL_SEQUENCE).incrementAndGet());
        channelNames.claim(id, name);
        Channel channel = new Channel(id, name, kind, userId, now(), null);
        boolean created = redis.getConfig().isClusterConfig() ? createOneKeyAfterTheOther(channel) : createAtOnce(channel);
        if (!created) {
            channelNames.release(id, name);
            throw tooManyChannels();
        }
        changes.fire(new ChannelChange(ChannelChange.Kind.JOINED, channel, userId, username(userId), userId));
        return channel;
    }

    /**
     * The channel's keys and the creator's place, written by one script only when the creator has a
     * place left: no one can join a channel that is undone a moment later (a join in that moment
     * left the id in the joiner's rooms for good, counted against their limit, and no leave could
     * take it out).
     */
    private boolean createAtOnce(Channel channel) {
        String id = channel.id();
        Long created = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, CREATE, RScript.ReturnType.LONG,
                List.of(RedisKeys.channel(id), RedisKeys.roomName(id), RedisKeys.channelMembers(id), RedisKeys.PUBLIC_CHANNELS,
                        RedisKeys.userRooms(channel.creator())),
                channel.creator(), id, channel.kind(), String.valueOf(channel.created()), channel.name(),
                channel.isPublic() ? indexEntry(channel) : "", String.valueOf(config.channelsPerUser()), CHANNEL_PREFIX);
        return created != null && created == 1;
    }

    /**
     * On a Redis Cluster, where these keys may sit on different shards: written one after the other,
     * then undone when the creator has no place left (a join in between is the race
     * {@link #createAtOnce} closes; docs/PROTOCOL.md, "Channels").
     */
    private boolean createOneKeyAfterTheOther(Channel channel) {
        String id = channel.id();
        // Everything the seed reads about the room (its name) is written before the room id enters
        // user:{id}:rooms: a seed server answers 400 to a room list holding an id it cannot explain.
        RBatch batch = redis.createBatch();
        batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE).putAllAsync(Map.of(
                "kind", channel.kind(), "creator", channel.creator(), "created", String.valueOf(channel.created())));
        batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).setAsync(channel.name());
        batch.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).addAsync(channel.creator());
        if (channel.isPublic()) {
            batch.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).addAsync(indexEntry(channel));
        }
        batch.execute();
        if (addUnlessFull(RedisKeys.userRooms(channel.creator()), id, config.channelsPerUser(), CHANNEL_PREFIX) >= 0) {
            return true;
        }
        RBatch undo = redis.createBatch();
        undo.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).removeAsync(indexEntry(channel));
        undo.getKeys().deleteAsync(RedisKeys.channel(id), RedisKeys.roomName(id), RedisKeys.channelMembers(id));
        undo.execute();
        return false;
    }

    public Optional<Channel> find(String id) {
        return RoomId.isChannel(id) ? Optional.ofNullable(findAll(List.of(id)).get(id)) : Optional.empty();
    }

    /** The channels among these ids that exist, in one round trip. */
    public Map<String, Channel> findAll(Collection<String> ids) {
        Map<String, Channel> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        RBatch batch = redis.createBatch();
        List<RFuture<Map<String, String>>> fields = new ArrayList<>();
        List<RFuture<String>> names = new ArrayList<>();
        for (String id : ids) {
            fields.add(batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE).readAllMapAsync());
            names.add(batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).getAsync());
        }
        batch.execute();
        int i = 0;
        for (String id : ids) {
            channel(id, fields.get(i).toCompletableFuture().join(), names.get(i).toCompletableFuture().join())
                    .ifPresent(c -> found.put(id, c));
            i++;
        }
        return found;
    }

    /**
     * 404 when there is no such channel or it is private and the user is not in it (to outsiders a
     * private channel does not exist: the same answer as for an id nobody has), 403 when the user is
     * not a member of a public channel or (to post) it is archived.
     */
    public void requireMember(String userId, String id, boolean toPost) {
        RBatch batch = redis.createBatch();
        RFuture<Map<String, String>> fields = batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE)
                .getAllAsync(Set.of("kind", "archived"));
        RFuture<Boolean> member = batch.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).containsAsync(userId);
        batch.execute();
        Map<String, String> found = fields.toCompletableFuture().join();
        if (!found.containsKey("kind")) {
            throw Rooms.noSuchRoom();
        }
        if (!member.toCompletableFuture().join()) {
            throw Channel.PRIVATE.equals(found.get("kind")) ? Rooms.noSuchRoom() : notAMember();
        }
        if (toPost && found.containsKey("archived")) {
            throw archived();
        }
    }

    /** What a user who is not in a public channel is told (the posting script checks membership itself). */
    public static ChatError notAMember() {
        return ChatError.forbidden("Not a member of this channel");
    }

    /** What a post to an archived channel is told. */
    public static ChatError archived() {
        return ChatError.forbidden("This channel is archived: it is read-only");
    }

    public boolean isMember(String userId, String id) {
        return redis.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).contains(userId);
    }

    /** The members' user ids (one Redis call: per event and node, never per socket). */
    public Set<String> members(String id) {
        return redis.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).readAll();
    }

    /** A channel and its members; a private channel is invisible (404) to those outside it. */
    public ChannelDetails details(String userId, String id) {
        Channel channel = visible(userId, id);
        List<UserStatus> members = users.statuses(members(id)).values().stream()
                .sorted(Comparator.comparing(UserStatus::username, String.CASE_INSENSITIVE_ORDER)).toList();
        return ChannelDetails.of(channel, members);
    }

    /** Public, unarchived channels whose name starts with the prefix (any case), by name. */
    public List<ChannelListing> search(String userId, String prefix) {
        String from = prefix == null ? "" : prefix.strip().replaceFirst("^#", "").toLowerCase(Locale.ROOT);
        var index = redis.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS);
        Collection<String> entries = from.isEmpty() ? index.range(0, SEARCH_LIMIT - 1)
                : index.range(from, true, from + HIGHEST, true, 0, SEARCH_LIMIT);
        List<String> ids = entries.stream().map(entry -> entry.substring(entry.lastIndexOf('\n') + 1)).toList();
        RBatch batch = redis.createBatch();
        List<RFuture<Map<String, String>>> fields = new ArrayList<>();
        List<RFuture<String>> names = new ArrayList<>();
        List<RFuture<Integer>> sizes = new ArrayList<>();
        List<RFuture<Boolean>> joined = new ArrayList<>();
        for (String id : ids) {
            fields.add(batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE).readAllMapAsync());
            names.add(batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).getAsync());
            sizes.add(batch.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).sizeAsync());
            joined.add(batch.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).containsAsync(userId));
        }
        batch.execute();
        List<ChannelListing> listings = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int n = i;
            channel(ids.get(i), fields.get(i).toCompletableFuture().join(), names.get(i).toCompletableFuture().join())
                    .filter(c -> c.isPublic() && !c.isArchived())
                    .ifPresent(c -> listings.add(ChannelListing.of(c, sizes.get(n).toCompletableFuture().join(),
                            joined.get(n).toCompletableFuture().join())));
        }
        return listings;
    }

    public Channel join(String userId, String id) {
        Channel channel = visible(userId, id);
        requireOpen(channel);
        addMember(channel, userId, userId);
        return channel;
    }

    /** Adds someone to a channel the inviter belongs to; any member may invite (also into a private channel). */
    public Channel invite(String inviterId, String id, String inviteeId) {
        Channel channel = visible(inviterId, id);
        if (!isMember(inviterId, id)) {
            throw ChatError.forbidden("Only members may invite people into a channel");
        }
        requireOpen(channel);
        if (!users.exists(inviteeId)) {
            throw ChatError.notFound("No such user");
        }
        if (isMember(inviteeId, id)) {
            return channel;
        }
        int perMinute = config.invitationsPerMinute();
        if (!buckets.take(RedisKeys.invitationRate(inviterId), perMinute, perMinute / 60.0)) {
            throw ChatError.tooManyRequests("You are inviting too fast (at most " + perMinute + " a minute); try again shortly",
                    Math.max(1, Math.round(60.0 / perMinute)));
        }
        addMember(channel, inviteeId, inviterId); // checks again, with the adding, that the inviter is still in
        return channel;
    }

    /** The user of that name, in any case and accents as at signing in ("joe" was "No user named" while @joe mentioned Joe). */
    public String userNamed(String username) {
        return users.idOfFolded(username).orElseThrow(() -> ChatError.notFound("No user named '" + username + "'"));
    }

    /**
     * A private channel its last member left goes: nobody could reach it again (it takes an
     * invitation, and only members invite), and its name stayed taken for good. It goes with its
     * messages and with what its last member kept of it (muted, read up to); members who left before
     * keep theirs, as for any channel they left: entries nothing reads, since read state is listed
     * only for a user's rooms.
     */
    public void leave(String userId, String id) {
        oneChangeAtATime(id, () -> {
            Channel channel = visible(userId, id);
            if (!removeMember(channel, userId, userId)) {
                throw ChatError.notFound("You are not a member of this channel");
            }
            return channel;
        });
    }

    /** The creator removes a member; anyone may remove themselves (that is leaving). */
    public void remove(String callerId, String id, String memberId) {
        if (callerId.equals(memberId)) {
            leave(callerId, id);
            return;
        }
        oneChangeAtATime(id, () -> {
            Channel channel = visible(callerId, id);
            if (!channel.creator().equals(callerId) || !isMember(callerId, id)) {
                throw ChatError.forbidden("Only the channel's creator, while a member, may remove members");
            }
            if (!removeMember(channel, memberId, callerId)) {
                throw ChatError.notFound("That user is not a member of this channel");
            }
            return channel;
        });
    }

    /**
     * Two renames at once both claimed their new names and released only the old one, so the loser's
     * name stayed taken by a channel not called so, and the channel stood twice in the browser.
     */
    public Channel rename(String callerId, String id, String rawName) {
        return oneChangeAtATime(id, () -> {
            Channel channel = ownChannel(callerId, id);
            requireOpen(channel);
            String name = validName(rawName);
            if (name.equals(channel.name())) {
                return channel;
            }
            channelNames.rename(id, channel.name(), name);
            Channel renamed = channel.renamed(name);
            RBatch batch = redis.createBatch();
            batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).setAsync(name);
            if (channel.isPublic()) {
                batch.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).removeAsync(indexEntry(channel));
                batch.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).addAsync(indexEntry(renamed));
            }
            batch.execute();
            changes.fire(new ChannelChange(ChannelChange.Kind.UPDATED, renamed, null, null, callerId));
            return renamed;
        });
    }

    /** Archived channels are read-only and leave the channel browser; their creator may restore them. */
    public Channel setArchived(String callerId, String id, boolean archived) {
        return oneChangeAtATime(id, () -> archive(callerId, id, archived));
    }

    /**
     * One change of a channel's name, state or members' leaving at a time, on any node, each reading
     * what it changes inside the lock. A rename racing the last member's leave of a private channel
     * claimed its new name after the leave had freed the old one: taken for good by a channel gone
     * (10 of 20 from outside); a rename racing the archiving ended archived under the new name, still
     * in the browser's index and announced as open (33 of 36).
     */
    private Channel oneChangeAtATime(String id, Supplier<Channel> change) {
        RLock changing = redis.getLock(RedisKeys.channelChanging(id));
        changing.lock(CHANGE_LEASE.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return change.get();
        } finally {
            if (changing.isHeldByCurrentThread()) { // not when the lease ran out first
                changing.unlock();
            }
        }
    }

    private Channel archive(String callerId, String id, boolean archived) {
        Channel channel = ownChannel(callerId, id);
        if (archived == channel.isArchived()) {
            return channel;
        }
        Channel changed = channel.archivedAt(archived ? now() : null);
        RBatch batch = redis.createBatch();
        var fields = batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE);
        if (archived) {
            fields.putAsync("archived", String.valueOf(changed.archived()));
            batch.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).removeAsync(indexEntry(channel));
        } else {
            fields.removeAsync("archived");
            if (channel.isPublic()) {
                batch.getLexSortedSet(RedisKeys.PUBLIC_CHANNELS).addAsync(indexEntry(channel));
            }
        }
        batch.execute();
        changes.fire(new ChannelChange(ChannelChange.Kind.UPDATED, changed, null, null, callerId));
        return changed;
    }

    /** Whether the user created the channel (who may delete anyone's message in it). */
    public boolean isCreator(String userId, String id) {
        return userId.equals(redis.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE).get("creator"));
    }

    private void addMember(Channel channel, String userId, String by) {
        boolean invited = !userId.equals(by);
        int places = invited ? placesOthersMayFill() : config.channelsPerUser();
        int added = redis.getConfig().isClusterConfig() ? addOneSetAfterTheOther(channel.id(), userId, places)
                : membership(ADD_MEMBER, channel.id(), userId, List.of(RedisKeys.channel(channel.id())),
                String.valueOf(config.membersPerChannel()), String.valueOf(places), CHANNEL_PREFIX, invited ? by : "");
        if (added == -3) {
            throw noSuchChannel();
        }
        if (added == -4) {
            throw conflict("This channel is archived"); // as requireOpen says it, when the archiving came first
        }
        if (added == -5) {
            throw ChatError.forbidden("Only members may invite people into a channel");
        }
        if (added == -1) {
            throw conflict("This channel is full: it may have at most " + config.membersPerChannel() + " members");
        }
        if (added == -2) {
            throw invited ? noPlaceForInvitations(userId) : tooManyChannels();
        }
        if (added > 0) {
            changes.fire(new ChannelChange(ChannelChange.Kind.JOINED, channel, userId, username(userId), by));
        }
    }

    /**
     * On a Redis Cluster: the user's place first, so that no one is a member, even for a moment,
     * whom the limit on their channels refuses; a join racing a leave may still leave one set
     * without the other there (docs/PROTOCOL.md, "Channels").
     */
    private int addOneSetAfterTheOther(String channelId, String userId, int places) {
        int placed = addUnlessFull(RedisKeys.userRooms(userId), channelId, places, CHANNEL_PREFIX);
        if (placed < 0) {
            return -2;
        }
        int added = addUnlessFull(RedisKeys.channelMembers(channelId), userId, config.membersPerChannel(), "");
        if (added < 0 && placed > 0) {
            redis.<String>getSet(RedisKeys.userRooms(userId), StringCodec.INSTANCE).remove(channelId);
        }
        return added;
    }

    private boolean removeMember(Channel channel, String userId, String by) {
        String id = channel.id();
        boolean removed;
        boolean deleted = false;
        if (redis.getConfig().isClusterConfig()) {
            // Membership first: from the moment it is gone, no node delivers the channel's events to them.
            removed = redis.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).remove(userId);
            redis.<String>getSet(RedisKeys.userRooms(userId), StringCodec.INSTANCE).remove(id);
            if (removed && !channel.isPublic() && !redis.getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).isExists()) {
                RBatch batch = redis.createBatch(); // keys of several shards: not in one step (docs/PROTOCOL.md, "Channels")
                batch.getKeys().deleteAsync(RedisKeys.channel(id), RedisKeys.roomName(id), RedisKeys.room(id), RedisKeys.roomChanges(id));
                batch.getSet(RedisKeys.mutedRooms(userId), StringCodec.INSTANCE).removeAsync(id);
                batch.getMap(RedisKeys.readMarks(userId), StringCodec.INSTANCE).fastRemoveAsync(id);
                batch.execute();
                deleted = true;
            }
        } else {
            int result = membership(REMOVE_MEMBER, id, userId, List.of(RedisKeys.channel(id), RedisKeys.roomName(id),
                    RedisKeys.room(id), RedisKeys.roomChanges(id), RedisKeys.mutedRooms(userId), RedisKeys.readMarks(userId)));
            removed = result > 0;
            deleted = result == 2;
        }
        if (deleted) {
            channelNames.release(id, channel.name());
        }
        if (removed) {
            changes.fire(new ChannelChange(ChannelChange.Kind.LEFT, channel, userId, username(userId), by));
        }
        return removed;
    }

    /** Runs a membership script: KEYS the channel's members, the user's rooms, then {@code moreKeys}; ARGV user, channel, then {@code more}. */
    private int membership(String script, String channelId, String userId, List<String> moreKeys, String... more) {
        List<Object> keys = new ArrayList<>(List.of(RedisKeys.channelMembers(channelId), RedisKeys.userRooms(userId)));
        keys.addAll(moreKeys);
        List<Object> args = new ArrayList<>(List.of(userId, channelId));
        args.addAll(List.of(more));
        Long result = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.LONG,
                keys, args.toArray());
        return result == null ? 0 : result.intValue();
    }

    private int addUnlessFull(String setKey, String member, int limit, String countedPrefix) {
        Long result = redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, ADD_UNLESS_FULL,
                RScript.ReturnType.LONG, List.of(setKey), member, String.valueOf(limit), countedPrefix);
        return result == null ? 0 : result.intValue();
    }

    /**
     * The channel, unless it is private and the user is not in it: then it does not exist for them.
     * One round trip whatever the answer: asking about a private channel took one more than asking
     * about an id no channel has, which an outsider could time (found from outside).
     */
    private Channel visible(String userId, String id) {
        if (!RoomId.isChannel(id)) {
            throw noSuchChannel();
        }
        RBatch batch = redis.createBatch();
        RFuture<Map<String, String>> fields = batch.<String, String>getMap(RedisKeys.channel(id), StringCodec.INSTANCE).readAllMapAsync();
        RFuture<String> name = batch.<String>getBucket(RedisKeys.roomName(id), StringCodec.INSTANCE).getAsync();
        RFuture<Boolean> member = batch.<String>getSet(RedisKeys.channelMembers(id), StringCodec.INSTANCE).containsAsync(userId);
        batch.execute();
        Channel channel = channel(id, fields.toCompletableFuture().join(), name.toCompletableFuture().join())
                .orElseThrow(Channels::noSuchChannel);
        if (!channel.isPublic() && !member.toCompletableFuture().join()) {
            throw noSuchChannel();
        }
        return channel;
    }

    /** The channel, when the user created it and is still in it: a creator who left a public channel no longer runs it. */
    private Channel ownChannel(String userId, String id) {
        Channel channel = visible(userId, id);
        if (!channel.creator().equals(userId) || !isMember(userId, id)) {
            throw ChatError.forbidden("Only the channel's creator, while a member, may do that");
        }
        return channel;
    }

    private static void requireOpen(Channel channel) {
        if (channel.isArchived()) {
            throw conflict("This channel is archived");
        }
    }

    /**
     * Invitations fill at most all but a tenth of a user's places (at least one): the rest are the
     * user's own to join or create channels. Invitees become members at once, so a stranger who
     * invited someone into 100 channels of their own left that user unable to join or create any.
     */
    private int placesOthersMayFill() {
        int limit = config.channelsPerUser();
        return limit - Math.max(1, limit / 10);
    }

    private ChatError noPlaceForInvitations(String userId) {
        int limit = config.channelsPerUser();
        return conflict(username(userId) + " is in " + placesOthersMayFill() + " channels or more: the last "
                + (limit - placesOthersMayFill()) + " of their " + limit + " places are theirs to join or create channels themselves");
    }

    private ChatError tooManyChannels() {
        return conflict("You are in " + config.channelsPerUser() + " channels already, the most allowed: leave one first");
    }

    static String validName(String raw) {
        if (raw == null) {
            throw ChatError.badRequest("'name' is required");
        }
        String name = WHITE_SPACE.matcher(raw).replaceAll(" ").strip().replaceFirst("^#+(?![\\uFE0F\\u20E3])", "").strip();
        if (name.isEmpty()) {
            throw ChatError.badRequest("A channel needs a name");
        }
        if (name.codePointCount(0, name.length()) > NAME_MAX) {
            throw ChatError.badRequest("A channel name may have at most " + NAME_MAX + " characters");
        }
        if (NOT_TEXT.matcher(name).find() || withoutEmojiSequences(name).codePoints().anyMatch(Channels::isInvisibleInAName)) {
            throw ChatError.badRequest("A channel name may not contain control or invisible characters");
        }
        if (name.codePoints().allMatch(c -> c == ' ' || VisibleText.isCombiningMark(c))) {
            throw ChatError.badRequest("A channel needs a name that shows"); // a lone variation selector or accent
        }
        int uncommon = ScriptMixing.firstUncommon(name, UCharacter::isLetter);
        if (uncommon >= 0) { // as for user names: a small capital ᴛ passes for a t and is no confusable of it
            throw ChatError.badRequest("A channel name may not contain '" + Character.toString(uncommon) + "': it is not a letter in common use");
        }
        if (VisibleText.stacksTooManyMarks(name)) {
            throw ChatError.badRequest("A channel name may not stack more than " + VisibleText.MOST_MARKS_ON_A_CHARACTER + " accents or marks on one character");
        }
        String mixing = ScriptMixing.problem(name);
        if (mixing != null) {
            throw ChatError.badRequest("A channel name may not mix scripts within a word, as look-alike names do: " + mixing);
        }
        return name;
    }

    /** The name with each joined or tagged emoji as one space: what joins or tags them shows nothing by itself, but is no hidden text. */
    private static String withoutEmojiSequences(String name) {
        StringBuilder rest = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length()) {
            int end = EMOJI_SEQUENCES.span(name, i, UnicodeSet.SpanCondition.SIMPLE);
            if (end > i) {
                rest.append(' ');
                i = end;
            } else {
                int c = name.codePointAt(i);
                rest.appendCodePoint(c);
                i += Character.charCount(c);
            }
        }
        return rest.toString();
    }

    /** Shows nothing (a control, a format character, a Hangul filler, a braille blank), other than the space between words; emoji keep their variation selectors. */
    private static boolean isInvisibleInAName(int c) {
        return c != ' ' && VisibleText.isInvisible(c) && !UCharacter.hasBinaryProperty(c, UProperty.VARIATION_SELECTOR);
    }


    static String validKind(String raw) {
        if (raw == null || Channel.PUBLIC.equals(raw)) {
            return Channel.PUBLIC;
        }
        if (Channel.PRIVATE.equals(raw)) {
            return Channel.PRIVATE;
        }
        throw ChatError.badRequest("'kind' must be 'public' or 'private'");
    }

    private static String indexEntry(Channel channel) {
        return ChannelNames.lowerCased(channel.name()) + "\n" + channel.id();
    }

    private static Optional<Channel> channel(String id, Map<String, String> fields, String name) {
        if (fields == null || !fields.containsKey("kind") || name == null) {
            return Optional.empty();
        }
        return Optional.of(new Channel(id, name, fields.get("kind"), fields.get("creator"),
                number(fields.get("created")), fields.containsKey("archived") ? number(fields.get("archived")) : null));
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String username(String userId) {
        return users.byId(userId).map(User::username).orElse(userId);
    }

    private long now() {
        return clock.millis() / 1000;
    }

    /** What a channel that does not exist, or that the user may not see, is told: the same, so nothing leaks. */
    private static ChatError noSuchChannel() {
        return ChatError.notFound("No such channel");
    }

    private static ChatError conflict(String message) {
        return new ChatError(409, message);
    }
}
