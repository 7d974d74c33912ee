/** Where the workload in an instance answers; always loopback. */
export interface Endpoint {
  host: '127.0.0.1';
  port: number;
}
