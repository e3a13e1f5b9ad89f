-- Extends a running claim's lease, only if the lock still holds the owner's token.
-- KEYS[1] answer (unused, declared for the cluster slot), KEYS[2] lock
-- ARGV[1] token, ARGV[2] lease in ms
-- Returns 1 if extended, 0 if the token does not own the slot (nothing changed).
local lock = redis.call('GET', KEYS[2])
if not lock then
  return 0
end
local space = string.find(lock, ' ', 1, true)
if not space or string.sub(lock, 1, space - 1) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
