export { createHttpTransport } from './http-transport';
export type { HttpTransportOptions } from './http-transport-options';
