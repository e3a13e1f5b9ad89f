-- approval_v1.lua: answers held for a human's approval (ApprovalStore). Every key carries the hash
-- tag {approvals}: approvals are human-paced and rare, and one slot keeps each operation one atomic
-- script on a Cluster.
--
-- '<ns>:v1:{approvals}:a:<id>'   hash: loop, run (absent for none), req (request hash), calls (how
--   many), tool:<i>, args:<i> (1-based), answer, ctype, state (PENDING|APPROVED|REJECTED|DELIVERED),
--   reason, by, created, decided (ms)
-- '<ns>:v1:{approvals}:all'      sorted set: approval id by when it was held (ms)
-- '<ns>:v1:{approvals}:req:<loop>:<request hash>'   string: the latest approval held for that request
--
-- ARGV[1] hold | decide | claim   ARGV[2] now (ms)   ARGV[3] how long an approval is kept after its latest change (ms)
-- hold:   KEYS[1] the approval, KEYS[2] all, KEYS[3] its request; ARGV[4..] the approval's field/value pairs
-- decide: KEYS[1] the approval; ARGV[4] APPROVED|REJECTED, ARGV[5] reason, ARGV[6] by
-- claim:  KEYS[1] the approval
--
-- hold returns 1; decide {1, fields} when it decided, {2, fields} when decided before, {0} when
-- unknown; claim {1, fields} when it handed the answer out, {0} otherwise. fields: HGETALL's.
local op, NOW, keep = ARGV[1], ARGV[2], ARGV[3]
local MAX_LISTED = 1000

if op == 'hold' then
  local fields = {}
  for i = 4, #ARGV do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('SET', KEYS[3], string.match(KEYS[1], ':a:(.+)$'), 'PX', keep)
  redis.call('ZADD', KEYS[2], NOW, string.match(KEYS[1], ':a:(.+)$'))
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', tonumber(NOW) - tonumber(keep)))
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(MAX_LISTED + 1))
  redis.call('PEXPIRE', KEYS[2], keep)
  return 1
end

local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return { 0 }
end

if op == 'decide' then
  if state ~= 'PENDING' then
    return { 2, redis.call('HGETALL', KEYS[1]) }
  end
  redis.call('HSET', KEYS[1], 'state', ARGV[4], 'reason', ARGV[5], 'by', ARGV[6], 'decided', NOW)
  redis.call('PEXPIRE', KEYS[1], keep)
  return { 1, redis.call('HGETALL', KEYS[1]) }
end

if op == 'claim' then
  if state ~= 'APPROVED' then
    return { 0 }
  end
  redis.call('HSET', KEYS[1], 'state', 'DELIVERED')
  redis.call('PEXPIRE', KEYS[1], keep)
  return { 1, redis.call('HGETALL', KEYS[1]) }
end

return redis.error_reply('ERR loopgate approvals: unknown operation ' .. op)
