-- A channel's stream state, and the publications it holds after an offset that are younger
-- than the TTL. A stream with no epoch (never published, expired, or flushed) gets one now,
-- so that every server reports the same epoch for it until it is lost again.
-- KEYS: meta hash, history stream
-- ARGV: epoch to use if the stream has none, offset after which to read, most entries (0: none), TTL in ms
-- The same failover check as the publish script's.
local info = redis.call('INFO', 'replication')
local replid = string.match(info, 'master_replid:(%w+)')
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local writer = redis.call('HGET', KEYS[1], 'replid')
if not epoch or writer == string.match(info, 'master_replid2:(%w+)') then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'replid', replid)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
local offset = redis.call('HGET', KEYS[1], 'offset') or '0'
local result = {epoch, offset}
local limit = tonumber(ARGV[3])
if limit > 0 then
  local now = redis.call('TIME')
  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[4])
  local entries = redis.call('XRANGE', KEYS[2], string.format('%d', tonumber(ARGV[2]) + 1) .. '-0', '+', 'COUNT', limit)
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
