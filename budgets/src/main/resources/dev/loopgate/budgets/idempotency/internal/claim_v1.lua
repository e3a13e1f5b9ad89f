-- Claims an idempotency slot, or reports what holds it. Atomic.
-- KEYS[1] answer, KEYS[2] lock (same hash tag)
-- ARGV[1] lock value "<token> <body hash>", ARGV[2] lease in ms
-- Returns {'answer', <body hash>\n<answer bytes>} | {'first'} | {'running', <lock value>}
local answer = redis.call('GET', KEYS[1])
if answer then
  return {'answer', answer}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {'first'}
end
return {'running', redis.call('GET', KEYS[2])}
