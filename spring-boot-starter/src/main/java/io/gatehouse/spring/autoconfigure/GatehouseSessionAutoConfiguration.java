package io.gatehouse.spring.autoconfigure;

import io.gatehouse.spring.session.GatehouseHttpSessionConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Import;
import org.springframework.session.FindByIndexNameSessionRepository;

/** {@code gatehouse.spring.session.enabled=true}: the same as {@code @EnableGatehouseHttpSession}. */
@AutoConfiguration(after = GatehouseAutoConfiguration.class)
@ConditionalOnClass(FindByIndexNameSessionRepository.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "gatehouse.spring.session.enabled", havingValue = "true")
@Import(GatehouseHttpSessionConfiguration.class)
public class GatehouseSessionAutoConfiguration {}
