package io.gatehouse.spring.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.session.FindByIndexNameSessionRepository;

/** The repository over Gatehouse's in-memory session store (the same code path as on Redis). */
class GatehouseSessionRepositoryTest {
    @TempDir
    Path dataDir;

    private Gatehouse gatehouse;
    private GatehouseSessionRepository repository;

    @BeforeEach
    void open() {
        gatehouse = Gatehouse.builder()
                .config(GatehouseConfig.builder().dataDir(dataDir).build())
                .withoutUsers()
                .build();
        repository = new GatehouseSessionRepository(gatehouse.sessions(), gatehouse.clock());
    }

    @AfterEach
    void close() {
        gatehouse.close();
    }

    private static SecurityContext loggedIn(String name) {
        return new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
                name, null, List.of(new SimpleGrantedAuthority("ROLE_user"))));
    }

    @Test
    void anAnonymousSessionIsStoredAtItsFirstSaveAndReadBack() {
        GatehouseSession s = repository.createSession();
        assertThat(repository.findById(s.getId())).isNull();
        s.setAttribute("theme", "dark");
        repository.save(s);
        GatehouseSession found = repository.findById(s.getId());
        assertThat(found).isNotNull();
        assertThat((String) found.getAttribute("theme")).isEqualTo("dark");
        assertThat(found.owner()).startsWith("~anon~");
    }

    @Test
    void loginMovesTheSessionToTheUsersIndexUnderANewIdAndEndsTheOldOne() {
        GatehouseSession s = repository.createSession();
        s.setAttribute("theme", "dark");
        repository.save(s);
        String anonymousId = s.getId();

        s.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("ann"));
        repository.save(s);
        assertThat(s.getId()).isNotEqualTo(anonymousId);
        assertThat(repository.findById(anonymousId)).isNull();
        // Listed by handle: the secret id is never stored, so never listed; a handle finds no session.
        String handle = gatehouse.sessions().handleOf(s.getId());
        assertThat(repository.findByPrincipalName("ann")).containsOnlyKeys(handle);
        assertThat(repository.findById(handle)).isNull();
        GatehouseSession found = repository.findById(s.getId());
        assertThat((String) found.getAttribute("theme")).isEqualTo("dark");
        assertThat((String) found.getAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME))
                .isEqualTo("ann");
        assertThat(((SecurityContext) found.getAttribute(AttributeCodec.SECURITY_CONTEXT))
                        .getAuthentication()
                        .getName())
                .isEqualTo("ann");
    }

    @Test
    void aSaveWritesChangedAndRemovedAttributesAndChangeSessionIdGivesANewId() {
        GatehouseSession s = repository.createSession();
        s.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("bob"));
        s.setAttribute("a", "1");
        s.setAttribute("b", 2);
        repository.save(s);
        GatehouseSession again = repository.findById(s.getId());
        again.setAttribute("a", "one");
        again.removeAttribute("b");
        repository.save(again);
        GatehouseSession third = repository.findById(s.getId());
        assertThat((String) third.getAttribute("a")).isEqualTo("one");
        assertThat(third.getAttributeNames()).doesNotContain("b");

        String before = third.getId();
        third.changeSessionId();
        repository.save(third);
        assertThat(third.getId()).isNotEqualTo(before);
        assertThat(repository.findById(before)).isNull();
        String handle = gatehouse.sessions().handleOf(third.getId());
        assertThat(repository.findByPrincipalName("bob")).containsOnlyKeys(handle);
        repository.deleteById(handle);
        assertThat(repository.findById(third.getId())).isNull();
    }

    @Test
    void springSecuritysExpireEndsTheSessionAndDeleteEndsIt() {
        GatehouseSession s = repository.createSession();
        s.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("cy"));
        repository.save(s);
        GatehouseSession found = repository.findById(s.getId());
        found.setAttribute(GatehouseSessionRepository.EXPIRED, Boolean.TRUE);
        repository.save(found);
        assertThat(repository.findById(s.getId())).isNull();
        assertThat(repository.findByPrincipalName("cy")).isEmpty();

        GatehouseSession other = repository.createSession();
        other.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("cy"));
        repository.save(other);
        repository.deleteById(other.getId());
        assertThat(repository.findById(other.getId())).isNull();
    }

    @Test
    void idsGatehouseCouldNotHaveIssuedFindNothing() {
        assertThat(repository.findById("not a session id")).isNull();
        assertThat(repository.findByIndexNameAndIndexValue("other-index", "ann"))
                .isEmpty();
        assertThat(repository.findByPrincipalName("name with spaces")).isEmpty();
    }

    @Test
    void theRegistryListsSessionsByHandleAndExpiringOneEndsIt() {
        GatehouseSession first = repository.createSession();
        first.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("carol"));
        repository.save(first);
        GatehouseSession second = repository.createSession();
        second.setAttribute(AttributeCodec.SECURITY_CONTEXT, loggedIn("carol"));
        repository.save(second);
        GatehouseSessionRegistry registry = new GatehouseSessionRegistry(repository);

        var listed = registry.getAllSessions("carol", false);
        assertThat(listed)
                .extracting(org.springframework.security.core.session.SessionInformation::getSessionId)
                .containsExactlyInAnyOrder(
                        gatehouse.sessions().handleOf(first.getId()),
                        gatehouse.sessions().handleOf(second.getId()));
        listed.stream()
                .filter(i -> i.getSessionId().equals(gatehouse.sessions().handleOf(first.getId())))
                .findFirst()
                .orElseThrow()
                .expireNow();
        assertThat(repository.findById(first.getId())).isNull();
        assertThat(repository.findById(second.getId())).isNotNull();
    }
}
