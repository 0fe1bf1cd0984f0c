/**
 * The devices and networks each user has logged in from, remembered per user with a bound, so a login from
 * a new one can be told apart (new-device and new-network alerts). {@link io.gatehouse.origin.LoginOrigins}
 * is the API; the in-memory and Redis stores are internal.
 */
package io.gatehouse.origin;
