import { FakeGraphApi } from '../support/fake-graph-api.js';
import { FakeDirectory } from '../support/fake-graph-state.js';
import { entraServiceSuite } from './entra-suite.js';

// The in-memory fake that other modules' tests use must behave like the real thing.
entraServiceSuite('the in-memory fake', async () => {
  let directory = new FakeDirectory();
  return {
    directory: () => directory,
    graph: () => new FakeGraphApi(directory),
    reset: () => {
      directory = new FakeDirectory();
    },
    close: async () => undefined,
  };
});
