-- reserve_v1.lua (after lib_v1.lua): holds a call's worst case in its loop's budget, or refuses.
--
-- ARGV[12] reservation id   ARGV[13] worst case nano-USD   ARGV[14] worst case tokens
-- ARGV[15] same-request limit (0 = off)   ARGV[16] repeat window (ms)   ARGV[17] request hash ('' = none)
-- ARGV[18] the reservation's expiresAt   ARGV[19] '1' when the key's daily cap refused this call
--
-- Returns {1, bucket, spent, reserved, usd limit, repeat count} when it held the worst case
-- (spent and reserved as before this call), or
-- {0, reason, trip or false, 'usd'|'tokens'|'', limit, spent, reserved, bucket} when it refused.
local id, worst, worst_tokens = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local same_limit, window, hash = tonumber(ARGV[15]), tonumber(ARGV[16]), ARGV[17]

expire_overdue()

local st = redis.call('HMGET', KEYS[1], 'state', 'trip', 'first', 'steps', 'gen', 'override', 'period')
if st[1] == 'PAUSED' then
  return { 0, 'LOOP_PAUSED', st[2], '', 0, 0, 0, '' }
end
local function refuse_tripping(breaker, reason)
  return { 0, 'LOOP_PAUSED', trip(breaker, reason), '', 0, 0, 0, '' }
end

local limits = limits_of(st[6])
local first = tonumber(st[3])
if not first then
  first = NOW
  redis.call('HSET', KEYS[1], 'first', NOW_S)
end
if st[7] ~= limits.period then
  redis.call('HSET', KEYS[1], 'period', limits.period)
end

if limits.wall > 0 and NOW - first >= limits.wall then
  return refuse_tripping('WALL_CLOCK', 'wall-clock cap of ' .. int(limits.wall) .. ' ms reached: first call '
    .. int(NOW - first) .. ' ms ago')
end
local steps = num(st[4])
if limits.steps > 0 and steps >= limits.steps then
  return refuse_tripping('STEP_CAP', 'step cap of ' .. int(limits.steps) .. ' reached')
end
local repeat_key, repeat_count = repeats(st[5], hash, window)
if repeat_key and same_limit > 0 and repeat_count + 1 >= same_limit then
  return refuse_tripping('NO_PROGRESS', 'same request sent ' .. int(repeat_count + 1) .. ' times within '
    .. int(window) .. ' ms (limit ' .. int(same_limit) .. ')')
end

local bucket_key, bucket, bucket_expire = current_bucket(limits.period)
local b = redis.call('HMGET', bucket_key, 'spent', 'reserved', 'tokens', 'rtokens')
local spent, reserved, tokens, reserved_tokens = num(b[1]), num(b[2]), num(b[3]), num(b[4])
if limits.usd > 0 and spent >= limits.usd then
  return refuse_tripping('HARD_BUDGET', 'spent $' .. usd(spent) .. ' of the $' .. usd(limits.usd) .. ' budget'
    .. describe(bucket))
end
if limits.tokens > 0 and tokens >= limits.tokens then
  return refuse_tripping('HARD_BUDGET', 'used ' .. int(tokens) .. ' of the ' .. int(limits.tokens) .. ' token budget'
    .. describe(bucket))
end
if limits.usd > 0 and spent + reserved + worst > limits.usd then
  return { 0, 'BUDGET_EXCEEDED', false, 'usd', limits.usd, spent, reserved, bucket }
end
if limits.tokens > 0 and tokens + reserved_tokens + worst_tokens > limits.tokens then
  return { 0, 'BUDGET_EXCEEDED', false, 'tokens', limits.tokens, tokens, reserved_tokens, bucket }
end
if ARGV[19] == '1' then
  return { 0, 'KEY_CAP_EXCEEDED', false, '', 0, 0, 0, '' }
end

redis.call('HINCRBY', bucket_key, 'reserved', int(worst))
redis.call('HINCRBY', bucket_key, 'rtokens', int(worst_tokens))
keep_until(bucket_key, bucket_expire)
redis.call('HINCRBY', KEYS[1], 'steps', 1)
if repeat_key then
  redis.call('ZADD', repeat_key, NOW_S, id)
  -- Only the newest occurrences are kept: a loop stuck on one request must not grow Redis without bound.
  if repeat_count + 1 > MAX_REPEATS_KEPT then
    redis.call('ZREMRANGEBYRANK', repeat_key, 0, -(MAX_REPEATS_KEPT + 1))
  end
  redis.call('PEXPIRE', repeat_key, int(window))
end
redis.call('HSET', KEYS[2], id, bucket .. '|' .. int(bucket_expire) .. '|' .. int(worst) .. '|' .. int(worst_tokens)
  .. '|' .. ARGV[18])
redis.call('ZADD', KEYS[3], ARGV[18], id)
return { 1, bucket, spent, reserved, limits.usd, repeat_count }
