-- Prepended to every presence script. Keys (all pr:*):
--   pr:u:<user>        hash  pub, ptext (last published status/text), manual (online|away|dnd), text,
--                            dndUntil (ms), act (latest activity over the sockets, ms), seen (last seen, ms)
--   pr:sock:<user>     hash  sessionId -> "<gatewayId>|<lastActiveMs>"
--   pr:gws:<gateway>   set   "<user>\n<sessionId>" of the sockets a gateway holds (for its expiry)
--   pr:leases          zset  gatewayId -> lease deadline (ms); renewed by one ZADD per heartbeat
--   pr:offline / pr:idle / pr:dnd   zsets user -> when to recompute (grace end, idle deadline, dnd end)
--   pr:online          set   users whose published status is not offline (metrics)
--   pr:stats:sockets   counter of live sockets (metrics)
--   pr:set:<user>      hash  hideLastSeen
--   pr:deleted:<user>  tombstone (TTL) after user.deleted: late signals are ignored
-- integer text for stored times (never '1.7e+12')
local function int(n) return string.format('%d', n) end
local function ukey(uid) return 'pr:u:' .. uid end
local function skey(uid) return 'pr:sock:' .. uid end

-- "<gateway>|<ms>" -> gateway, ms (gateway ids may contain '|': split at the last one)
local function parseSock(v)
  local i = string.find(v, '|[^|]*$')
  return string.sub(v, 1, i - 1), tonumber(string.sub(v, i + 1)) or 0
end

local function maxAct(uid)
  local m = 0
  for _, v in ipairs(redis.call('HVALS', skey(uid))) do
    local _, a = parseSock(v)
    if a > m then m = a end
  end
  return m
end

-- Recomputes the user's aggregated status. Returns {user, status, text, lastSeen} when the published
-- status changes (the caller publishes exactly that), false otherwise. With grace > 0 an offline is
-- only scheduled (pr:offline); the sweeper publishes it later unless a socket came back.
local function recompute(uid, now, idle, grace)
  local k = ukey(uid)
  local u = redis.call('HMGET', k, 'pub', 'ptext', 'manual', 'text', 'dndUntil', 'act', 'seen')
  local pub = u[1] or 'offline'
  local ptext = u[2] or ''
  local manual = u[3] or 'online'
  local text = u[4] or ''
  local dndUntil = tonumber(u[5] or '0') or 0
  local act = tonumber(u[6] or '0') or 0
  if manual == 'dnd' and dndUntil > 0 and dndUntil <= now then
    -- dnd expired: back to automatic status, and the text set with it goes too
    manual = 'online'
    text = ''
    redis.call('HSET', k, 'manual', 'online', 'text', '')
    redis.call('HDEL', k, 'dndUntil')
    redis.call('ZREM', 'pr:dnd', uid)
  end
  local status
  if redis.call('HLEN', skey(uid)) == 0 then status = 'offline'
  elseif manual == 'dnd' then status = 'dnd'
  elseif manual == 'away' then status = 'away'
  elseif now - act >= idle then status = 'away'
  else status = 'online' end

  if status == 'online' then redis.call('ZADD', 'pr:idle', act + idle, uid) else redis.call('ZREM', 'pr:idle', uid) end
  if status == 'offline' then
    if pub == 'offline' then
      redis.call('ZREM', 'pr:offline', uid)
      return false
    end
    if grace > 0 then
      redis.call('ZADD', 'pr:offline', 'NX', now + grace, uid)
      return false
    end
  end
  redis.call('ZREM', 'pr:offline', uid)

  local outText = ''
  if status ~= 'offline' then outText = text end
  if status == pub and outText == ptext then return false end
  redis.call('HSET', k, 'pub', status, 'ptext', outText)
  local seen = ''
  if status == 'offline' then
    redis.call('SREM', 'pr:online', uid)
    seen = u[7] or string.format('%d', now)
    if redis.call('HGET', 'pr:set:' .. uid, 'hideLastSeen') == '1' then seen = '' end
  else
    redis.call('SADD', 'pr:online', uid)
  end
  return {uid, status, outText, seen}
end
