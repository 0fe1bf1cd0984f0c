# Gatehouse server image. Build the jar first (mvn -B -ntp -pl server -am package -DskipTests), then:
#   docker build -t gatehouse .
# Configuration comes from GATEHOUSE_* environment variables or /etc/gatehouse/gatehouse.properties
# (GATEHOUSE_CONFIG); see deploy/systemd/gatehouse.properties and docs/OPERATIONS.md.
FROM eclipse-temurin:21-jre

RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin gatehouse \
 && mkdir -p /opt/gatehouse /var/lib/gatehouse /etc/gatehouse \
 && chown gatehouse:gatehouse /var/lib/gatehouse

COPY server/target/gatehouse-server.jar /opt/gatehouse/gatehouse-server.jar

ENV GATEHOUSE_SERVER_HOST=0.0.0.0 \
    GATEHOUSE_SERVER_PORT=8080 \
    GATEHOUSE_DATA_DIR=/var/lib/gatehouse \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER gatehouse:gatehouse
WORKDIR /var/lib/gatehouse
EXPOSE 8080
VOLUME ["/var/lib/gatehouse"]

# No curl in the JRE image: bash's /dev/tcp speaks just enough HTTP for the liveness route.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["java", "-jar", "/opt/gatehouse/gatehouse-server.jar"]
