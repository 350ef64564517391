-- The state of one or more channels' streams, and the publications the first one holds after
-- an offset that are younger than the TTL. A stream with no epoch (never published, expired,
-- or flushed) gets one now, so that every server reports the same epoch for it until it is
-- lost again. Reading many streams in one call is how a subscribe storm reads their states:
-- one script (and one failover check) for a batch of new channels instead of one per channel.
-- KEYS: meta hash and history stream of each stream, in pairs
-- ARGV: offset after which to read, most entries (0: none), TTL in ms, PUBLISH or SPUBLISH (the
--       broker's publish command: SPUBLISH on a cluster), then for each stream the epoch to use
--       if it has none
-- Returns: epoch and offset of each stream, then offset, event and frame of each entry read.
-- The same failover and restart checks as the publish script's.
local info = redis.call('INFO', 'replication')
local replid = string.match(info, 'master_replid:(%w+)')
local replid2 = string.match(info, 'master_replid2:(%w+)')
local node = ''
if ARGV[4] == 'SPUBLISH' then
  node = redis.call('CLUSTER', 'MYID')
end
local result = {}
for stream = 1, #KEYS / 2 do
  local meta, history = KEYS[stream * 2 - 1], KEYS[stream * 2]
  local epoch = redis.call('HGET', meta, 'epoch')
  local writer = redis.call('HGET', meta, 'replid')
  if not epoch or writer == replid2 or (writer ~= replid and redis.call('HGET', meta, 'node') == node) then
    epoch = ARGV[4 + stream]
    redis.call('DEL', meta, history)
    redis.call('HSET', meta, 'epoch', epoch, 'replid', replid, 'node', node)
    redis.call('PEXPIRE', meta, ARGV[3])
  end
  table.insert(result, epoch)
  table.insert(result, redis.call('HGET', meta, 'offset') or '0')
end
local limit = tonumber(ARGV[2])
if limit > 0 then
  local now = redis.call('TIME')
  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[3])
  local entries = redis.call('XRANGE', KEYS[2], string.format('%d', tonumber(ARGV[1]) + 1) .. '-0', '+', 'COUNT', limit)
  for _, entry in ipairs(entries) do
    local fields = {}
    for i = 1, #entry[2], 2 do
      fields[entry[2][i]] = entry[2][i + 1]
    end
    if tonumber(fields['t']) >= oldest then
      table.insert(result, string.sub(entry[1], 1, -3))   -- the offset, from '<offset>-0'
      table.insert(result, fields['e'])
      table.insert(result, fields['f'])
    end
  end
end
return result
