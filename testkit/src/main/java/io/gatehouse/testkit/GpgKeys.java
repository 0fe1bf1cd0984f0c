package io.gatehouse.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OpenPGP key pair made by the real {@code gpg} binary in its own home directory, exported as
 * the files an operator would hand to Gatehouse: {@code public.asc} and {@code secret.asc}.
 */
public final class GpgKeys implements AutoCloseable {
    private final Path home;
    private final Path publicKey;
    private final Path secretKey;

    private GpgKeys(Path home) {
        this.home = home;
        this.publicKey = home.resolve("public.asc");
        this.secretKey = home.resolve("secret.asc");
    }

    /** The exported public key ({@code gpg --armor --export}). */
    public Path publicKey() {
        return publicKey;
    }

    /** The exported secret key, unprotected ({@code gpg --armor --export-secret-keys}). */
    public Path secretKey() {
        return secretKey;
    }

    /**
     * Generates an RSA-2048 certification key with an RSA-2048 encryption subkey, no passphrase.
     *
     * @param name the user id's name
     * @return the key pair, exported
     */
    public static GpgKeys generate(String name) {
        try {
            Path home = Files.createTempDirectory("gh-gpg-");
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            GpgKeys k = new GpgKeys(home);
            String uid = name + " <" + name + "@backup.test>";
            k.gpg("--quick-generate-key", uid, "rsa2048", "cert", "never");
            String fpr = k.gpg("--list-keys", "--with-colons", uid)
                    .lines()
                    .filter(l -> l.startsWith("fpr:"))
                    .findFirst()
                    .orElseThrow()
                    .split(":")[9];
            k.gpg("--quick-add-key", fpr, "rsa2048", "encr", "never");
            Files.writeString(k.publicKey, k.gpg("--armor", "--export", fpr));
            Files.writeString(k.secretKey, k.gpg("--armor", "--export-secret-keys", fpr));
            return k;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs gpg in this home directory, without a passphrase; returns stdout. */
    public String gpg(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "gpg",
                "--homedir",
                home.toString(),
                "--batch",
                "--yes",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                ""));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("gpg " + String.join(" ", args) + " failed: exit " + p.exitValue());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
        TempDirs.deleteRecursively(home);
    }
}
