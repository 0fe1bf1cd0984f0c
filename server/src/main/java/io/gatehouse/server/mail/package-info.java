/**
 * Outgoing mail: {@link io.gatehouse.server.mail.Mailer} sends in the background with retries, over SMTP
 * ({@code gatehouse.mail.host} set) or into the outbox directory under the data directory (the embedded
 * default); {@link io.gatehouse.server.mail.MailTemplates} renders the plain-text and HTML templates an
 * operator may replace. See docs/ACCOUNTS.md.
 */
package io.gatehouse.server.mail;
