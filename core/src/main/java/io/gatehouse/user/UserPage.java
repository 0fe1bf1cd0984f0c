package io.gatehouse.user;

import java.util.List;

/**
 * One page of a user search ({@link UserService#search(String, int, int)}), in email order.
 *
 * @param users  the users of this page, at most {@code limit}
 * @param total  how many users match the query in all
 * @param offset how many matching users come before this page
 * @param limit  the page size asked for
 */
public record UserPage(List<User> users, long total, int offset, int limit) {
    public UserPage {
        users = List.copyOf(users);
    }

    /** Whether more matching users follow this page. */
    public boolean hasMore() {
        return offset + (long) users.size() < total;
    }

    /** The offset of the next page (meaningful when {@link #hasMore()}). */
    public int nextOffset() {
        return offset + users.size();
    }
}
