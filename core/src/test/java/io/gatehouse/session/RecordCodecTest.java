package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stored form: round trips, and any single altered character is caught by the MAC (seeded property tests). */
class RecordCodecTest {
    private static final SessionKeys KEYS = new SessionKeys(
            Base64.getDecoder().decode(SessionStoreIntegrationTest.MAC_KEY),
            Base64.getDecoder().decode(SessionStoreIntegrationTest.DEVICE_KEY));
    private final RecordCodec codec = new RecordCodec(KEYS);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 42L, 20260302L, 987654321L})
    void entriesRoundTripAndEveryAlteredCharacterIsRejected(long seed) {
        System.out.println("RecordCodecTest seed " + seed);
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            String user = "u" + r.nextInt(1_000_000);
            long created = 1_700_000_000L + r.nextInt(100_000_000);
            long lastSeen = created + r.nextInt(50_000);
            String ip = r.nextBoolean()
                    ? RecordCodec.packIp(r.nextInt(256) + ".0." + r.nextInt(256) + ".1")
                    : RecordCodec.packIp("2001:db8::" + Integer.toHexString(r.nextInt(65536)));
            Map<String, String> attrs = new TreeMap<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                attrs.put("k" + r.nextInt(100), randomText(r));
            }
            String entry = codec.session(
                    user,
                    SessionIds.newRandomPart(),
                    created,
                    lastSeen,
                    ip,
                    codec.deviceId("fp", "f" + r.nextLong()),
                    UserAgents.hash("ua" + r.nextInt()),
                    RecordCodec.encodeAttributes(attrs));
            assertThat(entry).doesNotContain("\n");
            StoredSession s = codec.parseSession(user, entry).orElseThrow();
            assertThat(s.created()).isEqualTo(created);
            assertThat(s.lastSeen()).isEqualTo(lastSeen);
            assertThat(s.attributes()).isEqualTo(attrs);
            assertThat(s.ip()).isEqualTo(ip);
            assertThat(codec.parseSession(user + "x", entry))
                    .as("another user's entry")
                    .isEmpty();

            int at = r.nextInt(entry.length());
            char replacement = entry.charAt(at) == 'A' ? 'B' : 'A';
            String altered = entry.substring(0, at) + replacement + entry.substring(at + 1);
            assertThat(codec.parseSession(user, altered))
                    .as("altered at %d (seed %d)", at, seed)
                    .isEmpty();
        }
    }

    private static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        String alphabet = "ab|&=\n é%+";
        for (int i = r.nextInt(20); i > 0; i--) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void aTrustEntryCannotPassForASessionOrTheOtherWayRound() {
        String trust = codec.trust("u1", "AAAAAAAAAAA", 1_700_000_000L, 1_700_100_000L, "");
        assertThat(codec.parseTrust("u1", trust)).isPresent();
        assertThat(codec.parseSession("u1", trust)).isEmpty();
        String session =
                codec.session("u1", SessionIds.newRandomPart(), 1_700_000_000L, 1_700_000_000L, "", "", "", "");
        assertThat(codec.parseTrust("u1", session)).isEmpty();
    }

    @Test
    void addressesArePackedAndNeverLookedUp() {
        assertThat(RecordCodec.unpackIp(RecordCodec.packIp("203.0.113.7"))).contains("203.0.113.7");
        assertThat(RecordCodec.unpackIp(RecordCodec.packIp("[2001:db8::1]"))).contains("2001:db8:0:0:0:0:0:1");
        assertThat(RecordCodec.packIp("203.0.113.7")).hasSize(6);
        for (String bad : new String[] {"localhost", "example.com", "256.1.1.1", "1.2.3", "::g", "1.2.3.4.5", ""}) {
            assertThatThrownBy(() -> RecordCodec.packIp(bad)).as(bad).isInstanceOf(SessionInputException.class);
        }
    }

    @Test
    void sessionIdsCarryTheUserAndRefuseOddOnes() {
        String id = SessionIds.compose(SessionIds.newRandomPart(), "alice@example.com");
        assertThat(SessionIds.parse(id).userId()).isEqualTo("alice@example.com");
        assertThat(SessionIds.parse(id).toString()).doesNotContain(id.substring(0, 22));
        String braces = SessionIds.compose(SessionIds.newRandomPart(), "a");
        assertThatThrownBy(() -> SessionIds.parse(
                        braces.substring(0, 23) + Base64.getUrlEncoder().encodeToString("{x}".getBytes())))
                .isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> SessionIds.parse("x".repeat(22) + ".!!")).isInstanceOf(SessionInputException.class);
        assertThatThrownBy(() -> SessionIds.parse(null)).isInstanceOf(SessionInputException.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1L, 7L, 42L})
    void handlesAreKeyedDeterministicAndNeverParseAsIds(long seed) {
        java.util.Random r = new java.util.Random(seed);
        RecordCodec otherKey = new RecordCodec(new SessionKeys(
                Base64.getDecoder().decode(SessionStoreIntegrationTest.DEVICE_KEY),
                Base64.getDecoder().decode(SessionStoreIntegrationTest.MAC_KEY)));
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[16];
            r.nextBytes(b);
            String random = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            String user = "u" + r.nextInt(1000);
            String name = codec.handleName(user, random);
            assertThat(name).hasSize(SessionIds.HANDLE_CHARS).isEqualTo(codec.handleName(user, random));
            assertThat(otherKey.handleName(user, random))
                    .as("keyed by the MAC key")
                    .isNotEqualTo(name);
            assertThat(codec.handleName(user + "x", random))
                    .as("bound to the user")
                    .isNotEqualTo(name);
            names.add(name);
            String handle = SessionIds.compose(name, user);
            String id = SessionIds.compose(random, user);
            assertThat(SessionIds.parseHandle(handle)).isEqualTo(new SessionIds.Parsed(name, user));
            assertThatThrownBy(() -> SessionIds.parse(handle)).isInstanceOf(SessionInputException.class);
            assertThatThrownBy(() -> SessionIds.parseHandle(id)).isInstanceOf(SessionInputException.class);
        }
        assertThat(names).hasSize(200);
    }
}
