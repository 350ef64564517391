-- Publishes one message to a channel's stream, atomically: the next offset, the history
-- entry, and the pub/sub message that carries them, so offset order is publish order.
-- KEYS: meta hash, history stream, pub/sub channel (all with the channel's hash tag)
-- ARGV: epoch to use if the stream has none, event, frame, history size, TTL in ms, PUBLISH or SPUBLISH
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  -- A new stream (never published, expired, or flushed): a new epoch, and no stale history.
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('DEL', KEYS[2])
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
