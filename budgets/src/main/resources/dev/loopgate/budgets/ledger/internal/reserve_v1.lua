-- reserve_v1.lua (after lib_v1.lua): holds a call's worst case in its loop's budget, or refuses.
--
-- ARGV[12] reservation id
-- ARGV[13] ARGV[14] the worst case nano-USD and tokens, one per cell, comma-separated (ReserveChoices;
--   a nano-USD of -1 declines the cell)
-- ARGV[15] same-request limit (0 = off)   ARGV[16] repeat window (ms)   ARGV[17] request hash ('' = none)
-- ARGV[18] the reservation's expiresAt
-- ARGV[19] ARGV[20] the cells' cuts over budget used and over the repeat count, comma-separated ('' = none)
--
-- Returns {1, bucket, spent, reserved, usd limit, repeat count, cell, steps, step cap, first call, previous
-- call or 0, wall clock cap} when it held the cell's worst case (spent, reserved and steps as before this call), {2, cell, spent, reserved, usd limit, repeat count} when
-- the facts fell in a declined cell (nothing held, no step), or
-- {0, reason, trip or false, 'usd'|'tokens'|'', limit, spent, reserved, bucket} when it refused.
local id, same_limit, window, hash = ARGV[12], tonumber(ARGV[15]), tonumber(ARGV[16]), ARGV[17]

expire_overdue()

local st = redis.call('HMGET', KEYS[1], 'state', 'trip', 'first', 'steps', 'gen', 'override', 'period', 'last')
if st[1] == 'PAUSED' then
  return { 0, 'LOOP_PAUSED', st[2], '', 0, 0, 0, '' }
end
local function refuse_tripping(breaker, reason)
  return { 0, 'LOOP_PAUSED', trip(breaker, reason), '', 0, 0, 0, '' }
end

local limits = limits_of(st[6])
local repeat_key, repeat_count = repeats(st[5], hash, window)
local bucket_key, bucket, bucket_expire = current_bucket(limits.period)
local b = redis.call('HMGET', bucket_key, 'spent', 'reserved', 'tokens', 'rtokens')
local spent, reserved, tokens, reserved_tokens = num(b[1]), num(b[2]), num(b[3]), num(b[4])

-- the cell of the loop's facts (ReserveChoices.cellOf), and its worst case
local function cuts_below(list, value)
  local n = 0
  for cut in string.gmatch(list, '[^,]+') do
    if value >= tonumber(cut) then
      n = n + 1
    end
  end
  return n
end
local cell, worst, worst_tokens = 0, tonumber(ARGV[13]), tonumber(ARGV[14])
if worst == nil then
  local used = 0
  if limits.usd > 0 then
    used = (spent + reserved) / limits.usd
  end
  local repeat_cells = 1
  for _ in string.gmatch(ARGV[20], '[^,]+') do
    repeat_cells = repeat_cells + 1
  end
  cell = cuts_below(ARGV[19], used) * repeat_cells + cuts_below(ARGV[20], repeat_count)
  local i = 0
  for n in string.gmatch(ARGV[13], '[^,]+') do
    if i == cell then worst = tonumber(n) end
    i = i + 1
  end
  i = 0
  for n in string.gmatch(ARGV[14], '[^,]+') do
    if i == cell then worst_tokens = tonumber(n) end
    i = i + 1
  end
end
if worst < 0 then
  return { 2, cell, spent, reserved, limits.usd, repeat_count }
end

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
if repeat_key and same_limit > 0 and repeat_count + 1 >= same_limit then
  return refuse_tripping('NO_PROGRESS', 'same request sent ' .. int(repeat_count + 1) .. ' times within '
    .. int(window) .. ' ms (limit ' .. int(same_limit) .. ')')
end

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
redis.call('HSET', bucket_key, 'reserved', int(reserved + worst), 'rtokens', int(reserved_tokens + worst_tokens))
if not b[2] then
  -- a new bucket: its expiry is set once
  keep_until(bucket_key, bucket_expire)
end
redis.call('HINCRBY', KEYS[1], 'steps', 1)
local previous = num(st[8])
if NOW > previous then
  redis.call('HSET', KEYS[1], 'last', NOW_S)
end
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
return { 1, bucket, spent, reserved, limits.usd, repeat_count, cell, steps, limits.steps, first, previous, limits.wall }
