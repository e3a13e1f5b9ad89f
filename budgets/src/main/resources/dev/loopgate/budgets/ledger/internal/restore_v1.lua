-- restore_v1.lua (after lib_v1.lua): writes one loop back from its history after Redis lost the
-- ledger. Values are set, not added, so a rebuild run again writes the same.
--
-- ARGV[12] ARGV[13] spent (nano-USD) and tokens over its life   ARGV[14] ARGV[15] today's
-- ARGV[16] ARGV[17] this month's   ARGV[18] steps   ARGV[19] first call (epoch ms, 0 = none)
-- ARGV[20] the trip it is paused by, 'BREAKER|at|reason' ('' = active)
-- ARGV[21] the admin override ('' = none)   ARGV[22] the reason recorded in its history
--
-- Returns {1}.
local function restore(key, spent, tokens, expire_at)
  redis.call('HSET', key, 'spent', spent, 'tokens', tokens)
  keep_until(key, expire_at)
end

restore(KEYS[6], ARGV[12], ARGV[13], 0)
restore(KEYS[7], ARGV[14], ARGV[15], tonumber(ARGV[4]))
restore(KEYS[8], ARGV[16], ARGV[17], tonumber(ARGV[6]))
redis.call('HSET', KEYS[1], 'steps', ARGV[18])
if ARGV[19] ~= '0' then
  redis.call('HSET', KEYS[1], 'first', ARGV[19])
end
if ARGV[20] ~= '' then
  redis.call('HSET', KEYS[1], 'state', 'PAUSED', 'trip', ARGV[20])
end
if ARGV[21] ~= '' then
  redis.call('HSET', KEYS[1], 'override', ARGV[21])
end
push_event('restore', '', 'loopgate', ARGV[22])
return { 1 }
