-- put_v1.lua: keeps one response for previous_response_id, replacing what was there, with its
-- expiry set in the same step (a response is never kept for ever).
--
-- KEYS[1] '<ns>:v1:resp:{<id>}'   hash: owner, loop, conversation, response, run (absent: none)
-- ARGV[1] time to live (ms)   ARGV[2] owner   ARGV[3] loop   ARGV[4] conversation   ARGV[5] response
-- ARGV[6] run ('' = none)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'loop', ARGV[3], 'conversation', ARGV[4], 'response', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'run', ARGV[6])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.status_reply('OK')
