-- Token buckets of one owner (a loop or a key), taken from all or nothing in one step.
-- KEYS: the buckets, all in one hash slot.
-- ARGV[1]: now (ms); ARGV[2]: "take" or "give"; ARGV[3]: grace (ms) a full bucket's key is kept;
-- then for bucket i: ARGV[2i+2] its capacity, ARGV[2i+3] the amount.
-- A bucket holds `capacity`, starts full and refills `capacity` per minute continuously.
-- State: a hash {t = tokens held (may be fractional), at = ms of the last change}; the key expires
-- once the bucket would be full again, plus the grace, so idle owners leave nothing behind.
-- take: {0} when every bucket gave its amount, else {i, ms until bucket i could} and nothing taken.
-- give: adds the amounts back (a taken share returned when another owner refused), {0}.
local now = tonumber(ARGV[1])
local give = ARGV[2] == 'give'
local grace = tonumber(ARGV[3])
local held, last = {}, {}

for i = 1, #KEYS do
  local capacity, amount = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  local state = redis.call('HMGET', KEYS[i], 't', 'at')
  local tokens, at = capacity, now
  if state[1] then
    at = math.max(now, tonumber(state[2]))
    tokens = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * capacity / 60000)
  end
  if not give and tokens < amount then
    return {i, math.max(1, math.ceil((amount - tokens) * 60000 / capacity))}
  end
  held[i], last[i] = tokens, at
end

for i = 1, #KEYS do
  local capacity, amount = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  local left = give and math.min(capacity, held[i] + amount) or held[i] - amount
  redis.call('HSET', KEYS[i], 't', left, 'at', last[i])
  redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - left) * 60000 / capacity) + grace)
end
return {0}
