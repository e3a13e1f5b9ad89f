-- key_v1.lua: one key's daily USD cap, across all the loops it acts for.
--
-- KEYS[1] '<ns>:v1:key:{<keyName>}:d:<yyyy-MM-dd>'   hash: spent, reserved (nano-USD)
-- ARGV[1] operation: reserve | release | settle
-- ARGV[2] amount: the worst case (reserve, release) or the reserved amount (settle)
-- ARGV[3] the cap (reserve) or the actual cost (settle)
-- ARGV[4] how long to keep the day's key from now (ms)
--
-- Returns {1 if done else 0 (reserve: it does not fit), spent + reserved before}.
-- A reservation that expires unsettled is never settled here: it keeps counting as reserved,
-- which is what the loop was charged (its reserved amount).
local op, amount = ARGV[1], tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent, reserved = tonumber(b[1]) or 0, tonumber(b[2]) or 0

if op == 'reserve' then
  if spent + reserved + amount > tonumber(ARGV[3]) then
    return { 0, spent + reserved }
  end
  redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
elseif op == 'release' or op == 'settle' then
  if b[2] == false then
    return { 1, spent + reserved }
  end
  if redis.call('HINCRBY', KEYS[1], 'reserved', string.format('%d', -amount)) < 0 then
    redis.call('HSET', KEYS[1], 'reserved', 0)
  end
  if op == 'settle' then
    redis.call('HINCRBY', KEYS[1], 'spent', ARGV[3])
  end
else
  return redis.error_reply('ERR loopgate ledger: unknown key operation ' .. op)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { 1, spent + reserved }
