-- disconnected: a socket closed normally. ARGV: user, session, now, idle, grace
local uid, sid = ARGV[1], ARGV[2]
local now, idle, grace = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local v = redis.call('HGET', skey(uid), sid)
if not v then return false end
local gw = parseSock(v)
redis.call('HDEL', skey(uid), sid)
redis.call('DECR', 'pr:stats:sockets')
redis.call('SREM', 'pr:gws:' .. gw, uid .. '\n' .. sid)
if redis.call('HLEN', skey(uid)) == 0 then
  redis.call('HSET', ukey(uid), 'act', '0', 'seen', ARGV[3])
else
  redis.call('HSET', ukey(uid), 'act', int(maxAct(uid)))
end
return recompute(uid, now, idle, grace)
