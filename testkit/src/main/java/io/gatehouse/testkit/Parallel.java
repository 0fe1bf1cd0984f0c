package io.gatehouse.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs blocking tasks (process starts, polls) concurrently, because startup time is dominated by
 * waiting and the whole project's suite must stay fast. Threads are daemons so a forgotten task
 * never keeps a JVM alive.
 */
final class Parallel {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "gatehouse-testkit");
        thread.setDaemon(true);
        return thread;
    });

    private Parallel() {}

    /** Submits one task, for callers that need a future (e.g. draining a process's stderr). */
    static <T> Future<T> submit(Callable<T> task) {
        return POOL.submit(task);
    }

    /**
     * Runs all tasks and waits for all of them. If any fails, the results of the others that are
     * {@link AutoCloseable} are closed (so no started node leaks) and the first failure is thrown,
     * unwrapped, with the others suppressed.
     */
    static <T> List<T> call(List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(POOL.submit(task));
        }
        List<T> results = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                RuntimeException error = unwrap(e);
                if (failure == null) {
                    failure = error;
                } else {
                    failure.addSuppressed(error);
                }
            }
        }
        if (failure != null) {
            closeQuietly(results, failure);
            throw failure;
        }
        return results;
    }

    /** Runs all actions concurrently; fails like {@link #call(List)}. */
    static void run(List<Runnable> actions) {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (Runnable action : actions) {
            tasks.add(() -> {
                action.run();
                return null;
            });
        }
        call(tasks);
    }

    /** Closes all nodes concurrently: each close may wait up to 2 s for SIGTERM to take effect. */
    static void close(List<RedisNode> nodes) {
        List<Runnable> closes = new ArrayList<>();
        for (RedisNode node : nodes) {
            closes.add(node::close);
        }
        run(closes);
    }

    private static RuntimeException unwrap(Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        return new IllegalStateException(cause.getMessage(), cause);
    }

    private static void closeQuietly(List<?> results, RuntimeException failure) {
        for (Object result : results) {
            if (result instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) result).close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
