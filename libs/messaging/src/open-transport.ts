import { InProcessTransport } from './in-process.transport';
import { TOPICS, type Transport } from './transport.port';

/** The transport part of the app's configuration (TRANSPORT, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX). */
export type TransportConfig = { kind: 'inprocess' } | { kind: 'kafka'; brokers: string[]; topicPrefix?: string; clientId?: string };

/**
 * Opens the configured transport. The Kafka adapter is loaded only when asked
 * for, so the embedded mode never loads kafkajs; its topics are created here.
 */
export const openTransport = async (config: TransportConfig): Promise<Transport> => {
  if (config.kind === 'inprocess') return new InProcessTransport();
  const { KafkaTransport } = await import('./kafka/kafka.transport');
  return KafkaTransport.connect(
    { brokers: config.brokers, ...(config.topicPrefix ? { topicPrefix: config.topicPrefix } : {}), ...(config.clientId ? { clientId: config.clientId } : {}) },
    Object.values(TOPICS),
  );
};
