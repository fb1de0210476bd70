-- user.deleted: removes everything about the user and leaves a tombstone against late signals.
-- ARGV user, tombstoneMs. Returns 1 when the user was shown online (an offline must be published).
local uid = ARGV[1]
local pub = redis.call('HGET', ukey(uid), 'pub')
local socks = redis.call('HGETALL', skey(uid))
for i = 1, #socks, 2 do
  local gw = parseSock(socks[i + 1])
  redis.call('SREM', 'pr:gws:' .. gw, uid .. '\n' .. socks[i])
  redis.call('DECR', 'pr:stats:sockets')
end
for _, room in ipairs(redis.call('SMEMBERS', 'pr:rooms:' .. uid)) do
  redis.call('SREM', 'pr:members:' .. room, uid)
  redis.call('ZREM', 'pr:typing', room .. '\n' .. uid)
  redis.call('HDEL', 'pr:typing:pub', room .. '\n' .. uid)
end
redis.call('DEL', 'pr:rooms:' .. uid, skey(uid), ukey(uid), 'pr:set:' .. uid)
redis.call('ZREM', 'pr:offline', uid)
redis.call('ZREM', 'pr:idle', uid)
redis.call('ZREM', 'pr:dnd', uid)
redis.call('SREM', 'pr:online', uid)
redis.call('SET', 'pr:deleted:' .. uid, '1', 'PX', ARGV[2])
if pub and pub ~= 'offline' then return 1 end
return 0
