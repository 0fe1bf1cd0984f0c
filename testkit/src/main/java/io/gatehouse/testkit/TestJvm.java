package io.gatehouse.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that a test starts (the server jar, a main class): the test JVM's own {@code java} with
 * the flags every test JVM gets from the parent POM ({@code gatehouse.test.jvm}).
 */
public final class TestJvm {
    /**
     * C1 only and the serial collector: such a JVM lives for seconds to a few minutes, too short for C2's
     * compilations to pay back the CPU they take from the other processes of the suite on 2 cores.
     */
    public static final List<String> FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private TestJvm() {}

    /** {@code java}, {@link #FLAGS}, then {@code args} (for example {@code "-jar", jar}). */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(FLAGS);
        command.addAll(List.of(args));
        return command;
    }
}
