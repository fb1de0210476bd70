-- GET /api/presence: ARGV caller, target... Returns {user, status, text, lastSeen} for the targets that
-- share a room with the caller (or are the caller); the others are left out without a trace.
local caller = ARGV[1]
local ck = 'pr:rooms:' .. caller
local out = {}
for i = 2, #ARGV do
  local t = ARGV[i]
  local shared = (t == caller)
  if not shared then shared = redis.call('SINTERCARD', 2, ck, 'pr:rooms:' .. t, 'LIMIT', 1) > 0 end
  if shared then
    local u = redis.call('HMGET', ukey(t), 'pub', 'ptext', 'seen')
    local status = u[1] or 'offline'
    local seen = ''
    if status == 'offline' and u[3] and (t == caller or redis.call('HGET', 'pr:set:' .. t, 'hideLastSeen') ~= '1') then
      seen = u[3]
    end
    table.insert(out, {t, status, u[2] or '', seen})
  end
end
return out
