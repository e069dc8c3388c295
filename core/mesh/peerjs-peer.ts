// PeerJS's `Peer` alone: the transport imports this module dynamically, and a named re-export lets the
// bundler drop the rest of PeerJS (MsgPackPeer and its msgpack codec) from the lazily loaded chunk.
export { Peer } from 'peerjs';
