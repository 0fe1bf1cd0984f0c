package io.gatehouse.user;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Passwords too common to accept (ASVS 5.0 6.2.4, NIST SP 800-63B 3.1.1.2): attackers try them first, on
 * every account. The bundled list ({@code common-passwords.txt} beside this class, its source named in its
 * header) holds the 11,611 passwords of 8 characters or more among the 30,000 most common ones of a 10 million
 * password breach corpus. {@value #KEY} picks it ({@code bundled}, the default), none ({@code none}), or a file
 * of one password per line (UTF-8, {@code #} comments). Matching ignores case and compatibility forms
 * (NFKC, then lower case): {@code PassWord1} is as common as {@code password1}.
 */
public final class CommonPasswords {
    public static final String KEY = "gatehouse.password.common-list";
    private static final String BUNDLED = "common-passwords.txt";

    private final Set<String> passwords;

    private CommonPasswords(Set<String> passwords) {
        this.passwords = Set.copyOf(passwords);
    }

    /** The bundled list (read once per process: it is immutable, and every Gatehouse opened would read it again). */
    public static CommonPasswords bundled() {
        return Bundled.LIST;
    }

    /** Holds the bundled list, read on first use. */
    private static final class Bundled {
        static final CommonPasswords LIST = read();

        private static CommonPasswords read() {
            try (InputStream in = CommonPasswords.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException(BUNDLED + " is missing from the class path");
                }
                return new CommonPasswords(CommonPasswords.read(in));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the bundled " + BUNDLED, e);
            }
        }
    }

    /** No list: every password that meets the length rules is accepted. */
    public static CommonPasswords none() {
        return new CommonPasswords(Set.of());
    }

    /** The list {@value #KEY} names. */
    public static CommonPasswords fromConfig(GatehouseConfig config) {
        String value = config.string(KEY, "bundled").strip();
        if (value.equals("bundled")) {
            return bundled();
        }
        if (value.equals("none")) {
            return none();
        }
        try (InputStream in = Files.newInputStream(Path.of(value))) {
            return new CommonPasswords(read(in));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    KEY,
                    KEY + " = '" + value + "' cannot be read (" + e.getMessage() + "): give"
                            + " bundled (default), none, or a UTF-8 file with one password per line");
        }
    }

    /** Whether {@code password} (as typed) is on the list. */
    public boolean contains(String password) {
        return !passwords.isEmpty() && passwords.contains(fold(password));
    }

    /** How many passwords the list holds. */
    public int size() {
        return passwords.size();
    }

    private static String fold(String password) {
        return PasswordPolicy.normalize(password).toLowerCase(Locale.ROOT);
    }

    private static Set<String> read(InputStream in) throws IOException {
        Set<String> out = new HashSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(fold(line));
                }
            }
        }
        return out;
    }
}
