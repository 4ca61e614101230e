/**
 * What the simulated platform's tools answer beyond the objects: database sessions, consumer groups,
 * the network between brokers. Healthy by default; a scenario (`scenario.ts`) makes it show problems.
 */
export interface SimSession {
  pid: number;
  state: 'active' | 'idle' | 'idle in transaction';
  /** Seconds since its transaction (or query) started. */
  ageSeconds: number;
  query: string;
}

export interface SimConsumerGroup {
  group: string;
  topic: string;
  /** Per partition: committed offset and log end offset. */
  partitions: { current: number; logEnd: number }[];
}

export interface SimProblems {
  postgres: {
    /** Backends connected; default well below max_connections. */
    connections: number;
    sessions: SimSession[];
    commits: number;
    rollbacks: number;
  };
  kafka: {
    groups: SimConsumerGroup[];
    underReplicated: {
      topic: string;
      partition: number;
      leader: number;
      replicas: number[];
      isr: number[];
    }[];
  };
  /** Round trip between brokers, in ms. */
  brokerRttMs: number;
}

/** A healthy platform's figures. */
export function healthyProblems(): SimProblems {
  return {
    postgres: {
      connections: 24,
      sessions: [
        { pid: 4121, state: 'active', ageSeconds: 0, query: 'SELECT * FROM routes WHERE id = $1' },
        { pid: 4122, state: 'idle', ageSeconds: 12, query: 'COMMIT' },
      ],
      commits: 4_812_337,
      rollbacks: 20_113,
    },
    kafka: {
      groups: [
        {
          group: 'clickstream-etl',
          topic: 'clickstream',
          partitions: [
            { current: 1_204_331, logEnd: 1_204_340 },
            { current: 1_199_870, logEnd: 1_199_872 },
            { current: 1_210_002, logEnd: 1_210_002 },
          ],
        },
      ],
      underReplicated: [],
    },
    brokerRttMs: 0.18,
  };
}
