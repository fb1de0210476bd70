-- A room's full member list after a change: ARGV room, member... (pr:members:<room>, pr:rooms:<user>)
local room = ARGV[1]
local mk = 'pr:members:' .. room
local new = {}
for i = 2, #ARGV do new[ARGV[i]] = true end
for _, u in ipairs(redis.call('SMEMBERS', mk)) do
  if not new[u] then redis.call('SREM', 'pr:rooms:' .. u, room) end
end
redis.call('DEL', mk)
for u in pairs(new) do
  if redis.call('EXISTS', 'pr:deleted:' .. u) == 0 then
    redis.call('SADD', mk, u)
    redis.call('SADD', 'pr:rooms:' .. u, room)
  end
end
return 1
