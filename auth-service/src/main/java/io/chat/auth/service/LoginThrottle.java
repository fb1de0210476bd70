package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.RedisKeyNotFoundException;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts failed password checks per account name and per client address in Redis (keys {@code auth:*}, shared by all
 * replicas, expiring by themselves). An account is locked after {@code maxFailures} failures within the window, for
 * {@code baseLock}, doubling with each further failure up to {@code maxLock}; attempts while locked are refused
 * without checking the password and are not counted. Counting is by the submitted (normalised) name whether or not
 * the account exists, so a lockout reveals nothing about existence. An address with {@code ipMaxFailures} failures in
 * the window is refused until its window ends.
 */
@ApplicationScoped
public class LoginThrottle {
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    private final AuthConfig.Lockout cfg;
    private final ValueCommands<String, Long> counters;
    private final ValueCommands<String, String> locks;
    private final KeyCommands<String> keys;
    private final MeterRegistry metrics;

    public LoginThrottle(AuthConfig config, RedisDataSource redis, MeterRegistry metrics) {
        this.cfg = config.lockout();
        this.counters = redis.value(Long.class);
        this.locks = redis.value(String.class);
        this.keys = redis.key();
        this.metrics = metrics;
    }

    /** Throws 429 with Retry-After when the account or the address may not try now. */
    public void checkAllowed(String account, String clientAddress) {
        long accountWait = pttl(lockKey(account));
        if (accountWait > 0) {
            metrics.counter("chat.auth.login.refused", "scope", "account").increment();
            LOG.infof("login refused: account locked for %d ms more (client %s)", accountWait, clientAddress);
            throw ApiException.rateLimited("too many failed attempts, try again later", seconds(accountWait));
        }
        Long ipFailures = counters.get(ipKey(clientAddress));
        if (ipFailures != null && ipFailures >= cfg.ipMaxFailures()) {
            long wait = Math.max(pttl(ipKey(clientAddress)), 1000);
            metrics.counter("chat.auth.login.refused", "scope", "address").increment();
            LOG.infof("login refused: client %s over its failure limit for %d ms more", clientAddress, wait);
            throw ApiException.rateLimited("too many failed attempts from this address, try again later",
                    seconds(wait));
        }
    }

    /** Records one failed password check for both the account and the address; locks the account when due. */
    public void recordFailure(String account, String clientAddress, String reason) {
        metrics.counter("chat.auth.login.failures", "reason", reason).increment();
        String countKey = failKey(account);
        long failures = counters.incr(countKey);
        long lockMs = 0;
        if (failures >= cfg.maxFailures()) {
            int doublings = (int) Math.min(failures - cfg.maxFailures(), 30);
            lockMs = Math.min(cfg.baseLock().toMillis() << doublings, cfg.maxLock().toMillis());
            locks.psetex(lockKey(account), lockMs, "1");
            metrics.counter("chat.auth.lockouts", "scope", "account").increment();
            LOG.warnf("account locked for %d ms after %d failed logins (client %s)", lockMs, failures, clientAddress);
        }
        // the count outlives the lock, so a failure right after the lock ends doubles it
        keys.pexpire(countKey, cfg.window().toMillis() + lockMs);

        String ip = ipKey(clientAddress);
        long ipFailures = counters.incr(ip);
        if (ipFailures == 1) {
            keys.pexpire(ip, cfg.window().toMillis());
        }
        if (ipFailures == cfg.ipMaxFailures()) {
            metrics.counter("chat.auth.lockouts", "scope", "address").increment();
            LOG.warnf("client %s reached %d failed logins", clientAddress, ipFailures);
        }
        LOG.infof("failed login (%s), %d recent failures for this account (client %s)", reason, failures,
                clientAddress);
    }

    /** A successful login clears the account's failures (not the address's: one own account must not reset them). */
    public void recordSuccess(String account) {
        keys.del(failKey(account), lockKey(account));
    }

    /** Remaining time to live in ms; 0 when the key does not exist (or has no expiry). */
    private long pttl(String key) {
        try {
            return Math.max(0, keys.pttl(key));
        } catch (RedisKeyNotFoundException e) {
            return 0;
        }
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private static String failKey(String account) {
        return "auth:fail:acct:" + digest(account);
    }

    private static String lockKey(String account) {
        return "auth:lock:acct:" + digest(account);
    }

    private static String ipKey(String address) {
        return "auth:fail:ip:" + address;
    }

    /** Fixed-size keys whatever the submitted name is. */
    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
