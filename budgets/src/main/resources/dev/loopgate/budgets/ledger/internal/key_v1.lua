-- key_v1.lua: one key's daily USD cap, across all the loops it acts for. It runs beside the loop's
-- own script (another hash slot, sent at the same time), so it keeps what it holds per reservation:
-- a release or settle of a reservation it does not hold (never held, or already done) does nothing.
--
-- KEYS[1] '<ns>:v1:key:{<keyName>}:d:<yyyy-MM-dd>'   hash: spent, reserved (nano-USD), and
--         'h:<reservation id>' -> nano-USD held for it
-- ARGV[1] operation: reserve | release | settle   ARGV[2] the reservation id
-- reserve: ARGV[3] the worst case   ARGV[4] the cap   ARGV[5] how long to keep a new day's key (ms)
-- settle:  ARGV[3] the actual cost   ARGV[4] the reservation's expiresAt   ARGV[5] now (epoch ms)
--
-- Returns {1 if done else 0 (reserve: it does not fit), spent + reserved before}.
-- A reservation that expired unsettled keeps counting as held until its day ends; settled after
-- its expiry it is charged what it held, as the loop charged it.
local op, field = ARGV[1], 'h:' .. ARGV[2]

if op == 'reserve' then
  local b = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
  local spent, reserved = tonumber(b[1]) or 0, tonumber(b[2]) or 0
  local amount = tonumber(ARGV[3])
  if spent + reserved + amount > tonumber(ARGV[4]) then
    return { 0, spent + reserved }
  end
  redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[3])
  redis.call('HSET', KEYS[1], field, ARGV[3])
  if not b[1] and not b[2] then
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
  end
  return { 1, spent + reserved }
elseif op ~= 'release' and op ~= 'settle' then
  return redis.error_reply('ERR loopgate ledger: unknown key operation ' .. op)
end

local held = tonumber(redis.call('HGET', KEYS[1], field))
if not held then
  return { 1, 0 }
end
redis.call('HDEL', KEYS[1], field)
if redis.call('HINCRBY', KEYS[1], 'reserved', string.format('%d', -held)) < 0 then
  redis.call('HSET', KEYS[1], 'reserved', 0)
end
if op == 'settle' then
  local charged = ARGV[3]
  if tonumber(ARGV[5]) >= tonumber(ARGV[4]) then
    charged = string.format('%d', held)
  end
  redis.call('HINCRBY', KEYS[1], 'spent', charged)
end
return { 1, 0 }
