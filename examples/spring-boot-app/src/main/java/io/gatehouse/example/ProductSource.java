package io.gatehouse.example;

import org.springframework.stereotype.Component;

/** Where product names come from (a database in a real application; tests replace it to make loads slow). */
@Component
public class ProductSource {
    public String name(String id) {
        return "product " + id;
    }
}
