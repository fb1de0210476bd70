package io.chat.loadtest;

import java.time.Duration;

/** Creates (or tops up) the account pool so that a later run does not pay for the Argon2id hashes. */
final class ProvisionScenario implements Bench.Scenario {
    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        int n = ctx.opts.integer("users", 1000);
        int before = ctx.pool.size();
        long start = System.nanoTime();
        ctx.users(n, Duration.ZERO);
        double s = (System.nanoTime() - start) / 1e9;
        Result r = new Result("provision");
        int made = Math.max(0, n - before);
        r.put("accounts in the pool", ctx.pool.size())
                .put("registered now", made)
                .put("took", String.format(java.util.Locale.ROOT, "%.1f s (%.1f accounts/s, register + login each)", s, made / Math.max(s, 0.001)))
                .put("pool file", ctx.pool.file().toString());
        return r;
    }
}
