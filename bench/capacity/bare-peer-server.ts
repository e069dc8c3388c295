import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ExpressPeerServer } from 'peer';

/**
 * The capacity baseline: a bare `peer` PeerServer in a process of its own, mounted at /peerjs like the
 * broker's, with no door (any id and token), no API, no events and no database. It tells its port to the
 * parent over IPC, and stops when the parent disconnects.
 */
const app = express();
const server = createServer(app);
app.use('/peerjs', ExpressPeerServer(server, { path: '/', key: 'peerjs', allow_discovery: false, concurrent_limit: 10_000_000 }));
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
