-- The keys made through the admin API, every change one atomic step that also announces it.
-- KEYS[1]: hash id -> key JSON; KEYS[2]: hash name -> id (names are unique); KEYS[3]: change counter.
-- ARGV[1]: create | replace | remove; ARGV[2]: the key's id; ARGV[3]: its JSON (create, replace);
-- ARGV[4]: the channel the new counter is published on.
-- Returns {1, counter} when something changed, {0} when not (name taken, no such key).
local op, id = ARGV[1], ARGV[2]
if op == 'create' then
  local name = cjson.decode(ARGV[3]).name
  if redis.call('HSETNX', KEYS[2], name, id) == 0 then
    return {0}
  end
  redis.call('HSET', KEYS[1], id, ARGV[3])
elseif op == 'replace' then
  if redis.call('HEXISTS', KEYS[1], id) == 0 then
    return {0}
  end
  redis.call('HSET', KEYS[1], id, ARGV[3])
else
  local stored = redis.call('HGET', KEYS[1], id)
  if not stored then
    return {0}
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], cjson.decode(stored).name)
end
local counter = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[4], counter)
return {1, counter}
