-- run_v1.lua: one run of a loop (RunLedger). Its keys carry the loop's hash tag, so this script and
-- the loop's own share a slot on a Cluster.
--
-- KEYS[1] '<ns>:v1:loop:{<loopId>}:run:<runId>'   hash:
--   state ('PAUSED' when paused), breaker, reason, tripped (ms): the trip that paused it
--   spent, tokens, steps, first, last: over the run's whole life (first and latest call, ms)
--   wspent, wtokens, wsteps, wstart, wlast: what its caps count, since its (re)start or last resume
--   reserved, rtokens: held for its calls under way; restarts: times it was started afresh after idling
--   'h:<hold id>' -> '<nano-USD>|<tokens>|<expiresAt>'
--   'tool:<cap>' -> the calls of tools that max_calls cap counted
-- KEYS[2] '<ns>:v1:loop:{<loopId>}:runs'   sorted set: run id by its latest call (ms)
-- For tools without a run, KEYS[1] is '<ns>:v1:loop:{<loopId>}:tools' (a hash of 'tool:<cap>' counts).
-- ARGV[1] hold | settle | cancel | pause | resume | tools   ARGV[2] run id   ARGV[3] now (ms)
-- ARGV[4] how long a run is kept after its latest call (ms)   ARGV[5] the loop id, for messages
-- hold:   ARGV[6] hold id, ARGV[7] ARGV[8] worst case nano-USD and tokens, ARGV[9..13] caps: nano-USD,
--         tokens, steps, wall clock (ms), idle (ms) (0 = none), ARGV[14] the hold's expiresAt
-- settle: ARGV[6] hold id, ARGV[7] ARGV[8] actual nano-USD and tokens, ARGV[9] ARGV[10] caps: nano-USD, tokens
-- cancel: ARGV[6] hold id
-- pause, resume: ARGV[6] reason
-- tools:  ARGV[6], ARGV[7], ... pairs of cap key and most calls
--
-- hold returns {1, steps before, previous call or 0, start, restarted 0|1} when it held,
--   {0, 1, breaker, reason, tripped} when the run is paused (now or before), {0, 0, message} when the
--   worst case does not fit; settle {1 if it settled a hold else 0, wspent, wtokens, breaker or false,
--   reason, tripped}; cancel {1 or 0}; pause and resume {1, or 0 when the run is unknown}; tools {1} when
--   it counted the call, {0, cap} when that cap had reached its most (nothing counted).
local op, run, NOW, keep, loop = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local MAX_RUNS = 1000

local function int(n)
  return string.format('%d', n)
end
local function num(v)
  return tonumber(v) or 0
end
local function usd(nanos)
  return string.format('%.6f', nanos / 1e9):gsub('0+$', ''):gsub('%.$', '')
end
local function held(value)
  local nanos, tokens, expires = string.match(value, '^(%d+)|(%d+)|(%d+)$')
  return tonumber(nanos), tonumber(tokens), tonumber(expires)
end
-- takes a hold off what is reserved, and charges it (nanos and tokens, or nothing)
local function release(field, hn, ht, cn, ct)
  redis.call('HDEL', KEYS[1], field)
  redis.call('HINCRBY', KEYS[1], 'reserved', int(-hn))
  redis.call('HINCRBY', KEYS[1], 'rtokens', int(-ht))
  if cn then
    redis.call('HINCRBY', KEYS[1], 'spent', int(cn))
    redis.call('HINCRBY', KEYS[1], 'tokens', int(ct))
    redis.call('HINCRBY', KEYS[1], 'wspent', int(cn))
    redis.call('HINCRBY', KEYS[1], 'wtokens', int(ct))
  end
end
-- holds past their expiry were never settled (a replica died mid-call): charged what they held
local function charge_overdue()
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'h:' then
      local hn, ht, expires = held(all[i + 1])
      if expires <= NOW then
        release(all[i], hn, ht, hn, ht)
      end
    end
  end
end
local function trip(breaker, reason)
  redis.call('HSET', KEYS[1], 'state', 'PAUSED', 'breaker', breaker, 'reason', reason, 'tripped', int(NOW))
  return { breaker, reason, NOW }
end
local function exists()
  return redis.call('HEXISTS', KEYS[1], 'wstart') == 1
end
local function restart_window()
  redis.call('HSET', KEYS[1], 'wstart', int(NOW), 'wspent', 0, 'wtokens', 0, 'wsteps', 0)
  redis.call('HDEL', KEYS[1], 'wlast')
end
local function name()
  return "run '" .. run .. "' of loop '" .. loop .. "'"
end

if op == 'tools' then
  for i = 6, #ARGV, 2 do
    if num(redis.call('HGET', KEYS[1], 'tool:' .. ARGV[i])) >= tonumber(ARGV[i + 1]) then
      return { 0, ARGV[i] }
    end
  end
  for i = 6, #ARGV, 2 do
    redis.call('HINCRBY', KEYS[1], 'tool:' .. ARGV[i], 1)
  end
  redis.call('PEXPIRE', KEYS[1], keep)
  return { 1 }
end

