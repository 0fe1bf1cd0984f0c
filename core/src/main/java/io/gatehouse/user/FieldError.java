package io.gatehouse.user;

/**
 * One thing wrong with one input field, in words a client can show.
 *
 * @param field   the field's name as the client sent it ({@code email}, {@code password}, ...)
 * @param message what is wrong; never contains the submitted value (it may be a password)
 */
public record FieldError(String field, String message) {}
