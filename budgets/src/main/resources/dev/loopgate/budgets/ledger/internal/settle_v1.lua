-- settle_v1.lua (after lib_v1.lua): charges a call's actual cost in place of its reservation,
-- once, then applies the breakers that look at outcomes.
--
-- KEYS[9] the reservation's bucket (P..'b:'..bucket; declared, the stored record names it too)
-- ARGV[12] reservation id   ARGV[13] actual nano-USD   ARGV[14] actual tokens
-- ARGV[15] '1' when the call failed upstream   ARGV[16] USD per minute limit (0 = off)
-- ARGV[17] consecutive failures limit (0 = off)
-- ARGV[18] ARGV[19] the reservation's bucket and its expireAt when it was made before Redis lost
-- the ledger (another epoch), else ''   ARGV[20] how long to remember it was settled (ms)
--
-- Returns {1 if it charged the reservation else 0, spent in the current period, trip or false}.
local id, actual, actual_tokens = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local failed, per_minute, consecutive = ARGV[15] == '1', tonumber(ARGV[16]), tonumber(ARGV[17])

expire_overdue()

local st = redis.call('HMGET', KEYS[1], 'state', 'override', 'failures')
local limits = limits_of(st[2])
local current_key, current = current_bucket(limits.period)
local record = redis.call('HGET', KEYS[2], id)
local lost = false
if not record and ARGV[18] ~= '' and redis.call('SET', P .. 'lost:' .. id, '1', 'NX', 'PX', ARGV[20]) then
  -- Reserved before Redis lost the ledger: it holds nothing here and its cost is not in the
  -- history the ledger was rebuilt from, so it is charged its actual cost, once.
  record = ARGV[18] .. '|' .. ARGV[19] .. '|0|0|0'
  lost = true
end
if not record then
  return { 0, num(redis.call('HGET', current_key, 'spent')), false }
end
redis.call('HDEL', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
local bucket, bucket_expire, nanos, tokens = parse_reservation(record)
local charged = { charge(bucket, bucket_expire, nanos, tokens, actual, actual_tokens) }
if actual > nanos and not lost then
  -- the provider billed past the worst case held: charged in full, and counted in the loop's status
  redis.call('HINCRBY', KEYS[1], 'overruns', 1)
end

local paused = st[1] == 'PAUSED'
local tripped = false
local function trip_unless_paused(breaker, reason)
  if not paused and not tripped then
    tripped = trip(breaker, reason)
  end
end

if per_minute > 0 then
  -- KEYS[5]: nano-USD settled per UTC second, 'sum' of the seconds kept and 'from', the oldest
  -- second that may still be kept. Seconds that left the window are dropped once each, so a
  -- settle reads a few fields rather than the whole minute.
  local second = math.floor(NOW / 1000)
  local keep_from = second - 59
  local r = redis.call('HMGET', KEYS[5], 'sum', 'from')
  local sum, from = num(r[1]), tonumber(r[2])
  if not from or keep_from - from >= 60 then
    -- nothing kept is in the window (or it was written before 'sum' was kept)
    redis.call('DEL', KEYS[5])
    sum = 0
  elseif from < keep_from then
    local gone = {}
    for s = from, keep_from - 1 do
      gone[#gone + 1] = int(s)
    end
    for _, v in ipairs(redis.call('HMGET', KEYS[5], unpack(gone))) do
      sum = sum - num(v)
    end
    redis.call('HDEL', KEYS[5], unpack(gone))
  end
  if actual > 0 then
    redis.call('HINCRBY', KEYS[5], int(second), int(actual))
    sum = sum + actual
  end
  redis.call('HSET', KEYS[5], 'sum', int(sum), 'from', int(math.max(keep_from, from or keep_from)))
  redis.call('PEXPIRE', KEYS[5], 60000)
  if sum > per_minute then
    trip_unless_paused('SPEND_RATE', '$' .. usd(sum) .. ' settled in the last 60 s, over the limit of $'
      .. usd(per_minute) .. ' per minute')
  end
end

if failed then
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if consecutive > 0 and failures >= consecutive then
    trip_unless_paused('UPSTREAM_FAILURES', int(failures) .. ' consecutive upstream failures (limit '
      .. int(consecutive) .. ')')
  end
elseif num(st[3]) ~= 0 then
  redis.call('HSET', KEYS[1], 'failures', 0)
end

local spent, reason = hard_budget(limits, current_key, current, charged)
if reason then
  trip_unless_paused('HARD_BUDGET', reason)
end
return { 1, spent, tripped }
