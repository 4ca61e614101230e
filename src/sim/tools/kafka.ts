import type { SimTool } from '../types.js';
import { consumerPerfTest } from './kafka-consumer.js';
import { consumerGroups } from './kafka-consumer-groups.js';
import { producerPerfTest } from './kafka-producer.js';
import { kafkaTopics } from './kafka-topics.js';

export type { SimCluster, SimTopic } from './kafka-cluster.js';
export { clusterOf } from './kafka-cluster.js';
export { KafkaFault } from './kafka-faults.js';

/**
 * The simulated Kafka tools, keyed by program basename as `SimTool`s are (each gets the whole argv,
 * argv[0] being the program's path). They keep topics per
 * sandbox state (`clusterOf(state)`), print the real tools' output formats, and answer with numbers
 * that respond to the broker StatefulSet's heap (`KAFKA_HEAP_OPTS`), `KAFKA_NUM_NETWORK_THREADS`,
 * `KAFKA_NUM_IO_THREADS` (or bitnami's `KAFKA_CFG_…`), and to the run's record size, acks,
 * partitions and throughput cap. Faults: see `KafkaFault`.
 *
 * @example startSandbox({ tools: { ...kafkaTools } })
 */
export const kafkaTools: Record<string, SimTool> = {
  'kafka-topics.sh': kafkaTopics,
  'kafka-producer-perf-test.sh': producerPerfTest,
  'kafka-consumer-perf-test.sh': consumerPerfTest,
  'kafka-consumer-groups.sh': consumerGroups,
};
