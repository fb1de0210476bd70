-- typing start: ARGV room, user, now, timeout, throttle. Returns 1 when a start must be published.
-- pr:typing zset "<room>\n<user>" -> expiry (ms); pr:typing:pub hash same member -> last published start (ms)
local m = ARGV[1] .. '\n' .. ARGV[2]
local now, timeout, throttle = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', 'pr:deleted:' .. ARGV[2]) == 1 then return 0 end
redis.call('ZADD', 'pr:typing', now + timeout, m)
local last = tonumber(redis.call('HGET', 'pr:typing:pub', m) or '0')
if now - last >= throttle then
  redis.call('HSET', 'pr:typing:pub', m, ARGV[3])
  return 1
end
return 0
