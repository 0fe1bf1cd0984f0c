/**
 * The HTTP plumbing every route shares, and no business rule: how routes are registered (so metrics see
 * route templates and the OpenAPI test sees every route), RFC 9457 problem details and RFC 6749 OAuth
 * errors, bounded JSON body reading, request ids and the log context, security headers, CORS, and the
 * 404/405 fallback. Route groups (auth, health, metrics) live in their own packages and call the core.
 */
package io.gatehouse.server.http;
