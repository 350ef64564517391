// Socket.IO 4 as the benchmark's peer: what StreamRPC does in the scenarios, written as a
// Socket.IO user would, with the library's defaults. Nothing else is counted or logged.
//   echo       -> acknowledges with the payload                        (StreamRPC's `echo`)
//   subscribe  -> joins the room named by `channel`, then acknowledges  (`subscribe`)
//   publish    -> broadcasts `message` to the room, then acknowledges   (`publish`)
// A broadcast is encoded once by Socket.IO's in-memory adapter and the same frame written to
// every socket of the room.
//
//   node bench/socketio/server.js PORT   -> ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket
"use strict";

const { createServer } = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 3000);
const http = createServer();
const io = new Server(http);

io.on("connection", (socket) => {
  socket.on("echo", (payload, ack) => {
    if (typeof ack === "function") {
      ack(payload);
    }
  });
  socket.on("subscribe", (request, ack) => {
    const channel = request && request.channel;
    if (typeof channel === "string" && typeof ack === "function") {
      socket.join(channel);
      ack({ subscribed: channel });
    }
  });
  socket.on("publish", (request, ack) => {
    const channel = request && request.channel;
    if (typeof channel === "string" && typeof ack === "function") {
      io.to(channel).emit("message", { channel, data: request.data });
      ack();
    }
  });
});

http.listen(port, "127.0.0.1", () => {
  console.log(`Socket.IO ready at ws://127.0.0.1:${port}/socket.io/`);
});
