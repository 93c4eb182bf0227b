export * from './error-catalogue';
export * from './agentry-error';
export * from './usage';
export * from './invocation';
export * from './error-envelope';
export * from './stream-events';
export * from './job';
export * from './agent-manifest';
export type * from './model-provider';
