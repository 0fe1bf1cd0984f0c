package io.gatehouse.example;

/** A cached value: a record, stored as JSON. */
public record Product(String id, String name, long loadedBy) {}
