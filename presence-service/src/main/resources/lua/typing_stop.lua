-- typing stop (signal or message sent): ARGV room, user. Returns 1 when a stop must be published.
local m = ARGV[1] .. '\n' .. ARGV[2]
redis.call('HDEL', 'pr:typing:pub', m)
return redis.call('ZREM', 'pr:typing', m)
