-- The token buckets of one owner (a loop or a key), taken from all or nothing in one step.
-- KEYS: the buckets, all in one hash slot. Each is a string '<tokens held>:<ms of the last change>'
-- (tokens may be fractional), read with one MGET and written with SET ... PX, which also sets
-- when it expires: once the bucket would be full again, plus the grace.
-- ARGV[1]: now (ms); ARGV[2]: "take" or "give"; ARGV[3]: grace (ms) a full bucket's key is kept;
-- then for bucket i: ARGV[2i+2] its capacity, ARGV[2i+3] the amount.
-- A bucket holds `capacity`, starts full and refills `capacity` per minute continuously.
-- take: {0} when every bucket gave its amount, else {i, ms until bucket i could} and nothing taken.
-- give: adds the amounts back (a taken share returned when another owner refused), {0}.
local now = tonumber(ARGV[1])
local give = ARGV[2] == 'give'
local grace = tonumber(ARGV[3])
local states = redis.call('MGET', unpack(KEYS))
local held, last = {}, {}

for i = 1, #KEYS do
  local capacity, amount = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  local tokens, at = capacity, now
  if states[i] then
    local stored, stored_at = string.match(states[i], '^([^:]+):(%d+)$')
    stored, stored_at = tonumber(stored), tonumber(stored_at)
    at = math.max(now, stored_at)
    tokens = math.min(capacity, stored + math.max(0, now - stored_at) * capacity / 60000)
  end
  if not give and tokens < amount then
    return {i, math.max(1, math.ceil((amount - tokens) * 60000 / capacity))}
  end
  held[i], last[i] = tokens, at
end

for i = 1, #KEYS do
  local capacity, amount = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  local left = give and math.min(capacity, held[i] + amount) or held[i] - amount
  redis.call('SET', KEYS[i], string.format('%.17g:%d', left, last[i]), 'PX',
    math.ceil((capacity - left) * 60000 / capacity) + grace)
end
return {0}
