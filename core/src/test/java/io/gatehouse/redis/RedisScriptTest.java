package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.session.SessionStore;
import org.junit.jupiter.api.Test;

class RedisScriptTest {

    @Test
    void anIncludeLineIsReplacedByTheIncludedText() {
        String body = "-- header\n-- @include helpers.lua.inc\nreturn f()\n";
        assertThat(RedisScript.withIncludes(
                        body, name -> name.equals("helpers.lua.inc") ? "local function f()\nend\n" : "?"))
                .isEqualTo("-- header\nlocal function f()\nend\nreturn f()\n");
    }

    @Test
    void aBodyWithoutIncludesIsSentAsWritten() {
        String body = "return redis.call('GET', KEYS[1])\n";
        assertThat(RedisScript.withIncludes(body, name -> {
                    throw new AssertionError("nothing to include");
                }))
                .isSameAs(body);
    }

    @Test
    void theSessionScriptsCarryTheSharedEntryParserAndTheirShaCoversIt() {
        for (String script : new String[] {"create.lua", "end.lua", "prune.lua"}) {
            RedisScript loaded = RedisScript.load(SessionStore.class, script, RedisScript.Reply.MULTI);
            assertThat(loaded.body())
                    .as(script)
                    .contains("local function session(entry)")
                    .doesNotContain("-- @include");
            assertThat(loaded.sha())
                    .isEqualTo(RedisScript.of("x", loaded.body(), RedisScript.Reply.MULTI)
                            .sha());
        }
        assertThatThrownBy(() -> RedisScript.load(SessionStore.class, "missing.lua", RedisScript.Reply.MULTI))
                .hasMessageContaining("missing.lua");
    }
}
