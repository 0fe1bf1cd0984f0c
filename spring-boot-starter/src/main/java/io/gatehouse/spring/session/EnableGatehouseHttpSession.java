package io.gatehouse.spring.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Stores {@code HttpSession} in Gatehouse sessions (Spring Session's filter over
 * {@link GatehouseSessionRepository}) and, with Spring Security present, registers the session registry that
 * {@code maximumSessions(n)} uses. The property {@code gatehouse.spring.session.enabled=true} does the same.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@Import(GatehouseHttpSessionConfiguration.class)
public @interface EnableGatehouseHttpSession {}
