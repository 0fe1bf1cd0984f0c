package io.gatehouse.server.recovery;

import io.gatehouse.emailtoken.EmailTokenPurpose;
import io.gatehouse.emailtoken.EmailTokens;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.server.auth.RegistrationService;
import io.gatehouse.server.mail.Mail;
import io.gatehouse.server.mail.MailTemplates;
import io.gatehouse.server.mail.Mailer;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail of the account flows, prepared in the background: each method returns at once, and the user lookup,
 * the token and the message happen on a virtual thread. So an HTTP answer never depends on whether the address has
 * an account (same status, body, headers and time for both), nor on the mail server being up.
 */
public final class AccountMail implements RegistrationService.RegistrationMail, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccountMail.class);

    private final UserService users;
    private final EmailTokens tokens;
    private final Mailer mailer;
    private final MailTemplates templates;
    private final RecoverySettings settings;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public AccountMail(
            UserService users, EmailTokens tokens, Mailer mailer, MailTemplates templates, RecoverySettings settings) {
        this.users = users;
        this.tokens = tokens;
        this.mailer = mailer;
        this.templates = templates;
        this.settings = settings;
    }

    @Override
    public void registered(User user, ClientInfo client) {
        later("a verification link", () -> mailVerification(user));
    }

    @Override
    public void addressTaken(String email, ClientInfo client) {
        later(
                "a registration-attempt notice",
                () -> users.findByEmail(email)
                        .ifPresent(u -> mailer.send(templates.render(
                                MailTemplates.Template.REGISTRATION_ATTEMPT,
                                u.email(),
                                Map.of(
                                        "email",
                                        u.email(),
                                        "ip",
                                        client.ip(),
                                        "reset_link",
                                        settings.accountLink() + "signin")))));
    }

    /** A new verification link for {@code email}, if it has an active account that is not verified yet. */
    public void resendVerification(String email) {
        later("a verification link", () -> {
            Optional<User> u = users.findByEmail(email);
            if (u.isPresent()
                    && u.get().active()
                    && !users.emailVerified(u.get().id())) {
                mailVerification(u.get());
            }
        });
    }

    /** A reset link for {@code email}, if it has an active account; bound to the current password. */
    public void passwordReset(String email, ClientInfo client) {
        later("a password-reset link", () -> {
            Optional<User> found = users.findByEmail(email);
            if (found.isEmpty() || !found.get().active()) {
                return;
            }
            User u = found.get();
            String token = tokens.issue(
                    EmailTokenPurpose.PASSWORD_RESET,
                    u.id(),
                    u.passwordChangedAt().toString(),
                    settings.resetTtl());
            mailer.send(templates.render(
                    MailTemplates.Template.PASSWORD_RESET,
                    u.email(),
                    Map.of(
                            "email", u.email(),
                            "ip", client.ip(),
                            "link", settings.resetLink().replace("{token}", token),
                            "expires_in", RecoverySettings.human(settings.resetTtl()))));
        });
    }

    /** Queues a finished message (the login alerts render their own). */
    void send(Mail mail) {
        mailer.send(mail);
    }

    MailTemplates templates() {
        return templates;
    }

    private void mailVerification(User u) {
        String token = tokens.issue(EmailTokenPurpose.VERIFY_EMAIL, u.id(), u.email(), settings.verifyTtl());
        mailer.send(templates.render(
                MailTemplates.Template.VERIFY_EMAIL,
                u.email(),
                Map.of(
                        "email", u.email(),
                        "link", settings.verifyLink().replace("{token}", token),
                        "expires_in", RecoverySettings.human(settings.verifyTtl()))));
    }

    void later(String what, Runnable work) {
        try {
            background.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    // The class only: a message could quote a value, and this reaches the log.
                    log.warn("could not prepare {}: {}", what, e.getClass().getSimpleName());
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("could not prepare {}: the server is stopping", what);
        }
    }

    /** Lets work in progress finish (a few seconds at most). */
    @Override
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(5, TimeUnit.SECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            background.shutdownNow();
        }
    }
}
