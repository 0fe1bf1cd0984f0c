package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.store.StoreCommandException;
import io.gatehouse.testing.Backend;
import org.junit.jupiter.api.Test;

/** On the TLS deployment the ACL user may touch only Gatehouse's keys and channels. */
class TlsAclIntegrationTest {

    @Test
    void aclConfinesGatehouseToItsPrefix() {
        RedisConnector redis = Backend.TLS.connector();
        String own = redis.keys().key("test", "acl");
        redis.sync(c -> c.set(own, "ok"));
        assertThat(redis.<String>sync(c -> c.get(own))).isEqualTo("ok");
        assertThatThrownBy(() -> redis.sync(c -> c.set("someone-else:key", "x")))
                .isInstanceOf(StoreCommandException.class)
                .hasMessageContaining("NOPERM");
        assertThat(redis.endpoint().tls()).isTrue();
    }
}
