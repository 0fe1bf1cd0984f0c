package io.gatehouse.testkit;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ScratchIntegrationTest {
  @Test
  void loop() throws Exception {
    for (int round = 0; round < 10; round++) {
      long t0 = System.nanoTime();
      try (SentinelDeployment redis = SentinelDeployment.start()) {
        System.out.println("start ms " + (System.nanoTime() - t0) / 1_000_000);
        RedisNode m = redis.master();
        RedisNode r = redis.replica();
        StringBuilder out = new StringBuilder("round " + round + " master " + m + " replica " + r + "\n");
        for (int i = 0; i < 5; i++) {
          m.cli("SET", "gatehouse:x" + i, "1");
          redis.awaitReplication(); String wait = "-";
          String size = r.cli("DBSIZE");
          out.append("wait=" + wait + " replicaDbsize=" + size + "\n");
          if (!size.equals(Integer.toString(i + 1))) {
            out.append(r.cli("INFO", "replication")).append("\n").append(m.cli("INFO", "replication"));
            out.append(Files.readString(r.dir().resolve("redis.log")));
            out.append(Files.readString(m.dir().resolve("redis.log")));
            out.append(Files.readString(redis.sentinels().get(0).dir().resolve("redis.log")));
            break;
          }
        }
        System.out.println(out);
      }
    }
  }
}
