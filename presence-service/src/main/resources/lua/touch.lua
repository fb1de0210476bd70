-- connected / active: a socket exists and its user did something now. Re-adds an unknown socket
-- (an 'active' from a socket that expired means its gateway is alive after all).
-- ARGV: user, gateway, session, now, idle, grace, lease
local uid, gw, sid = ARGV[1], ARGV[2], ARGV[3]
local now, idle, grace, lease = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('EXISTS', 'pr:deleted:' .. uid) == 1 then return false end
local old = redis.call('HGET', skey(uid), sid)
if old then
  local oldGw = parseSock(old)
  if oldGw ~= gw then redis.call('SREM', 'pr:gws:' .. oldGw, uid .. '\n' .. sid) end
else
  redis.call('INCR', 'pr:stats:sockets')
end
redis.call('HSET', skey(uid), sid, gw .. '|' .. ARGV[4])
redis.call('SADD', 'pr:gws:' .. gw, uid .. '\n' .. sid)
-- a socket implies a live gateway: start its lease if it has none (GT never shortens one)
redis.call('ZADD', 'pr:leases', 'GT', now + lease, gw)
redis.call('HSET', ukey(uid), 'act', ARGV[4])
return recompute(uid, now, idle, grace)
