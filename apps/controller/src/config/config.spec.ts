import { ConfigError, loadConfig } from './config';

describe('configuration from the environment', () => {
  it('defaults to the embedded SQLite store under ./data and the in-process transport', () => {
    const config = loadConfig({});
    expect(config.eventStore).toMatchObject({ kind: 'sqlite', synchronous: 'FULL' });
    expect(config.eventStore.kind === 'sqlite' && config.eventStore.file).toMatch(/data\/events\.sqlite$/);
    expect(config.transport).toEqual({ kind: 'inprocess' });
    expect(config.port).toBe(8080);
    expect(config.simulation.nodes).toBe(3);
  });

  it('reports every problem at once with the variable name', () => {
    try {
      loadConfig({ PORT: 'eighty', SIM_NODES: '-1', EVENT_STORE: 'postgres' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).message;
      expect(text).toContain('PORT');
      expect(text).toContain('SIM_NODES');
      expect(text).toContain('EVENT_STORE');
    }
  });

  it('requires a connection string for EventStoreDB and brokers for Kafka', () => {
    expect(() => loadConfig({ EVENT_STORE: 'eventstoredb' })).toThrow(/EVENTSTOREDB_CONNECTION_STRING/);
    expect(() => loadConfig({ TRANSPORT: 'kafka' })).toThrow(/KAFKA_BROKERS/);
    expect(loadConfig({ TRANSPORT: 'kafka', KAFKA_BROKERS: 'a:9092, b:9092' }).transport).toEqual({
      kind: 'kafka',
      brokers: ['a:9092', 'b:9092'],
      topicPrefix: 'daemonledger.',
    });
    expect(loadConfig({ TRANSPORT: 'kafka', KAFKA_BROKERS: 'a:9092', KAFKA_TOPIC_PREFIX: 'staging.dl.' }).transport).toMatchObject({ topicPrefix: 'staging.dl.' });
    expect(() => loadConfig({ TRANSPORT: 'kafka', KAFKA_BROKERS: 'a:9092', KAFKA_TOPIC_PREFIX: 'bad/prefix' })).toThrow(/KAFKA_TOPIC_PREFIX/);
  });

  it('reads simulation failure injection rules and reports malformed ones', () => {
    expect(loadConfig({ SIM_FAILURES: 'crash:image=busybox;not-ready:node=node-2' }).simulation.failures).toEqual([
      { mode: 'crash', image: 'busybox' },
      { mode: 'not-ready', node: 'node-2' },
    ]);
    expect(() => loadConfig({ SIM_FAILURES: 'explode:node=x' })).toThrow(/mode must be crash, not-ready or fail/);
    expect(() => loadConfig({ SIM_FAILURES: 'crash:colour=red' })).toThrow(/expected image=<text> or node=<name>/);
  });

  it('chooses NORMAL durability only when asked explicitly', () => {
    const c = loadConfig({ SQLITE_SYNCHRONOUS: 'NORMAL' });
    expect(c.eventStore).toMatchObject({ kind: 'sqlite', synchronous: 'NORMAL' });
  });
});
