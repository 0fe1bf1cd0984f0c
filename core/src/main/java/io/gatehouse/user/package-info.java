/**
 * Users of the Gatehouse server: registration, password verification, status and roles.
 *
 * <p>{@link io.gatehouse.user.UserService} holds the rules (email normalisation, password
 * policy, Argon2id hashing and rehashing, equal work for unknown and known emails);
 * {@link io.gatehouse.user.UserStore} only persists. {@link io.gatehouse.user.UserDatabase}
 * opens the JDBC store: an H2 file under the data directory by default, PostgreSQL in production,
 * with one set of Flyway migrations for both. Nothing here knows about HTTP.
 */
package io.gatehouse.user;
