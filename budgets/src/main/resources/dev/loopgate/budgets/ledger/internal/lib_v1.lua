-- lib_v1.lua: what every loop script shares; prepended to reserve_v1, settle_v1, charge_v1 and loop_v1.
--
-- All keys of one loop start with P = '<ns>:v1:loop:{<loopId>}:' and so share one hash slot
-- (Redis Cluster). A script declares only KEYS[1] (which routes it to the loop's slot) and, for
-- charge_v1, the bucket charged; lib names the rest from P, in this order:
--   KEYS[1] P..'state'    hash: state (ACTIVE|PAUSED), trip, first, last (latest reserve), steps,
--                               failures, gen, expired, override, period, overruns
--   KEYS[2] P..'res'      hash: reservation id -> 'bucket|bucketExpireAt|nanos|tokens|expiresAt'
--   KEYS[3] P..'resx'     zset: reservation id, scored by expiresAt
--   KEYS[4] P..'events'   list: newest first, at most 50: 'kind|breaker|at|by|reason'
--   KEYS[5] P..'rate'     hash: UTC second -> nano-USD settled in it, 'sum' of those kept, 'from' (settle_v1)
--   KEYS[6] P..'b:total'  KEYS[7] P..'b:d:<today>'  KEYS[8] P..'b:m:<this month>'
--                         hashes: spent, reserved (nano-USD), tokens, rtokens (reserved tokens)
-- and also reach two kinds of keys by name, in the same slot: the bucket of an older
-- reservation (P..'b:'..bucket), a request's repeats (P..'rep:'..gen..':'..hash, a zset of
-- reservation ids scored by time) and a settled reservation Redis had lost (P..'lost:'..id).
--
--   ARGV[1] P   ARGV[2] now (epoch ms)
--   ARGV[3] today's bucket name   ARGV[4] its expireAt    ARGV[5] this month's   ARGV[6] its expireAt
--   ARGV[7..11] the configured limits: usd, tokens, steps, wall clock (ms), period (TOTAL|DAY|MONTH)
--   Each script's own arguments start at ARGV[12].
--
-- Texts written here (trip reasons, events) are the same, letter for letter, as Texts.java.
-- Amounts stay below 2^53, where Lua numbers are exact integers; string.format('%d') writes them.
local P = ARGV[1]
local KEYS = { KEYS[1], P .. 'res', P .. 'resx', P .. 'events', P .. 'rate', P .. 'b:total', P .. 'b:' .. ARGV[3],
  P .. 'b:' .. ARGV[5], KEYS[2] }
local NOW_S = ARGV[2]
local NOW = tonumber(NOW_S)
-- BreakerSettings.MAX_REPEATS_KEPT: how many occurrences of one request are remembered.
local MAX_REPEATS_KEPT = 256

local function int(n)
  return string.format('%d', n)
end

local function num(v)
  return tonumber(v) or 0
end

-- Money.format: whole USD and the nano-dollars without trailing zeros, e.g. 0.00042
local function usd(n)
  local frac = math.fmod(n, 1e9)
  local s = int((n - frac) / 1e9)
  if frac > 0 then
    s = s .. '.' .. (string.gsub(string.format('%09d', frac), '0+$', ''))
  end
  return s
end

