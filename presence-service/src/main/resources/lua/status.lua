-- status.set: ARGV user, status (online|away|dnd), text ('' = none), dndUntil (ms, 0 = none), now, idle, grace
local uid, status, text = ARGV[1], ARGV[2], ARGV[3]
local untilMs, now, idle, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('EXISTS', 'pr:deleted:' .. uid) == 1 then return false end
local k = ukey(uid)
redis.call('HSET', k, 'manual', status, 'text', text)
if status == 'dnd' and untilMs > 0 then
  redis.call('HSET', k, 'dndUntil', ARGV[4])
  redis.call('ZADD', 'pr:dnd', untilMs, uid)
else
  redis.call('HDEL', k, 'dndUntil')
  redis.call('ZREM', 'pr:dnd', uid)
end
return recompute(uid, now, idle, grace)
