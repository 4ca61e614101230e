import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlackState } from './state.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelopeId: string;
  payload: Record<string, unknown> | undefined;
}

/** Socket Mode as Slack speaks it (reference/slack.md): hello, envelopes, acks, disconnect. */
export interface FakeSocketMode {
  /** Open connections. */
  readonly connections: number;
  readonly acks: readonly SocketAck[];
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Pushes an envelope to every open connection; returns its envelope id. */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options?: { acceptsResponsePayload?: boolean },
  ): string;
  /** The app's ack of an envelope (its payload is the response, e.g. an ephemeral message). */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Asks the clients to reconnect, as Slack does before recycling a connection. */
  disconnect(reason?: 'warning' | 'refresh_requested' | 'link_disabled'): void;
}

/** Slack pings about every 10 s; @slack/socket-mode reconnects when server pings stop for 30 s. */
const PING_INTERVAL_MS = 10_000;

export function createFakeSocketMode(state: FakeSlackState, appId: string) {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const acks: SocketAck[] = [];

  wss.on('connection', (socket) => {
    sockets.add(socket);
    const ping = setInterval(() => socket.ping(), PING_INTERVAL_MS);
    ping.unref();
    socket.on('message', (data) => {
      const ack = parseAck(String(data));
      if (ack) acks.push(ack);
      state.changed();
    });
    socket.on('close', () => {
      clearInterval(ping);
      sockets.delete(socket);
      state.changed();
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        connection_info: { app_id: appId },
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
      }),
    );
    state.changed();
  });

  const api: FakeSocketMode = {
    get connections() {
      return sockets.size;
    },
    acks,
    async waitForConnection(timeoutMs = 5000) {
      await state.waitFor(() => sockets.size > 0, timeoutMs, 'a Socket Mode connection');
    },
    send(type, payload, options = {}) {
      const envelopeId = randomUUID();
      const envelope = {
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
        retry_attempt: 0,
        retry_reason: '',
      };
      for (const socket of sockets) socket.send(JSON.stringify(envelope));
      return envelopeId;
    },
    waitForAck(envelopeId, timeoutMs = 5000) {
      return state.waitFor(
        () => acks.find((a) => a.envelopeId === envelopeId),
        timeoutMs,
        `the ack of ${envelopeId}`,
      );
    },
    disconnect(reason = 'refresh_requested') {
      for (const socket of sockets) socket.send(JSON.stringify({ type: 'disconnect', reason }));
    },
  };

  return {
    api,
    /** Hands an HTTP upgrade on `/socket` to the WebSocket server. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
    },
  };
}

function parseAck(text: string): SocketAck | undefined {
  try {
    const value = JSON.parse(text) as { envelope_id?: unknown; payload?: unknown };
    if (typeof value.envelope_id !== 'string') return undefined;
    const payload = typeof value.payload === 'object' && value.payload !== null ? value.payload : undefined;
    return { envelopeId: value.envelope_id, payload: payload as Record<string, unknown> | undefined };
  } catch {
    return undefined;
  }
}
