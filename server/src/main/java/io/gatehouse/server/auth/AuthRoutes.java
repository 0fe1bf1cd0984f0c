package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.user.Registration;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/** {@code POST /api/v1/auth/register}; the rest of the auth API follows with the token capability. */
public final class AuthRoutes implements RouteGroup {
    private final UserService users;
    private final long maxBodyBytes;

    public AuthRoutes(UserService users, long maxBodyBytes) {
        this.users = users;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/v1/auth/register", this::register);
    }

    /** JSON {@code {email, password, full_name?}} → 201 with the user; 400 invalid; 409 taken. */
    private void register(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        Registration registration = new Registration(Json.stringOrNull(body, "email"), Json.stringOrNull(body, "password"),
                Json.optionalString(body, "full_name"));
        User user = users.register(registration);
        Exchange.of(req).userId(user.id());
        Json.send(res, 201, UserJson.of(user));
    }
}
