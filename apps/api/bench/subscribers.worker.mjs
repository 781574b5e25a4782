// 1,000 graphql-ws clients in a worker thread, so the API's event loop is measured apart from its clients'.
// Plain JavaScript: Node 20 workers do not inherit tsx's loader.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { url, runId, count } = workerData;
const latencies = [];
const clients = [];
for (let i = 0; i < count; i++) {
  const c = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
  clients.push(c);
  c.subscribe(
    { query: `subscription { runProgress(runId: "${runId}") { at step epoch metrics { key value } } }` },
    {
      next: (r) => {
        const at = r.data?.runProgress.at;
        if (at) latencies.push(Date.now() - Date.parse(at));
      },
      error: (e) => parentPort.postMessage({ error: JSON.stringify(e) }),
      complete: () => {},
    },
  );
}
parentPort.on('message', async (m) => {
  if (m === 'count') parentPort.postMessage({ received: latencies.length });
  if (m === 'stop') {
    await Promise.all(clients.map((c) => c.dispose()));
    parentPort.postMessage({ latencies });
  }
});
