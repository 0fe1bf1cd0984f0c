# Sourced by the scripts: a suitable JDK for Maven and java, and quiet JVM flags.
JAVA_HOME=$("$(dirname "${BASH_SOURCE[0]}")/java-home") || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
# Maven 3.8's Guice uses sun.misc.Unsafe; JDK 24+ warns on every build unless told it is allowed.
if [ "${major%%.*}" -ge 24 ]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
