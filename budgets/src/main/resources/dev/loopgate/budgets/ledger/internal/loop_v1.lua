-- loop_v1.lua (after lib_v1.lua): reads and admin changes of one loop. Every operation first
-- charges the loop's overdue reservations.
--
-- ARGV[12] operation: status | pause | resume | limits | expire | peek | cancel
-- ARGV[13] reason (pause, resume)   ARGV[14] by (pause, resume)   ARGV[15] override ('' drops it; limits)
-- ARGV[16] request hash (peek, cancel; '' = none)   ARGV[17] repeat window in ms (peek)
-- ARGV[18] reservation id (cancel: undoes a reserve the call did not use, as if never made)
-- Reasons and names arrive with '%' and '|' escaped.
--
-- Returns, for expire and cancel: {expired now}; for peek: {expired now, trip or false, spent, reserved,
-- usd limit, repeat count}; otherwise the status: {expired now, state, trip or false, spent,
-- reserved, tokens, steps, first call, override or false, expired ever, {events, newest first},
-- overruns ever}.
local op = ARGV[12]
local expired_now = expire_overdue()
if op == 'expire' then
  return { expired_now }
end

if op == 'cancel' then
  local record = redis.call('HGET', KEYS[2], ARGV[18])
  if record then
    local bucket, bucket_expire, nanos, tokens = parse_reservation(record)
    charge(bucket, bucket_expire, nanos, tokens, 0, 0)
    redis.call('HDEL', KEYS[2], ARGV[18])
    redis.call('ZREM', KEYS[3], ARGV[18])
    redis.call('HINCRBY', KEYS[1], 'steps', -1)
    if ARGV[16] ~= '' then
      redis.call('ZREM', P .. 'rep:' .. (redis.call('HGET', KEYS[1], 'gen') or '0') .. ':' .. ARGV[16], ARGV[18])
    end
  end
  return { expired_now }
end

if op == 'peek' then
  local st = redis.call('HMGET', KEYS[1], 'trip', 'gen', 'override')
  local limits = limits_of(st[3])
  local key = current_bucket(limits.period)
  local b = redis.call('HMGET', key, 'spent', 'reserved')
  local _, repeat_count = repeats(st[2], ARGV[16], tonumber(ARGV[17]))
  return { expired_now, st[1], num(b[1]), num(b[2]), limits.usd, repeat_count }
end

if op == 'pause' then
  if redis.call('HGET', KEYS[1], 'state') ~= 'PAUSED' then
    redis.call('HSET', KEYS[1], 'state', 'PAUSED', 'trip', 'MANUAL|' .. NOW_S .. '|' .. ARGV[13])
    push_event('pause', 'MANUAL', ARGV[14], ARGV[13])
  end
elseif op == 'resume' then
  if redis.call('HGET', KEYS[1], 'state') == 'PAUSED' then
    redis.call('HSET', KEYS[1], 'state', 'ACTIVE', 'failures', 0)
    redis.call('HDEL', KEYS[1], 'trip')
    redis.call('HINCRBY', KEYS[1], 'gen', 1)
    redis.call('DEL', KEYS[5])
    push_event('resume', '', ARGV[14], ARGV[13])
  end
elseif op == 'limits' then
  if ARGV[15] == '' then
    redis.call('HDEL', KEYS[1], 'override')
  else
    redis.call('HSET', KEYS[1], 'override', ARGV[15])
  end
elseif op ~= 'status' then
  return redis.error_reply('ERR loopgate ledger: unknown operation ' .. op)
end

local st = redis.call('HMGET', KEYS[1], 'state', 'trip', 'first', 'steps', 'override', 'expired', 'period', 'overruns')
local period = st[7] or 'TOTAL'
if st[5] then
  period = limits_of(st[5]).period
end
local key = current_bucket(period)
local b = redis.call('HMGET', key, 'spent', 'reserved', 'tokens')
return { expired_now, st[1] or 'ACTIVE', st[2], num(b[1]), num(b[2]), num(b[3]), num(st[4]), num(st[3]), st[5],
  num(st[6]), redis.call('LRANGE', KEYS[4], 0, 49), num(st[8]) }