-- Keeps a bucket until expire_at (epoch ms by the gateway's clock; 0 = for ever). The TTL is
-- set relative to now, so Redis's own clock and the gateway's may differ.
local function keep_until(key, expire_at)
  if expire_at > 0 then
    redis.call('PEXPIRE', key, int(math.max(expire_at - NOW, 1)))
  end
end

local function describe(bucket)
  if bucket == 'total' then
    return ''
  end
  return ' for ' .. string.sub(bucket, 3)
end

-- The admin override ('usd|tokens|steps|wall|PERIOD') if set, else the configured limits.
local function limits_of(override)
  if override then
    local u, t, s, w, p = string.match(override, '^(%d+)|(%d+)|(%d+)|(%d+)|(%u+)$')
    return { usd = tonumber(u), tokens = tonumber(t), steps = tonumber(s), wall = tonumber(w), period = p }
  end
  return { usd = num(ARGV[7]), tokens = num(ARGV[8]), steps = num(ARGV[9]), wall = num(ARGV[10]), period = ARGV[11] }
end

-- The current bucket of a period: key, name, expireAt (0 = never).
local function current_bucket(period)
  if period == 'DAY' then
    return KEYS[7], ARGV[3], tonumber(ARGV[4])
  elseif period == 'MONTH' then
    return KEYS[8], ARGV[5], tonumber(ARGV[6])
  end
  return KEYS[6], 'total', 0
end

local function push_event(kind, breaker, by, reason)
  redis.call('LPUSH', KEYS[4], kind .. '|' .. breaker .. '|' .. NOW_S .. '|' .. by .. '|' .. reason)
  redis.call('LTRIM', KEYS[4], 0, 49)
end

-- Pauses the loop; returns the trip as 'BREAKER|at|reason'.
local function trip(breaker, reason)
  local encoded = breaker .. '|' .. NOW_S .. '|' .. reason
  redis.call('HSET', KEYS[1], 'state', 'PAUSED', 'trip', encoded)
  push_event('trip', breaker, 'loopgate', reason)
  return encoded
end

local function parse_reservation(record)
  local bucket, bucket_expire, nanos, tokens = string.match(record, '^([^|]+)|(%d+)|(%d+)|(%d+)|')
  return bucket, tonumber(bucket_expire), tonumber(nanos), tonumber(tokens)
end

-- Releases what a reservation held in its bucket and charges what it cost: one read and one
-- write of the bucket (its expiry is set when it is created). Returns the bucket's key, spent
-- and tokens after.
local function charge(bucket, bucket_expire, held_nanos, held_tokens, nanos, tokens)
  local key = P .. 'b:' .. bucket
  local b = redis.call('HMGET', key, 'spent', 'reserved', 'tokens', 'rtokens')
  local spent, used = num(b[1]) + nanos, num(b[3]) + tokens
  redis.call('HSET', key, 'spent', int(spent), 'reserved', int(math.max(0, num(b[2]) - held_nanos)),
    'tokens', int(used), 'rtokens', int(math.max(0, num(b[4]) - held_tokens)))
  if not b[1] and not b[2] then
    keep_until(key, bucket_expire)
  end
  return key, spent, used
end

-- Charges every reservation whose expiresAt <= now at its reserved amount; returns how many.
local function expire_overdue()
  local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', NOW_S)
  if #ids == 0 then
    return 0
  end
  local count, charged = 0, 0
  for _, id in ipairs(ids) do
    local record = redis.call('HGET', KEYS[2], id)
    if record then
      local bucket, bucket_expire, nanos, tokens = parse_reservation(record)
      charge(bucket, bucket_expire, nanos, tokens, nanos, tokens)
      redis.call('HDEL', KEYS[2], id)
      count = count + 1
      charged = charged + nanos
    end
    redis.call('ZREM', KEYS[3], id)
  end
  if count > 0 then
    redis.call('HINCRBY', KEYS[1], 'expired', count)
    push_event('expire', '', 'loopgate', 'charged $' .. usd(charged) .. ' for ' .. count .. ' reservation(s) never settled')
  end
  return count
end

-- This request's repeats key and how many earlier occurrences are inside the sliding window
-- (now - t < window); nil, 0 when the request has no hash.
local function repeats(gen, hash, window)
  if hash == '' then
    return nil, 0
  end
  local key = P .. 'rep:' .. (gen or '0') .. ':' .. hash
  redis.call('ZREMRANGEBYSCORE', key, '-inf', int(NOW - window))
  return key, redis.call('ZCARD', key)
end

-- The spend in the current bucket of the limits' period and, when its USD (else its tokens)
-- reached the limit, the HARD_BUDGET reason; else nil. known: {key, spent, tokens} of a bucket just
-- charged, read again only when it is another.
local function hard_budget(limits, current_key, current, known)
  local spent, used
  if known and known[1] == current_key then
    spent, used = known[2], known[3]
  else
    local c = redis.call('HMGET', current_key, 'spent', 'tokens')
    spent, used = num(c[1]), num(c[2])
  end
  if limits.usd > 0 and spent >= limits.usd then
    return spent, 'spent $' .. usd(spent) .. ' of the $' .. usd(limits.usd) .. ' budget' .. describe(current)
  elseif limits.tokens > 0 and used >= limits.tokens then
    return spent, 'used ' .. int(used) .. ' of the ' .. int(limits.tokens) .. ' token budget' .. describe(current)
  end
  return spent, nil
end
