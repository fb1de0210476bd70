-- typing states past their expiry: ARGV now, batch. Returns the claimed "<room>\n<user>" members.
local due = redis.call('ZRANGEBYSCORE', 'pr:typing', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, m in ipairs(due) do
  if redis.call('ZREM', 'pr:typing', m) == 1 then
    redis.call('HDEL', 'pr:typing:pub', m)
    table.insert(out, m)
  end
end
return out
