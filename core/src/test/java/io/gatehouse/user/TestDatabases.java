package io.gatehouse.user;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.UUID;

/** The two databases the user store must work on, each test getting a fresh, empty one. */
enum TestDatabases {
    H2 {
        @Override
        GatehouseConfig freshConfig(Path tempDir) {
            // A file database, like the embedded default, in the test's own directory.
            return GatehouseConfig.builder().dataDir(tempDir).build();
        }
    },
    POSTGRESQL {
        @Override
        GatehouseConfig freshConfig(Path tempDir) {
            PostgresServer pg = PostgresServer.shared();
            return GatehouseConfig.builder()
                    .dataDir(tempDir)
                    .set(UserDatabase.URL_KEY, pg.createDatabase())
                    .set(UserDatabase.USER_KEY, PostgresServer.USER)
                    .set(UserDatabase.PASSWORD_KEY, pg.password())
                    .set(UserDatabase.POOL_SIZE_KEY, "4")
                    .build();
        }
    };

    abstract GatehouseConfig freshConfig(Path tempDir);

    /** An in-memory H2 database for unit tests of the rules above the store. */
    static UserDatabase memory() {
        return UserDatabase.open(GatehouseConfig.builder()
                .set(UserDatabase.URL_KEY, "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .build());
    }

    /** Argon2id cheap enough for unit tests; the OWASP defaults are exercised separately. */
    static Argon2Parameters cheap() {
        return new Argon2Parameters(256, 1, 1, 32, 16);
    }
}
