-- Stores the owner's answer and ends its claim, only if the lock still holds the owner's token.
-- KEYS[1] answer, KEYS[2] lock (same hash tag)
-- ARGV[1] token, ARGV[2] answer bytes, ARGV[3] answer TTL in ms, ARGV[4] ended channel, ARGV[5] scope hash
-- Returns 1 if stored, 0 if the token does not own the slot (nothing changed).
local lock = redis.call('GET', KEYS[2])
if not lock then
  return 0
end
local space = string.find(lock, ' ', 1, true)
if not space or string.sub(lock, 1, space - 1) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], string.sub(lock, space + 1) .. '\n' .. ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
