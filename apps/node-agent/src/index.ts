export * from './image-registry';
export * from './node-fleet';
export * from './simulated-kubelet';
export * from './sim-settings';
export { startAgent, agentStateFile, type AgentOptions, type RunningAgent } from './agent/agent';
export { loadAgentConfig, AgentConfigError, type AgentConfig } from './agent/agent-config';
export { loadAgentState, writeAgentState, StateFile, RecentIds, emptyAgentState, type AgentState } from './agent/state-file';
export { heartbeatBatch, microTime, renewIntervalMs } from './agent/heartbeats';
