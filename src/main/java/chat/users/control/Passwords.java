package chat.users.control;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/** bcrypt at cost 10, like the seed; verifies the seed Node server's {@code $2b$} hashes too. */
public final class Passwords {

    public static final int MAX_BYTES = 72;

    public static String hash(String password) {
        return BCrypt.hashpw(password, BCrypt.gensalt(10));
    }

    public static boolean matches(String password, String storedHash) {
        if (storedHash == null) {
            return false;
        }
        // jBCrypt knows only $2a$; $2b$ and $2y$ are the same algorithm with another label.
        String hash = storedHash.startsWith("$2b$") || storedHash.startsWith("$2y$")
                ? "$2a$" + storedHash.substring(4) : storedHash;
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException malformedHash) {
            return false;
        }
    }

    /** Why a new password is unacceptable, or null: at least {@code minLength} characters as well. */
    public static String problemWithNew(String password, int minLength) {
        String problem = problem(password);
        if (problem == null && password.codePointCount(0, password.length()) < minLength) {
            return "Password must have at least " + minLength + " characters";
        }
        return problem;
    }

    /** Why the password cannot be checked at all, or null (existing passwords of any length still log in). */
    public static String problem(String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0) {
            return "Password must not be empty";
        }
        if (bytes > MAX_BYTES) {
            return "Password must be at most 72 bytes";
        }
        if (password.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            // JSON can carry half a surrogate pair; as UTF-8 each becomes '?', so "\ud800" x 8 set "????????" (found from outside).
            return "Password must be valid Unicode text: it holds an unpaired surrogate";
        }
        if (password.indexOf('\0') >= 0) {
            // bcrypt repeats the password's bytes and a NUL: "ab\0ab\0ab" would pass as eight characters and open with "ab".
            return "Password must not contain the NUL character";
        }
        return null;
    }

    private Passwords() {
    }
}
