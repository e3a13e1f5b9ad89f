-- publish_v1.lua: stores a new routing-rules version and makes it current, in one step.
--
-- KEYS[1]  {ns}:v1:rules:versions  hash: version number -> JSON of the whole version
-- KEYS[2]  {ns}:v1:rules:current   the current version number
-- KEYS[3]  {ns}:v1:rules:seq       the highest version number ever given out
-- ARGV[1]  mode: "always", or "if_empty" to publish only when no version exists yet
-- ARGV[2]  author    ARGV[3] createdAt (ISO-8601)    ARGV[4] comment    ARGV[5] document
-- ARGV[6]  the change channel ({ns}:v1:rules:changed); the message is the version number
--
-- Returns {1, json} when it published a version, {0, json of the current version} when
-- mode is "if_empty" and a version already exists. Versions are never overwritten.
local current = redis.call('GET', KEYS[2])

if ARGV[1] == 'if_empty' and current then
  local existing = redis.call('HGET', KEYS[1], current)
  if not existing then
    return redis.error_reply('ERR loopgate rules: current version ' .. current .. ' is missing from ' .. KEYS[1])
  end
  return {0, existing}
end

local version = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), tonumber(current or '0')) + 1
if redis.call('HEXISTS', KEYS[1], version) == 1 then
  return redis.error_reply('ERR loopgate rules: version ' .. version .. ' already exists in ' .. KEYS[1])
end

local json = cjson.encode({
  version = version,
  author = ARGV[2],
  createdAt = ARGV[3],
  comment = ARGV[4],
  document = ARGV[5]
})
redis.call('HSET', KEYS[1], version, json)
redis.call('SET', KEYS[3], version)
redis.call('SET', KEYS[2], version)
redis.call('PUBLISH', ARGV[6], version)
return {1, json}
