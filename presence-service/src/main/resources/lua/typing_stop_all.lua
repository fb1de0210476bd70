-- typing stops for the messages of one poll: ARGV room1, user1, room2, user2, ...
-- Returns the "<room>\n<user>" members that were typing: a stop must be published for each.
local out = {}
for i = 1, #ARGV, 2 do
  local m = ARGV[i] .. '\n' .. ARGV[i + 1]
  redis.call('HDEL', 'pr:typing:pub', m)
  if redis.call('ZREM', 'pr:typing', m) == 1 then
    table.insert(out, m)
  end
end
return out
