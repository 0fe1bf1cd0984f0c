package io.gatehouse.example;

import io.gatehouse.spring.session.EnableGatehouseHttpSession;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A small Spring Boot application on Gatehouse: {@code /api/**} accepts access tokens issued by a Gatehouse
 * server and refuses revoked ones at once; {@code /web/**} is a form-login site whose {@code HttpSession} is a
 * Gatehouse session (one session per user); {@code /public/products/{id}} is {@code @Cacheable(sync = true)};
 * {@code /public/limited} is rate limited.
 */
@SpringBootApplication
@EnableCaching
@EnableGatehouseHttpSession
public class ExampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
