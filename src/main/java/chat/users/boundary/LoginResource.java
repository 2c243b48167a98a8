package chat.users.boundary;

import chat.api.Https;

import chat.api.ChatError;
import chat.api.Json;
import chat.config.Settings;
import chat.directory.control.Directory;
import chat.directory.entity.DirectoryEntry;
import chat.limits.ClientAddress;
import chat.operations.Metrics;
import chat.redis.StoreReset;
import chat.sessions.Caller;
import chat.sessions.LoginSession;
import chat.sessions.SessionCookie;
import chat.sessions.Sessions;
import chat.users.control.DeviceCookies;
import chat.users.control.LoginThrottle;
import chat.users.control.PasswordHashing;
import chat.users.control.Passwords;
import chat.users.control.Usernames;
import chat.users.control.Users;
import chat.users.entity.Credentials;
import chat.users.entity.User;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Login, registration, logout and the account's own controls. Every POST here, like every
 * state-changing call, passed {@code CrossSiteGuard} first (JSON only, own origin only).
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class LoginResource {

    private static final List<String> NAMES = List.of("Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger",
            "Frances", "Grace", "Hedy", "Ivan", "Joan", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Sophie", "Tim");
    private static final int MAX_NAME_LENGTH = 64;

    @Inject
    Users users;

    @Inject
    Sessions sessions;

    @Inject
    Caller caller;

    @Inject
    LoginThrottle throttle;

    @Inject
    PasswordHashing hashing;

    @Inject
    DeviceCookies devices;

    @Inject
    Settings settings;

    @Inject
    Directory directory;

    @Inject
    Metrics metrics;

    @Inject
    StoreReset storeReset;

    @Context
    HttpServletRequest request;

    /**
     * Logs in an existing user by their exact name (200) or registers a new name (201); either
     * way a fresh session, and a device cookie for this browser and user. Without {@code mode} a
     * new name registers, as the seed's API does, unless it differs from an account's only in case or
     * accents (409, as with {@code "mode": "register"}). With {@code "mode": "signin"} an unknown name is
     * 404 (nothing is created) and a name that differs from an account only in case or accents
     * signs in to that account; with {@code "mode": "register"} a name taken, or taken but for case
     * and accents, is 409 (docs/PROTOCOL.md, "Login modes").
     */
    @POST
    @Path("login")
    public Response login(String body) {
        JsonObject json = Json.object(body);
        String username = Json.requiredString(json, "username").trim();
        String password = Json.requiredString(json, "password");
        String mode = json.containsKey("mode") ? Json.requiredString(json, "mode") : "";
        if (!mode.isEmpty() && !mode.equals("signin") && !mode.equals("register")) {
            throw ChatError.badRequest("'mode' must be \"signin\" or \"register\"");
        }
        String newNameProblem = mode.equals("register") ? Usernames.problemWithNew(username) : null;
        if (newNameProblem != null) { // before any look-up: what can never be registered is refused as such
            throw ChatError.badRequest(newNameProblem);
        }
        if (username.isEmpty() || username.length() > MAX_NAME_LENGTH) {
            throw ChatError.badRequest("Username must be 1 to 32 letters, digits, '_', '-' or '.'");
        }
        String problem = Passwords.problem(password);
        if (problem != null) {
            throw ChatError.badRequest(problem);
        }
        Optional<String> existing = users.idOf(username);
        if (existing.isEmpty()) {
            List<DirectoryEntry> alike = directory.sameFoldedName(username);
            if (mode.equals("signin")) {
                // The page offers to create a name that is not found: not one refused as a look-alike (one that cannot be a
                // name at all is still offered, and then refused saying why).
                if (alike.isEmpty() && Usernames.problemWithNew(username) == null) {
                    String asked = username;
                    users.lookAlikeOf(username).ifPresent(other -> {
                        throw new ChatError(409, "There is no account named " + asked + ", and it looks like " + other
                                + "'s name: sign in as " + other + ", or choose another name");
                    });
                }
                if (alike.size() != 1) {
                    throw new ChatError(404, "There is no account named " + username);
                }
                username = alike.get(0).username();
                existing = Optional.of(alike.get(0).id());
            } else if (!alike.isEmpty()) { // without a mode too: a second "Källe" would make signing in as "kalle" ambiguous
                throw new ChatError(409, "The name " + alike.get(0).username() + " is taken: sign in, or choose another name");
            }
        }
        if (existing.isPresent() && mode.equals("register")) {
            throw new ChatError(409, "The name " + username + " is taken: sign in, or choose another name");
        }
        Credentials account;
        int status;
        if (existing.isPresent()) {
            account = authenticate(existing.get(), password);
            status = 200;
        } else {
            String nameProblem = Usernames.problemWithNew(username);
            if (nameProblem != null) {
                throw ChatError.badRequest(nameProblem);
            }
            String passwordProblem = Passwords.problemWithNew(password, settings.minPasswordLength());
            if (passwordProblem != null) {
                throw ChatError.badRequest(passwordProblem);
            }
            if (settings.seedDemoData() && !users.demoUsersInPlace()) {
                // Redis lost its data (a restart without persistence): a node writes the demo users
                // again within seconds, and a name registered before they are all there could be one of theirs.
                throw ChatError.unavailable("The chat is restoring its demo data; try again in a moment", 2);
            }
            if (storeReset.settling()) {
                throw ChatError.unavailable("The chat store lost its data a moment ago; try again in a few seconds",
                        StoreReset.SETTLING.toSeconds());
            }
            throttle.checkRegistration(address());
            String hash = hashing.run(null, address(), Optional.empty(), () -> Passwords.hash(password));
            Optional<User> registered = users.register(username, hash);
            if (registered.isPresent()) {
                account = new Credentials(registered.get(), hash);
                status = 201;
            } else { // registered by someone else a moment ago
                account = authenticate(users.idOf(username).orElseThrow(LoginResource::wrongPassword), password);
                status = 200;
            }
        }
        User user = account.user();
        if (status == 200) {
            directory.add(user.id(), user.username()); // users the seed's servers registered enter the directory here
        }
        // A fresh session id at every login: the old one (if any) stops working.
        caller.session().ifPresent(sessions::end);
        String token = sessions.startIf(user.id(), () -> users.credentials(user.id()).map(Credentials::passwordHash)
                .equals(Optional.ofNullable(account.passwordHash()))).orElseThrow(LoginResource::wrongPassword);
        boolean https = Https.requested(request);
        Response.ResponseBuilder response = Response.status(status)
                .header(HttpHeaders.SET_COOKIE, SessionCookie.set(token, sessions.cookieMaxAge(), https))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(user);
        if (devices.deviceOf(request, user.id(), account.passwordHash()).isEmpty()) {
            response.header(HttpHeaders.SET_COOKIE, devices.issue(user.id(), account.passwordHash(), https));
        }
        return response.build();
    }

    @GET
    @Path("me")
    public User me() {
        String id = caller.userId();
        return users.byId(id).orElseThrow(ChatError::unauthorized);
    }

    @POST
    @Path("logout")
    public Response logout() {
        sessions.end(caller.session().orElseThrow(ChatError::unauthorized));
        return Response.noContent()
                .header(HttpHeaders.SET_COOKIE, SessionCookie.clear(Https.requested(request))).build();
    }

    /** Ends every other session of the caller (other browsers, a forgotten public computer). */
    @POST
    @Path("logout/others")
    public Map<String, Integer> logoutOthers() {
        LoginSession session = caller.session().orElseThrow(ChatError::unauthorized);
        return Map.of("ended", sessions.endOthers(session));
    }

    /**
     * Changes the caller's password, given the current one (checked and counted like a login);
     * every other session ends, every device cookie of the user stops counting (they are signed
     * over the password's hash), and this browser gets a new one.
     */
    @POST
    @Path("password")
    public Response changePassword(String body) {
        LoginSession session = caller.session().orElseThrow(ChatError::unauthorized);
        JsonObject json = Json.object(body);
        String current = Json.requiredString(json, "currentPassword");
        String next = Json.requiredString(json, "newPassword");
        String problem = Passwords.problemWithNew(next, settings.minPasswordLength());
        if (problem != null) {
            throw ChatError.badRequest(problem);
        }
        if (next.equals(current)) { // before, "Password changed" while nothing had
            throw ChatError.badRequest("The new password is the current one");
        }
        String id = session.userId();
        users.byId(id).orElseThrow(ChatError::unauthorized); // a session of a user Redis no longer knows
        try {
            authenticate(id, current);
        } catch (ChatError wrong) {
            throw wrong.status() == 401 ? ChatError.forbidden("The current password is wrong") : wrong;
        }
        String hash = hashing.run(id, address(), Optional.empty(), () -> Passwords.hash(next));
        users.changePassword(id, hash);
        return Response.ok(Map.of("ended", sessions.endOthers(session)))
                .header(HttpHeaders.SET_COOKIE, devices.issue(id, hash, Https.requested(request))).build();
    }

    @GET
    @Path("randomname")
    public RandomName randomName() {
        return new RandomName(NAMES.get(ThreadLocalRandom.current().nextInt(NAMES.size()))
                + ThreadLocalRandom.current().nextInt(10, 100));
    }

    public record RandomName(String username) {
    }

    /** The user's credentials when the password is theirs; 401 otherwise (also when there is no such user). */
    private Credentials authenticate(String id, String password) {
        Optional<Credentials> account = users.credentials(id);
        String hash = account.map(Credentials::passwordHash).orElse(null);
        Optional<String> device = devices.deviceOf(request, id, hash);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(id, device, address()); // before bcrypt: a guesser costs us no CPU
        } catch (ChatError throttled) {
            metrics.loginFailed("throttled");
            throw throttled;
        }
        boolean matches;
        try {
            matches = hashing.run(id, address(), device, () -> Passwords.matches(password, hash));
        } catch (RuntimeException notChecked) { // busy node, Redis trouble: no failure of the user's
            throttle.succeeded(attempt);
            throw notChecked;
        }
        if (!matches) {
            throttle.failed(attempt);
            metrics.loginFailed("wrong_password");
            throw wrongPassword();
        }
        throttle.succeeded(attempt);
        return account.orElseThrow(LoginResource::wrongPassword); // matched a hash, so there is one
    }

    private String address() {
        return ClientAddress.of(request, settings.trustedProxies());
    }

    private static ChatError wrongPassword() {
        return new ChatError(401, "Invalid username or password");
    }
}
