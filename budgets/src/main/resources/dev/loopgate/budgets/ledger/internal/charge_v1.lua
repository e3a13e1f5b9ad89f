-- charge_v1.lua (after lib_v1.lua): adds spend settled elsewhere (by a gateway that served
-- from its local slice while Redis was down) to one bucket of the loop, then applies the hard
-- budget breaker. Holds and releases nothing; not idempotent: every run adds.
--
-- KEYS[9] the bucket charged (P..'b:'..ARGV[12]; declared as the script's second key)
-- ARGV[12] bucket name   ARGV[13] its expireAt (0 = never)   ARGV[14] nano-USD   ARGV[15] tokens
--
-- Returns {1, spent in the current period, trip or false}, as settle_v1.
local bucket_expire, nanos, tokens = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15])

expire_overdue()

redis.call('HINCRBY', KEYS[9], 'spent', int(nanos))
redis.call('HINCRBY', KEYS[9], 'tokens', int(tokens))
keep_until(KEYS[9], bucket_expire)

local st = redis.call('HMGET', KEYS[1], 'state', 'override')
local limits = limits_of(st[2])
redis.call('HSET', KEYS[1], 'period', limits.period)
local current_key, current = current_bucket(limits.period)
local spent, reason = hard_budget(limits, current_key, current)
local tripped = false
if reason and st[1] ~= 'PAUSED' then
  tripped = trip('HARD_BUDGET', reason)
end
return { 1, spent, tripped }
