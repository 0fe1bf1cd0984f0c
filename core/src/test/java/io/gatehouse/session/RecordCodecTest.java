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
        for (int round = 0; round < 400; round++) {
            String user = "u" + r.nextInt(1_000_000);
            // Mostly what the compact format holds; now and then a time or a hash only the text one holds.
            long created = r.nextInt(10) == 0
                    ? 1_000_000_000L + r.nextInt(500_000_000)
                    : RecordCodec.EPOCH + r.nextInt(1 << 30);
            long lastSeen = created + (r.nextInt(10) == 0 ? 200_000L + r.nextInt(200_000) : r.nextInt(50_000));
            String ip = switch (r.nextInt(3)) {
                case 0 -> RecordCodec.packIp(r.nextInt(256) + ".0." + r.nextInt(256) + ".1");
                case 1 -> RecordCodec.packIp("2001:db8::" + Integer.toHexString(r.nextInt(65536)));
                default -> "";
            };
            Map<String, String> attrs = new TreeMap<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                attrs.put("k" + r.nextInt(100), randomText(r));
            }
            String device = r.nextBoolean() ? codec.deviceId("fp", "f" + r.nextLong()) : "";
            String uaHash = switch (r.nextInt(5)) {
                case 0 -> "";
                case 1 -> UserAgents.legacyHash("ua" + r.nextInt());
                default -> codec.uaHash("ua" + r.nextInt());
            };
            String name = codec.handleName(user, SessionIds.newRandomPart());
            String encoded = RecordCodec.encodeAttributes(attrs);
            boolean fits = created >= RecordCodec.EPOCH && lastSeen - created < 1 << 18 && uaHash.length() != 11;
            String entry =
                    codec.session(EntryFormat.COMPACT, user, name, created, lastSeen, ip, device, uaHash, encoded);
            assertThat(entry.contains("|"))
                    .as("text format exactly when compact cannot hold it")
                    .isEqualTo(!fits);
            for (String e :
                    new String[] {entry, codec.text(user, name, created, lastSeen, ip, device, uaHash, encoded)}) {
                assertThat(e).doesNotContain("\n");
                StoredSession s = codec.parseSession(user, e).orElseThrow();
                assertThat(s).isEqualTo(new StoredSession(name, created, lastSeen, ip, device, uaHash, attrs, e));
                SessionBackend.Expiry x = new SessionBackend.Expiry(lastSeen, 1800, 43_200);
                assertThat(Entries.name(e)).as("what the scripts read").isEqualTo(name);
                assertThat(Entries.lastSeen(e)).isEqualTo(lastSeen);
                assertThat(Entries.expiry(e, x)).isEqualTo(s.expiresAt(1800, 43_200));
                assertThat(codec.parseSession(user + "x", e))
                        .as("another user's entry")
                        .isEmpty();

                int at = r.nextInt(e.length());
                char replacement = e.charAt(at) == 'A' ? 'B' : 'A';
                String altered = e.substring(0, at) + replacement + e.substring(at + 1);
                assertThat(codec.parseSession(user, altered))
                        .as("altered at %d (seed %d)", at, seed)
                        .isEmpty();
                assertThat(codec.parseSession(user, e.substring(0, e.length() - 1)))
                        .as("truncated")
                        .isEmpty();
            }
        }
    }

    @Test
    void aTypicalLoginFitsJemallocs64ByteClassEvenWhenSeenHoursLater() {
        String user = "user-123456";
        String name = codec.handleName(user, SessionIds.newRandomPart());
        long created = 1_796_000_000L; // 2026
        String ip = RecordCodec.packIp("203.0.113.7");
        String device = codec.deviceId("fp", "cookie");
        String ua = codec.uaHash(SessionStoreIntegrationTest.CHROME);
        assertThat(codec.session(EntryFormat.COMPACT, user, name, created, created, ip, device, ua, ""))
                .hasSize(57);
        // The value of a user's key with one session is the entry alone: at most 60 bytes + 4 of sds header.
        for (long seen : new long[] {59, 4095, 43_200, (1 << 18) - 1}) {
            assertThat(codec.session(EntryFormat.COMPACT, user, name, created, created + seen, ip, device, ua, ""))
                    .as("seen %d s after creation", seen)
                    .hasSizeLessThanOrEqualTo(60);
        }
    }

    @Test
    void keyedUserAgentHashesDependOnTheKey() {
        RecordCodec otherKey = new RecordCodec(new SessionKeys(
                Base64.getDecoder().decode(SessionStoreIntegrationTest.DEVICE_KEY),
                Base64.getDecoder().decode(SessionStoreIntegrationTest.MAC_KEY)));
        String chrome = SessionStoreIntegrationTest.CHROME;
        assertThat(codec.uaHash(chrome)).hasSize(8).isEqualTo(codec.uaHash(chrome));
        assertThat(otherKey.uaHash(chrome)).isNotEqualTo(codec.uaHash(chrome));
        assertThat(UserAgents.legacyHash(chrome)).hasSize(UserAgents.LEGACY_HASH_CHARS);
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
        String name = codec.handleName("u1", SessionIds.newRandomPart());
        String session = codec.session(EntryFormat.COMPACT, "u1", name, 1_700_000_000L, 1_700_000_000L, "", "", "", "");
        assertThat(codec.parseTrust("u1", session)).isEmpty();
        String text = codec.text("u1", name, 1_700_000_000L, 1_700_000_000L, "", "", "", "");
        assertThat(codec.parseTrust("u1", text)).isEmpty();
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

    /** The hand-written IPv4 parser accepts exactly what the dotted-quad pattern matches, with the same bytes. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void ipv4ParserAgreesWithThePattern(long seed) {
        Random r = new Random(seed);
        String alphabet = "0123456789..x";
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextBoolean()) {
                // near-valid: four numbers, sometimes with a leading zero or out of range
                for (int p = 0; p < 4; p++) {
                    sb.append(p == 0 ? "" : ".");
                    sb.append(r.nextInt(8) == 0 ? "0" : "").append(r.nextInt(r.nextBoolean() ? 300 : 10));
                }
            } else {
                int len = r.nextInt(17);
                for (int i = 0; i < len; i++) {
                    sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String s = sb.toString();
            byte[] parsed = RecordCodec.parseIpv4(s);
            boolean matches = RecordCodec.IPV4.matcher(s).matches();
            assertThat(parsed != null).as(s).isEqualTo(matches);
            if (matches) {
                accepted++;
                String[] p = s.split("\\.");
                for (int i = 0; i < 4; i++) {
                    assertThat(parsed[i] & 0xff).as(s).isEqualTo(Integer.parseInt(p[i]));
                }
            }
        }
        assertThat(accepted).isGreaterThan(1_000);
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
