package io.gatehouse.user;

import io.gatehouse.error.GatehouseException;
import java.util.List;
import java.util.stream.Collectors;

/** The input breaks a rule (email syntax, password policy, role name); nothing was changed. */
public final class InvalidUserInputException extends GatehouseException {
    private static final long serialVersionUID = 1L;
    private final transient List<FieldError> errors;

    public InvalidUserInputException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public InvalidUserInputException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    /** Every problem found, not only the first. */
    public List<FieldError> errors() {
        return errors;
    }
}
