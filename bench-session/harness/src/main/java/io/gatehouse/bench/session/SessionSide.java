package io.gatehouse.bench.session;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * One side of the Spring Session benchmark: a Spring Session repository as an application uses it. Both
 * sides store the same session: the principal-name index attribute and three small string attributes.
 *
 * @param name       what the results call this side
 * @param repository the repository measured
 * @param closer     closes what the side opened
 * @param <S>        the repository's session type
 */
public record SessionSide<S extends Session>(String name, SessionRepository<S> repository, AutoCloseable closer)
        implements AutoCloseable {

    /** A login: a new session for {@code user} with the principal index and three attributes, saved. */
    public S login(String user) {
        S session = repository.createSession();
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
        session.setAttribute("theme", "dark");
        session.setAttribute("locale", "en-GB");
        session.setAttribute("cart", "0 items");
        repository.save(session);
        return session;
    }

    /** A request that changes one attribute of a saved session, then saves it. */
    public void update(S session, int n) {
        session.setAttribute("cart", n + " items");
        repository.save(session);
    }

    @Override
    public void close() throws Exception {
        closer.close();
    }
}
