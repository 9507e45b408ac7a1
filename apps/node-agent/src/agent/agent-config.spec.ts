import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { AgentConfigError, loadAgentConfig } from './agent-config';

describe('npm run agent configuration', () => {
  it('reads the node range, Kafka and the simulation settings, with the defaults the controller uses', () => {
    const c = loadAgentConfig({ KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093', SIM_NODES: '100', SIM_NODE_OFFSET: '200', SIM_FAILURES: 'crash:image=busybox' });
    expect(c).toEqual({
      transport: { kind: 'kafka', brokers: ['127.0.0.1:9092', '127.0.0.1:9093'], topicPrefix: 'daemonledger.' },
      dataDir: resolve('./data'),
      agentId: `${hostname()}-agent-200`,
      nodeOffset: 200,
      nodeCount: 100,
      nodeLeaseDurationSeconds: 40,
      simulation: { podStartMs: 2000, podStopMs: 1000, pullBackoffMs: 10_000, registryStrict: false, failures: [{ mode: 'crash', image: 'busybox' }], nodeSize: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
  });

  it('takes AGENT_ID as the leases’ holder identity', () => {
    expect(loadAgentConfig({ KAFKA_BROKERS: 'k:9092', AGENT_ID: 'rack-7' }).agentId).toBe('rack-7');
  });

  it('reports every problem at once, by variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadAgentConfig(env);
      } catch (e) {
        return (e as AgentConfigError).problems;
      }
      return [];
    };
    expect(problems({ SIM_NODE_OFFSET: '-1', NODE_LEASE_DURATION_SECONDS: '0' })).toEqual([
      'KAFKA_BROKERS: required: the Kafka brokers, a comma-separated host:port list (e.g. 127.0.0.1:9092)',
      'NODE_LEASE_DURATION_SECONDS: NODE_LEASE_DURATION_SECONDS must be at least 1',
      'SIM_NODE_OFFSET: SIM_NODE_OFFSET must be a whole number',
    ]);
    expect(problems({ KAFKA_BROKERS: 'localhost', SIM_FAILURES: 'explode', SIM_NODES: '0' })).toEqual([
      'SIM_FAILURES: "explode": mode must be crash, not-ready or fail',
      'KAFKA_BROKERS: expected host:port[,host:port…], got "localhost"',
      'SIM_NODES: an agent runs at least one node',
    ]);
  });
});
