package chat.messages.entity;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message id: the second it was stored and a sequence number drawn from one Redis counter,
 * so ids are unique across nodes and order messages exactly. Written by {@link MessageCodec}
 * (see docs/PROTOCOL.md) so that equal-second messages also sort by sequence in Redis.
 */
public record MessageId(long date, long sequence) implements Comparable<MessageId> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})-(\\d{1,18})");
    private static final Comparator<MessageId> ORDER = Comparator.comparingLong(MessageId::sequence);

    public static Optional<MessageId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new MessageId(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }

    @Override
    public String toString() {
        return MessageCodec.idPrefix(date) + MessageCodec.sequenceText(sequence);
    }

    @Override
    public int compareTo(MessageId other) {
        return ORDER.compare(this, other);
    }
}
