/** Security events the server records on behalf of the core capabilities. */
package io.gatehouse.server.audit;
