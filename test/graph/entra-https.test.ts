import { createGraphApi } from '../../src/graph/graph-client.js';
import { startFakeGraph } from '../support/fake-graph.js';
import { silentLogger } from '../support/logging.js';
import { entraServiceSuite } from './entra-suite.js';

// The real Graph client and @azure/identity credential, over TLS on loopback.
entraServiceSuite('the real Graph client and the https fake', async () => {
  const fake = await startFakeGraph();
  return {
    directory: () => fake.directory,
    graph: () => createGraphApi(fake.settings(), fake.clientOptions(silentLogger())),
    reset: () => fake.reset(),
    close: () => fake.close(),
  };
});
