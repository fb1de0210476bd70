package io.chat.auth.repository;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Function;

/**
 * Runs work on the reactive PostgreSQL pool from a worker thread, awaiting each step. The REST resources of this
 * service run on worker threads (Argon2 hashing is CPU-heavy anyway), so plain sequential code is safe here and
 * nothing blocks an event loop.
 */
@ApplicationScoped
public class Db {
    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    public <T> T inTransaction(Function<SqlConnection, T> work) {
        SqlConnection conn = pool.getConnectionAndAwait();
        try {
            Transaction tx = conn.beginAndAwait();
            try {
                T result = work.apply(conn);
                tx.commitAndAwait();
                return result;
            } catch (RuntimeException e) {
                try {
                    tx.rollbackAndAwait();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } finally {
            conn.closeAndAwait();
        }
    }
}
