package io.gatehouse.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that a test starts (the server jar, a main class): the test JVM's own {@code java} with
 * the flags every test JVM gets from the parent POM ({@code gatehouse.test.jvm}).
 */
public final class TestJvm {
    /**
     * The parent POM's {@code gatehouse.test.jvm} (C1 only and the serial collector: such a JVM lives for seconds to a
     * few minutes, too short for C2's compilations to pay back the CPU they take from the other processes of the suite
     * on 2 cores), which Surefire and Failsafe pass to the test JVM as a system property; none outside Maven.
     */
    static List<String> flags() {
        String flags = System.getProperty("gatehouse.test.jvm", "").strip();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    private TestJvm() {}

    /** {@code java}, {@link #flags()}, then {@code args} (for example {@code "-jar", jar}). */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(flags());
        command.addAll(List.of(args));
        return command;
    }
}
