-- Publishes one message to a channel's stream, atomically: the next offset, the history
-- entry, and the pub/sub message that carries them, so offset order is publish order.
-- KEYS: meta hash, history stream, pub/sub channel (all with the channel's hash tag)
-- ARGV: epoch to use if the stream needs a new one, event, frame, history size, TTL in ms, PUBLISH or SPUBLISH
--
-- The stream also remembers which node wrote it (its cluster node id, none outside a cluster)
-- and that node's replication id. Replication is asynchronous: a replica promoted after its
-- master failed may lack the master's last publications, and would hand their offsets out
-- again for other messages. A promoted replica keeps its old master's replication id as
-- master_replid2, so when that names the stream's writer, the stream starts over in a new
-- epoch: subscribers are told, none is misled. The same holds when the writing node itself has
-- another replication id now: it was restarted (a master takes a new one at start) and loaded
-- the stream from a snapshot or an AOF that may lack its last publications.
local info = redis.call('INFO', 'replication')
local replid = string.match(info, 'master_replid:(%w+)')
local node = ''   -- outside a cluster
if ARGV[6] == 'SPUBLISH' then   -- the cluster broker's (asking INFO cluster here cost 6 % of the script)
  node = redis.call('CLUSTER', 'MYID')
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local writer = redis.call('HGET', KEYS[1], 'replid')
if not epoch or writer == string.match(info, 'master_replid2:(%w+)')
    or (writer ~= replid and redis.call('HGET', KEYS[1], 'node') == node) then
  -- A new stream (never published, expired, flushed), this node was promoted from a replica
  -- of the node that wrote it (a failover), or restarted since it wrote it: a new epoch, no
  -- stale history.
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'replid', replid, 'node', node)
elseif writer ~= replid then
  -- Moved here with its slot (MIGRATE copies it whole): the stream goes on, written by this node now.
  redis.call('HSET', KEYS[1], 'replid', replid, 'node', node)
end
-- Offsets are written with %d: Lua 5.1 would print large numbers in exponent form.
local offset = string.format('%d', redis.call('HINCRBY', KEYS[1], 'offset', 1))
local ttl = tonumber(ARGV[5])
if tonumber(ARGV[4]) > 0 then
  local now = redis.call('TIME')
  local millis = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], offset .. '-0', 'e', ARGV[2], 'f', ARGV[3], 't', millis)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call(ARGV[6], KEYS[3], epoch .. '\n' .. offset .. '\n' .. #ARGV[2] .. '\n' .. ARGV[2] .. ARGV[3])
return tonumber(offset)
