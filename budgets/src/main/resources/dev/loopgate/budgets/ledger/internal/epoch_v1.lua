-- epoch_v1.lua: the marker that says this Redis still holds the ledger, and the lock of its rebuild.
--
-- KEYS[1] '<ns>:v1:{ledger}:epoch'    string: the ledger's epoch id, written when it was created or rebuilt
-- KEYS[2] '<ns>:v1:{ledger}:rebuild'  string: the owner of the rebuild under way (expires)
-- ARGV[1] operation: peek | check | commit | release   ARGV[2] owner
-- ARGV[3] the lock's time to live in ms (check) or the new epoch id (commit)
--
-- peek returns {'epoch', id} or {'missing'}. check returns {'epoch', id} when the marker is
-- there, else {'rebuild'} when the caller took the lock (or held it already: its rebuild may have
-- been cut off with its connection), else {'wait'} (another's rebuild is under way).
-- commit writes the marker and frees the lock if the caller still holds it: {'epoch', id}, else
-- {'lost'}. release frees the lock if the caller holds it: {'released'}.
local op, owner = ARGV[1], ARGV[2]
local epoch = redis.call('GET', KEYS[1])

if op == 'peek' then
  if epoch then
    return { 'epoch', epoch }
  end
  return { 'missing' }
elseif op == 'check' then
  if epoch then
    return { 'epoch', epoch }
  end
  local holder = redis.call('GET', KEYS[2])
  if not holder or holder == owner then
    redis.call('SET', KEYS[2], owner, 'PX', ARGV[3])
    return { 'rebuild' }
  end
  return { 'wait' }
elseif op == 'commit' then
  if redis.call('GET', KEYS[2]) ~= owner then
    return { 'lost' }
  end
  redis.call('SET', KEYS[1], ARGV[3])
  redis.call('DEL', KEYS[2])
  return { 'epoch', ARGV[3] }
elseif op == 'release' then
  if redis.call('GET', KEYS[2]) == owner then
    redis.call('DEL', KEYS[2])
  end
  return { 'released' }
end
return redis.error_reply('ERR loopgate ledger: unknown epoch operation ' .. op)
