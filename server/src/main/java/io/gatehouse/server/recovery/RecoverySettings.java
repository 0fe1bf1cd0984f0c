package io.gatehouse.server.recovery;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;

/**
 * The settings of the recovery flows.
 *
 * @param verifyTtl     {@code gatehouse.users.email-verification-ttl}: how long a verification link works, default 24h
 * @param resetTtl      {@code gatehouse.users.password-reset-ttl}: how long a reset link works, default 30m
 * @param verifyLink    {@code gatehouse.mail.verify-link}: the link mailed for verification, {@code {token}} replaced;
 *                      default {@code <public-url>/account/signin#verify-email={token}} (a fragment: the token never reaches a
 *                      server's access log or a Referer header)
 * @param resetLink     {@code gatehouse.mail.reset-link}: likewise, default {@code <public-url>/account/signin#password-reset={token}}
 * @param accountLink   the account page, {@code <public-url>/account/}: where an alert sends the user to review sessions
 * @param alerts        {@code gatehouse.users.login-alerts}: mail the user on a login from a new device or network,
 *                      default true
 * @param remembered    {@code gatehouse.users.login-alerts.remembered}: devices, and networks, remembered per user,
 *                      default 20
 * @param memory        {@code gatehouse.users.login-alerts.memory}: how long they are remembered after the last login,
 *                      default 365d
 */
public record RecoverySettings(
        Duration verifyTtl,
        Duration resetTtl,
        String verifyLink,
        String resetLink,
        String accountLink,
        boolean alerts,
        int remembered,
        Duration memory) {

    /** @param publicUrl {@code gatehouse.server.public-url} as resolved */
    public static RecoverySettings fromConfig(GatehouseConfig config, String publicUrl) {
        return new RecoverySettings(
                config.durationAtLeast(
                        "gatehouse.users.email-verification-ttl", Duration.ofHours(24), Duration.ofMinutes(1)),
                config.durationAtLeast(
                        "gatehouse.users.password-reset-ttl", Duration.ofMinutes(30), Duration.ofMinutes(1)),
                link(config, "gatehouse.mail.verify-link", publicUrl + "/account/signin#verify-email={token}"),
                link(config, "gatehouse.mail.reset-link", publicUrl + "/account/signin#password-reset={token}"),
                publicUrl + "/account/",
                config.flag("gatehouse.users.login-alerts", true),
                (int) config.numberInRange("gatehouse.users.login-alerts.remembered", 20, 1, 1000),
                config.durationAtLeast(
                        "gatehouse.users.login-alerts.memory", Duration.ofDays(365), Duration.ofDays(1)));
    }

    private static String link(GatehouseConfig config, String key, String fallback) {
        String v = config.string(key, fallback).strip();
        if (!v.contains("{token}") || !(v.startsWith("https://") || v.startsWith("http://"))) {
            throw new ConfigException(
                    key, key + " = '" + v + "' must be an http(s) URL containing {token}, such as " + fallback);
        }
        return v;
    }

    /** A duration as a mail says it: "30 minutes", "24 hours". */
    static String human(Duration d) {
        if (d.toMinutes() < 120) {
            return d.toMinutes() + " minutes";
        }
        if (d.toHours() < 72) {
            return d.toHours() + " hours";
        }
        return d.toDays() + " days";
    }
}