if op == 'hold' then
  local id, worst, worst_tokens = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
  local cap_usd, cap_tokens, cap_steps = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
  local cap_wall, idle = tonumber(ARGV[12]), tonumber(ARGV[13])
  charge_overdue()
  local s = redis.call('HMGET', KEYS[1], 'state', 'breaker', 'reason', 'tripped', 'wspent', 'wtokens', 'wsteps',
    'wstart', 'wlast', 'reserved', 'first')
  if s[1] == 'PAUSED' then
    return { 0, 1, s[2], s[3], s[4] }
  end
  local wspent, wtokens, wsteps, start, last = num(s[5]), num(s[6]), num(s[7]), tonumber(s[8]), tonumber(s[9])
  local restarted = 0
  if not start or (idle > 0 and last and NOW - last >= idle and num(s[10]) == 0) then
    if start then
      redis.call('HINCRBY', KEYS[1], 'restarts', 1)
    end
    restart_window()
    if not s[11] then
      redis.call('HSET', KEYS[1], 'first', int(NOW))
    end
    restarted, start, last, wspent, wtokens, wsteps = 1, NOW, nil, 0, 0, 0
  end
  local t
  if cap_wall > 0 and NOW - start >= cap_wall then
    t = trip('WALL_CLOCK', name() .. ' reached its wall-clock cap of ' .. int(cap_wall) .. ' ms')
  elseif cap_steps > 0 and wsteps >= cap_steps then
    t = trip('STEP_CAP', name() .. ' reached its step cap of ' .. int(cap_steps))
  elseif cap_usd > 0 and wspent >= cap_usd then
    t = trip('HARD_BUDGET', name() .. ' spent $' .. usd(wspent) .. ' of its $' .. usd(cap_usd) .. ' cap')
  elseif cap_tokens > 0 and wtokens >= cap_tokens then
    t = trip('HARD_BUDGET', name() .. ' used ' .. int(wtokens) .. ' of its ' .. int(cap_tokens) .. ' token cap')
  end
  if t then
    return { 0, 1, t[1], t[2], t[3] }
  end
  local r = redis.call('HMGET', KEYS[1], 'reserved', 'rtokens')
  if cap_usd > 0 and wspent + num(r[1]) + worst > cap_usd then
    return { 0, 0, name() .. ' would pass its $' .. usd(cap_usd) .. ' cap: $' .. usd(wspent) .. ' spent and $'
      .. usd(num(r[1])) .. ' reserved' }
  end
  if cap_tokens > 0 and wtokens + num(r[2]) + worst_tokens > cap_tokens then
    return { 0, 0, name() .. ' would pass its ' .. int(cap_tokens) .. ' token cap: ' .. int(wtokens)
      .. ' used and ' .. int(num(r[2])) .. ' reserved' }
  end
  redis.call('HSET', KEYS[1], 'h:' .. id, int(worst) .. '|' .. int(worst_tokens) .. '|' .. ARGV[14])
  redis.call('HINCRBY', KEYS[1], 'reserved', int(worst))
  redis.call('HINCRBY', KEYS[1], 'rtokens', int(worst_tokens))
  redis.call('HINCRBY', KEYS[1], 'steps', 1)
  redis.call('HINCRBY', KEYS[1], 'wsteps', 1)
  if NOW > num(redis.call('HGET', KEYS[1], 'last')) then
    redis.call('HSET', KEYS[1], 'last', int(NOW))
  end
  if not last or NOW > last then
    redis.call('HSET', KEYS[1], 'wlast', int(NOW))
  end
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('ZADD', KEYS[2], int(NOW), run)
  if redis.call('ZCARD', KEYS[2]) > MAX_RUNS then
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(MAX_RUNS + 1))
  end
  redis.call('PEXPIRE', KEYS[2], keep)
  return { 1, wsteps, last or 0, start, restarted }
end

if op == 'settle' then
  local field, nanos, tokens = 'h:' .. ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
  local cap_usd, cap_tokens = tonumber(ARGV[9]), tonumber(ARGV[10])
  charge_overdue()
  local value = redis.call('HGET', KEYS[1], field)
  local settled = 0
  if value then
    local hn, ht, expires = held(value)
    if NOW >= expires then
      nanos, tokens = hn, ht
    end
    release(field, hn, ht, nanos, tokens)
    settled = 1
  end
  local s = redis.call('HMGET', KEYS[1], 'state', 'wspent', 'wtokens')
  local wspent, wtokens = num(s[2]), num(s[3])
  if settled == 1 and s[1] ~= 'PAUSED' then
    local t
    if cap_usd > 0 and wspent >= cap_usd then
      t = trip('HARD_BUDGET', name() .. ' spent $' .. usd(wspent) .. ' of its $' .. usd(cap_usd) .. ' cap')
    elseif cap_tokens > 0 and wtokens >= cap_tokens then
      t = trip('HARD_BUDGET', name() .. ' used ' .. int(wtokens) .. ' of its ' .. int(cap_tokens) .. ' token cap')
    end
    if t then
      return { 1, wspent, wtokens, t[1], t[2], t[3] }
    end
  end
  return { settled, wspent, wtokens, false }
end

if op == 'cancel' then
  local field = 'h:' .. ARGV[6]
  local value = redis.call('HGET', KEYS[1], field)
  if not value then
    return { 0 }
  end
  local hn, ht = held(value)
  release(field, hn, ht)
  redis.call('HINCRBY', KEYS[1], 'steps', -1)
  redis.call('HINCRBY', KEYS[1], 'wsteps', -1)
  return { 1 }
end

if op == 'pause' or op == 'resume' then
  if not exists() then
    return { 0 }
  end
  charge_overdue()
  local paused = redis.call('HGET', KEYS[1], 'state') == 'PAUSED'
  if op == 'pause' and not paused then
    trip('MANUAL', ARGV[6])
  elseif op == 'resume' and paused then
    redis.call('HDEL', KEYS[1], 'state', 'breaker', 'reason', 'tripped')
    restart_window()
  end
  return { 1 }
end

return redis.error_reply('ERR loopgate runs: unknown operation ' .. op)
