// bench/cluster.ts's hook for the model-server half of `npm run bench:cluster`; the benchmark
// itself is bench/model-server.ts (`npm run bench:model-server`).
export { servingThroughput } from './model-server.js';
