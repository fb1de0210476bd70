-- The expiry sweeper (any replica may run it at any time: every claim is a ZREM/SPOP inside this script).
-- ARGV: now, idle, grace, lease, batch. Returns {changes, onlineUsers, sockets}.
local now, idle, grace, lease, batch = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
-- 1. dead gateways: their sockets expire, at most 'batch' sockets per sweep
local budget = batch
for _, gw in ipairs(redis.call('ZRANGEBYSCORE', 'pr:leases', '-inf', now, 'LIMIT', 0, 10)) do
  if budget <= 0 then break end
  local lastBeat = tonumber(redis.call('ZSCORE', 'pr:leases', gw)) - lease
  local users = {}
  local members = redis.call('SPOP', 'pr:gws:' .. gw, budget)
  budget = budget - #members
  for _, m in ipairs(members) do
    local i = string.find(m, '\n', 1, true)
    local uid, sid = string.sub(m, 1, i - 1), string.sub(m, i + 1)
    local v = redis.call('HGET', skey(uid), sid)
    if v and parseSock(v) == gw then
      redis.call('HDEL', skey(uid), sid)
      redis.call('DECR', 'pr:stats:sockets')
      users[uid] = true
    end
  end
  if redis.call('SCARD', 'pr:gws:' .. gw) == 0 then redis.call('ZREM', 'pr:leases', gw) end
  for uid in pairs(users) do
    if redis.call('HLEN', skey(uid)) == 0 then
      redis.call('HSET', ukey(uid), 'act', '0', 'seen', int(lastBeat))
    else
      redis.call('HSET', ukey(uid), 'act', int(maxAct(uid)))
    end
    -- the lease itself was the grace period: publish offline now
    local c = recompute(uid, now, idle, 0)
    if c then table.insert(out, c) end
  end
end
-- 2. offline grace over, idle deadline reached, dnd expired
for _, z in ipairs({'pr:offline', 'pr:dnd', 'pr:idle'}) do
  for _, uid in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', now, 'LIMIT', 0, batch)) do
    if redis.call('ZREM', z, uid) == 1 then
      local g = grace
      if z == 'pr:offline' then g = 0 end
      local c = recompute(uid, now, idle, g)
      if c then table.insert(out, c) end
    end
  end
end
return {out, redis.call('SCARD', 'pr:online'), tonumber(redis.call('GET', 'pr:stats:sockets') or '0')}
