// IndexedDB for Node: every test runs Dexie against an in-memory implementation.
import 'fake-indexeddb/auto';
