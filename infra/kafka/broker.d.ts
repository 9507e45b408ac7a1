/** Types for broker.js (plain CommonJS, so `npm run kafka` needs no build). */
export interface BrokerOptions {
  port?: number;
  controllerPort?: number;
  dataDir?: string;
  log?: (line: string) => void;
  verbose?: boolean;
  timeoutMs?: number;
}
export interface RunningBroker {
  brokers: string[];
  port: number;
  controllerPort: number;
  dataDir: string;
  pid: number;
  /** From format to "started", in ms (the jar fetch not included). */
  startMs: number;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}
export declare function startBroker(options?: BrokerOptions): Promise<RunningBroker>;
export declare function ensureJars(log?: (line: string) => void): string;
export declare function serverProperties(o: { port: number; controllerPort: number; logDir: string }): string;
