-- put_v1.lua: keeps one response for previous_response_id, replacing what was there, with its
-- expiry set in the same step (a response is never kept for ever).
--
-- KEYS[1] '<ns>:v1:resp:{<id>}'   hash: owner, loop, conversation, response
-- ARGV[1] time to live (ms)   ARGV[2] owner   ARGV[3] loop   ARGV[4] conversation   ARGV[5] response
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'loop', ARGV[3], 'conversation', ARGV[4], 'response', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.status_reply('OK')
